/**
 * Parses the first line of a message the way its container's rule says: auto-detection (the
 * default), one forced format, or the rule's pattern with named groups. A line the configured
 * parser cannot read is kept as plain text and counted `unmatched`: a rule never loses a line.
 */
import type { CompiledRule } from './compiled-rule.js';
import { parseJsonLine } from './json-line.js';
import { normalizeLevel } from './level.js';
import { Level, type ParsedLine } from '../model/log-entry.js';
import { parseLogfmt } from './logfmt-line.js';
import { lastDetectedFormat, parseLineHead, type ParseOutcome } from './parse-line.js';
import { parsePlainLine } from './plain-line.js';
import { normalizeTimeValue } from './timestamp.js';

/** Groups of a rule's pattern that are not fields. */
const SPECIAL_GROUPS = new Set(['time', 'level', 'message']);

/** The parsed line (message possibly empty for a prefix-only line) and which parser read it. */
export interface RuleParse {
  parsed: ParsedLine;
  outcome: ParseOutcome;
}

function fromGroups(groups: Record<string, string>, text: string, nowMs: number): ParsedLine {
  const parsed: ParsedLine = { level: Level.INFO, message: groups.message ?? text };
  let fields: Record<string, unknown> | undefined;
  const field = (k: string, v: string): void => {
    (fields ??= {})[k] = v;
  };
  if (groups.time !== undefined) {
    const time = normalizeTimeValue(groups.time.trim(), nowMs);
    if (time !== undefined) parsed.time = time;
    else field('time', groups.time);
  }
  if (groups.level !== undefined) {
    const level = normalizeLevel(groups.level.trim());
    if (level !== undefined) parsed.level = level;
    else field('level', groups.level);
  }
  for (const [k, v] of Object.entries(groups)) if (!SPECIAL_GROUPS.has(k)) field(k, v);
  if (fields) parsed.fields = fields;
  return parsed;
}

/** Reads one line with the rule's parser; plain text when that parser does not match. */
export function parseWithRule(text: string, rule: CompiledRule, nowMs: number): RuleParse {
  switch (rule.parser) {
    case 'auto': {
      const parsed = parseLineHead(text, nowMs);
      return { parsed, outcome: lastDetectedFormat() };
    }
    case 'plain':
      return { parsed: parsePlainLine(text, nowMs), outcome: 'plain' };
    case 'json': {
      const parsed = parseJsonLine(text.trim(), nowMs);
      return parsed ? { parsed, outcome: 'json' } : { parsed: parsePlainLine(text, nowMs), outcome: 'unmatched' };
    }
    case 'logfmt': {
      const start = text.length - text.trimStart().length;
      const parsed = parseLogfmt(text, start, nowMs);
      return parsed ? { parsed, outcome: 'logfmt' } : { parsed: parsePlainLine(text, nowMs), outcome: 'unmatched' };
    }
    case 'regex': {
      const groups = rule.pattern?.groups(text);
      return groups ? { parsed: fromGroups(groups, text, nowMs), outcome: 'regex' } : { parsed: parsePlainLine(text, nowMs), outcome: 'unmatched' };
    }
  }
}
