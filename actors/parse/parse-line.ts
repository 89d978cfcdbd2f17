import { Level, type ParsedLine } from '../model/log-entry.js';
import { parseJsonLine } from './json-line.js';
import { parseLogfmt, startsWithLogfmtKey } from './logfmt-line.js';
import { parsePlainLine } from './plain-line.js';

export interface ParseOptions {
  /** Reference time (epoch ms) for year-less timestamps; defaults to the current time. */
  now?: number;
}

/** Which parser made an entry: a detected or configured format, or `unmatched` (a configured one failed: plain text). */
export type ParseOutcome = 'json' | 'logfmt' | 'plain' | 'regex' | 'unmatched';

let lastFormat: ParseOutcome = 'plain';

/** The format parseLineHead found in the line it read last (read right after the call; no allocation per line). */
export function lastDetectedFormat(): ParseOutcome {
  return lastFormat;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/**
 * Parses one log message like {@link parseLine} but leaves the message empty when the line held only a prefix
 * (timestamp/level): the pipeline uses this for the first line of a stack trace, whose message continues below.
 */
export function parseLineHead(text: string, nowMs: number): ParsedLine {
  const n = text.length;
  let i = 0;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  lastFormat = 'plain';
  if (i === n) return { level: Level.INFO, message: '' };
  const c = text.charCodeAt(i);
  if (c === 123) {
    // Only pay for JSON.parse (and its exception) when the line also ends like an object.
    let j = n - 1;
    while (j > i && isSpace(text.charCodeAt(j))) j--;
    if (text.charCodeAt(j) === 125) {
      const parsed = parseJsonLine(text, nowMs);
      if (parsed !== undefined) {
        lastFormat = 'json';
        return parsed;
      }
    }
  } else if (startsWithLogfmtKey(text, i)) {
    const parsed = parseLogfmt(text, i, nowMs);
    if (parsed !== undefined) {
      lastFormat = 'logfmt';
      return parsed;
    }
  }
  return parsePlainLine(text, nowMs);
}

/**
 * Parses one log message (Docker framing and timestamp already removed) into time, level, message and fields:
 * JSON object lines of the common libraries, logfmt, or plain text with the usual prefixes.
 * Never throws; the message is non-empty unless the text was empty.
 */
export function parseLine(text: string, opts?: ParseOptions): ParsedLine {
  const nowMs = opts?.now ?? Date.now();
  let parsed: ParsedLine;
  try {
    parsed = parseLineHead(text, nowMs);
  } catch {
    // Defensive: a parser bug must cost one line its structure, never the line.
    return { level: Level.INFO, message: text };
  }
  if (parsed.message === '' && text !== '') parsed.message = text.trim() || text;
  return parsed;
}
