import { Level, type ParsedLine, type StreamName } from '../model/log-entry.js';
import { DEFAULT_RULE, type CompiledRule } from './compiled-rule.js';
import { MultilineJoiner, type JoinedLine } from './multiline.js';
import type { ParseOutcome } from './parse-line.js';
import { createRedactor } from './redact.js';
import { parseWithRule } from './rule-line.js';
import { StartPatternJoiner, type LineJoiner } from './start-joiner.js';
import { stripAnsi } from './ansi.js';
import { withLocalZone } from './timestamp.js';
import type { LocalZone } from './time-zone.js';

export interface PipelineOptions {
  /** Multi-line quiet time in ms (default 300). */
  quietMs?: number;
  /** Lines per joined group before it is cut (default 500). */
  maxLines?: number;
  /** Characters per joined group before it is cut (default unlimited). */
  maxBytes?: number;
  /** Extra redaction patterns, each whole match replaced. */
  extraPatterns?: RegExp[];
  /** The container's parsing rule (default: auto-detection and the stack-trace joiner). */
  rule?: CompiledRule;
  /** Where times without an offset are read (default UTC); also settable later with setTimeZone. */
  zone?: LocalZone;
}

/** One finished message of a container stream: parsed and redacted. */
export interface PipelineOutput {
  stream: StreamName;
  /** Docker timestamp of the message's first line. */
  dockerTs: string;
  parsed: ParsedLine;
  /** Set when a joined trace was cut at maxLines/maxBytes. */
  truncated?: boolean;
}

/** Entries by the parser that read them, and redactions made, since the pipeline started. */
export type ParseCounts = Record<ParseOutcome | 'redactions', number>;

export interface LinePipeline {
  /** Feeds one line of a stream; returns the messages complete now. */
  push(stream: StreamName, text: string, dockerTs: string, nowMs: number): PipelineOutput[];
  /** Messages whose quiet time has passed by `nowMs`. */
  flushDue(nowMs: number): PipelineOutput[];
  /** Everything held (stream end, shutdown). */
  flush(): PipelineOutput[];
  /** True while lines of `stream` are held back (a trace in progress): no entry covers them yet. */
  holds(stream: StreamName): boolean;
  /** The earliest time flushDue() has something to return, or undefined. */
  nextDeadline(): number | undefined;
  /** The container's zone, once known (its TZ comes with the inspect that follows the pipeline's creation). */
  setTimeZone(zone: LocalZone | undefined): void;
  /** Total redactions made. */
  readonly redactions: number;
  /** Running totals per parse outcome (and redactions); callers take differences. */
  counts(): ParseCounts;
}

/** Zeroed counts. */
export function emptyParseCounts(): ParseCounts {
  return { json: 0, logfmt: 0, plain: 0, regex: 0, unmatched: 0, redactions: 0 };
}

/**
 * Parses one message (a single line, or lines joined by a joiner): time, level and fields from the
 * first line by the rule's parser; the message is the first line's followed by the rest. A stack-trace
 * group is at least ERROR. A line of only a prefix keeps its text as the message.
 */
function parseJoined(joined: JoinedLine, rule: CompiledRule, nowMs: number, counts: ParseCounts): ParsedLine {
  const text = joined.text;
  const nl = joined.lines > 1 || joined.trace ? text.indexOf('\n') : -1;
  const head = nl < 0 ? text : text.slice(0, nl);
  let parsed: ParsedLine;
  try {
    const r = parseWithRule(head, rule, nowMs);
    parsed = r.parsed;
    counts[r.outcome]++;
  } catch {
    // Defensive: a parser bug must cost one line its structure, never the line.
    parsed = { level: Level.INFO, message: '' };
    counts.plain++;
  }
  if (nl < 0) {
    if (parsed.message === '' && head !== '') parsed.message = head.trim() || head;
  } else {
    const rest = stripAnsi(text.slice(nl + 1)).trimEnd();
    parsed.message = parsed.message === '' ? rest : parsed.message + '\n' + rest;
  }
  if (joined.trace && parsed.level < Level.ERROR) parsed.level = Level.ERROR;
  return parsed;
}

/**
 * Composes the per-line pipeline for one container: a joiner per stream (the stack-trace joiner, or
 * the rule's start pattern), the rule's parser on each joined message, then redaction of the message
 * and the fields (after parsing, so JSON keys are redacted by name), then the rule's own redaction.
 */
export function createLinePipeline(opts: PipelineOptions = {}): LinePipeline {
  const rule = opts.rule ?? DEFAULT_RULE;
  const joinerOpts = { quietMs: opts.quietMs ?? 300, maxLines: opts.maxLines ?? 500, maxBytes: opts.maxBytes };
  const joiner = (): LineJoiner => (rule.multilineStart ? new StartPatternJoiner(rule.multilineStart, joinerOpts) : new MultilineJoiner(joinerOpts));
  const joiners = { stdout: joiner(), stderr: joiner() };
  const redactor = createRedactor({ extraPatterns: opts.extraPatterns });
  const counts = emptyParseCounts();
  let ruleRedactions = 0;
  let zone = opts.zone;
  let lastNow = Date.now();

  const ruleRedact = (s: string): string => {
    if (!rule.redact) return s;
    const r = rule.redact.replaceAll(s, '[REDACTED]');
    ruleRedactions += r.count;
    return r.text;
  };

  function finish(stream: StreamName, joined: JoinedLine, nowMs: number): PipelineOutput {
    const parsed = withLocalZone(zone, () => parseJoined(joined, rule, nowMs, counts));
    parsed.message = ruleRedact(redactor.text(parsed.message));
    if (parsed.fields !== undefined) {
      parsed.fields = redactor.fields(parsed.fields);
      if (rule.redact) for (const [k, v] of Object.entries(parsed.fields)) if (typeof v === 'string') parsed.fields[k] = ruleRedact(v);
    }
    const out: PipelineOutput = { stream, dockerTs: joined.dockerTs, parsed };
    if (joined.truncated) out.truncated = true;
    return out;
  }

  function convert(stream: StreamName, joined: JoinedLine[], nowMs: number, into: PipelineOutput[]): PipelineOutput[] {
    for (let i = 0; i < joined.length; i++) into.push(finish(stream, joined[i]!, nowMs));
    return into;
  }

  return {
    holds: (stream) => joiners[stream].pending,
    push(stream, text, dockerTs, nowMs) {
      lastNow = nowMs;
      return convert(stream, joiners[stream].push(text, dockerTs, nowMs), nowMs, []);
    },
    flushDue(nowMs) {
      lastNow = nowMs;
      const out: PipelineOutput[] = [];
      convert('stdout', joiners.stdout.flushDue(nowMs), nowMs, out);
      return convert('stderr', joiners.stderr.flushDue(nowMs), nowMs, out);
    },
    flush() {
      const out: PipelineOutput[] = [];
      convert('stdout', joiners.stdout.flush(), lastNow, out);
      return convert('stderr', joiners.stderr.flush(), lastNow, out);
    },
    nextDeadline() {
      const a = joiners.stdout.nextDeadline();
      const b = joiners.stderr.nextDeadline();
      if (a === undefined) return b;
      return b === undefined || a < b ? a : b;
    },
    setTimeZone(z) {
      zone = z;
    },
    get redactions() {
      return redactor.count + ruleRedactions;
    },
    counts() {
      return { ...counts, redactions: redactor.count + ruleRedactions };
    },
  };
}
