/**
 * Joins lines by a container's own rule (`logagg.multiline.start`): a line matching the pattern starts
 * a new entry, the lines until the next match continue it. Same contract as MultilineJoiner (the
 * caller owns the clock): an entry is complete at the next start line, after quietMs without a line,
 * or when cut at maxLines/maxBytes (marked truncated; the rest continues as another entry).
 */
import type { LinearPattern } from './linear-pattern.js';
import type { JoinedLine, MultilineOptions } from './multiline.js';

/** What the pipeline needs of a joiner. */
export interface LineJoiner {
  /** True while lines are held back waiting for what follows. */
  readonly pending: boolean;
  push(text: string, dockerTs: string, nowMs: number): JoinedLine[];
  flushDue(nowMs: number): JoinedLine[];
  flush(): JoinedLine[];
  nextDeadline(): number | undefined;
}

export class StartPatternJoiner implements LineJoiner {
  private readonly quietMs: number;
  private readonly maxLines: number;
  private readonly maxBytes: number;
  private lines: string[] = [];
  private ts = '';
  private bytes = 0;
  private lastAt = 0;

  constructor(
    private readonly start: LinearPattern,
    opts: MultilineOptions = {},
  ) {
    this.quietMs = opts.quietMs ?? 300;
    this.maxLines = Math.max(1, opts.maxLines ?? 500);
    this.maxBytes = opts.maxBytes ?? Infinity;
  }

  get pending(): boolean {
    return this.lines.length > 0;
  }

  nextDeadline(): number | undefined {
    return this.lines.length > 0 ? this.lastAt + this.quietMs : undefined;
  }

  push(text: string, dockerTs: string, nowMs: number): JoinedLine[] {
    const out: JoinedLine[] = [];
    if (this.lines.length > 0 && (nowMs - this.lastAt >= this.quietMs || this.start.test(text))) this.emit(out, false);
    this.lastAt = nowMs;
    if (this.lines.length === 0) this.ts = dockerTs;
    this.lines.push(text);
    this.bytes += text.length + 1;
    if (this.lines.length >= this.maxLines || this.bytes >= this.maxBytes) this.emit(out, true);
    return out;
  }

  flushDue(nowMs: number): JoinedLine[] {
    const out: JoinedLine[] = [];
    if (this.lines.length > 0 && nowMs - this.lastAt >= this.quietMs) this.emit(out, false);
    return out;
  }

  flush(): JoinedLine[] {
    const out: JoinedLine[] = [];
    if (this.lines.length > 0) this.emit(out, false);
    return out;
  }

  private emit(out: JoinedLine[], truncated: boolean): void {
    const joined: JoinedLine = { text: this.lines.join('\n'), dockerTs: this.ts, lines: this.lines.length, trace: false };
    if (truncated) joined.truncated = true;
    out.push(joined);
    this.lines = [];
    this.bytes = 0;
  }
}
