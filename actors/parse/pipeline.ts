import { Level, type ParsedLine, type StreamName } from './log-entry.js';
import { MultilineJoiner, type JoinedLine } from './multiline.js';
import { parseLine, parseLineHead } from './parse-line.js';
import { createRedactor } from './redact.js';
import { stripAnsi } from './ansi.js';

export interface PipelineOptions {
  /** Multi-line quiet time in ms (default 300). */
  quietMs?: number;
  /** Lines per joined group before it is cut (default 500). */
  maxLines?: number;
  /** Characters per joined group before it is cut (default unlimited). */
  maxBytes?: number;
  /** Extra redaction patterns, each whole match replaced. */
  extraPatterns?: RegExp[];
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

export interface LinePipeline {
  /** Feeds one line of a stream; returns the messages complete now. */
  push(stream: StreamName, text: string, dockerTs: string, nowMs: number): PipelineOutput[];
  /** Messages whose quiet time has passed by `nowMs`. */
  flushDue(nowMs: number): PipelineOutput[];
  /** Everything held (stream end, shutdown). */
  flush(): PipelineOutput[];
  /** The earliest time flushDue() has something to return, or undefined. */
  nextDeadline(): number | undefined;
  /** Total redactions made. */
  readonly redactions: number;
}

/**
 * Parses a joined stack-trace group: time and level from the first line, message = the first line's message
 * followed by the rest of the trace; level at least ERROR.
 */
function parseTrace(text: string, nowMs: number): ParsedLine {
  const nl = text.indexOf('\n');
  if (nl < 0) {
    const parsed = parseLine(text, { now: nowMs });
    if (parsed.level < Level.ERROR) parsed.level = Level.ERROR;
    return parsed;
  }
  let parsed: ParsedLine;
  try {
    parsed = parseLineHead(text.slice(0, nl), nowMs);
  } catch {
    parsed = { level: Level.ERROR, message: '' };
  }
  const rest = stripAnsi(text.slice(nl + 1)).trimEnd();
  parsed.message = parsed.message === '' ? rest : parsed.message + '\n' + rest;
  if (parsed.level < Level.ERROR) parsed.level = Level.ERROR;
  return parsed;
}

/**
 * Composes the per-line pipeline for one container: a MultilineJoiner per stream, parseLine on each joined
 * message, then redaction of the message and the fields (after parsing, so JSON keys are redacted by name).
 */
export function createLinePipeline(opts: PipelineOptions = {}): LinePipeline {
  const joinerOpts = { quietMs: opts.quietMs ?? 300, maxLines: opts.maxLines ?? 500, maxBytes: opts.maxBytes };
  const joiners = { stdout: new MultilineJoiner(joinerOpts), stderr: new MultilineJoiner(joinerOpts) };
  const redactor = createRedactor({ extraPatterns: opts.extraPatterns });
  let lastNow = Date.now();

  function finish(stream: StreamName, joined: JoinedLine, nowMs: number): PipelineOutput {
    const parsed = joined.trace ? parseTrace(joined.text, nowMs) : parseLine(joined.text, { now: nowMs });
    parsed.message = redactor.text(parsed.message);
    if (parsed.fields !== undefined) parsed.fields = redactor.fields(parsed.fields);
    const out: PipelineOutput = { stream, dockerTs: joined.dockerTs, parsed };
    if (joined.truncated) out.truncated = true;
    return out;
  }

  function convert(stream: StreamName, joined: JoinedLine[], nowMs: number, into: PipelineOutput[]): PipelineOutput[] {
    for (let i = 0; i < joined.length; i++) into.push(finish(stream, joined[i]!, nowMs));
    return into;
  }

  return {
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
    get redactions() {
      return redactor.count;
    },
  };
}
