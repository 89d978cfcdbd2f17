/**
 * Joins the lines of a stack trace (Python, JVM/.NET, Node, Go panics) into one message.
 *
 * Latency design: lines that cannot start or head a trace are emitted by the same push() that received them.
 * Two kinds of line are held, each only until the next line shows whether it continues (or quietMs passes):
 *  - an exception header that needs a frame to be a trace (`java.lang.IllegalStateException: …`, `TypeError: x`);
 *  - a line that may head a trace (`… ERROR Failed to handle request`): it mentions err/warn/fatal/crit/
 *    exception/fail/panic/severe (one case-insensitive regex test, so INFO/DEBUG traffic never waits).
 * A trace after a line that was not held (an INFO line, or a JSON line: JSON loggers embed their traces)
 * becomes a group of its own. A trace group ends when a line arrives that cannot continue it, after quietMs of
 * quiet, at maxLines, or at maxBytes (the last two mark the group truncated and continue in a new group).
 * The caller owns the clock: there are no timers here, only nowMs arguments, flushDue() and nextDeadline().
 */

/** One complete message: a single line, or several joined with "\n". */
export interface JoinedLine {
  /** The lines joined with "\n". */
  text: string;
  /** Docker timestamp of the first line. */
  dockerTs: string;
  /** Number of source lines joined. */
  lines: number;
  /** True for a stack-trace group (the caller raises its level to at least ERROR). */
  trace: boolean;
  /** Set when the group was cut at maxLines/maxBytes; the rest follows as another group. */
  truncated?: boolean;
}

export interface MultilineOptions {
  /** A pending group is complete after this long without a new line (default 300). */
  quietMs?: number;
  /** A group is cut at this many lines (default 500). */
  maxLines?: number;
  /** A group is cut once its text reaches this many characters (UTF-16 code units; default unlimited). */
  maxBytes?: number;
}

const IDLE = 0;
/** lines[0] may head a trace. */
const HELD = 1;
/** The last pending line is an exception header waiting for its first frame (maybe after a HELD header). */
const WEAK = 2;
const TRACE = 3;

const PY = 0;
const JVM = 1;
const GO = 2;

// Sub-states of a trace. Python: frames, after the exception line, after a chaining sentence. Go: message, stack.
const PY_FRAMES = 0;
const PY_AFTER_EXC = 1;
const PY_CHAIN = 2;
const GO_MESSAGE = 0;
const GO_STACK = 1;

/** Marker returned by a continuation test: the line belongs to the trace and closes it. */
const END = -2;
const NO = -1;

const TRACEBACK = 'Traceback (most recent call last):';
// Words that a trace-heading log line nearly always contains.
const HEADER_HINT = /err|warn|fatal|crit|exception|fail|panic|severe|alert|emerg/i;

function isSpaceCode(c: number): boolean {
  return c === 32 || c === 9;
}

function isBlank(s: string): boolean {
  if (s.length === 0) return true;
  const c = s.charCodeAt(0);
  return (c === 32 || c === 9 || c === 13) && s.trim() === '';
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isGoroutineHeader(s: string): boolean {
  return s.startsWith('goroutine ') && /^goroutine \d+ \[/.test(s);
}

/** A line that starts a trace by itself; returns its kind or NO. */
function strongStart(s: string): number {
  switch (s.charCodeAt(0)) {
    case 84: // T
      return s.startsWith(TRACEBACK) ? PY : NO;
    case 112: // p
      return s.startsWith('panic: ') ? GO : NO;
    case 69: // E
      return s.startsWith('Exception in thread ') ? JVM : NO;
    case 102: // f
      return s.startsWith('fatal error: ') ? GO : NO;
    case 103: // g
      return isGoroutineHeader(s) ? GO : NO;
    case 104: // h
      return s.startsWith('http: panic serving') ? GO : NO;
    default:
      return NO;
  }
}

/**
 * An exception header that is a trace only if frames follow: a (dotted) class name ending Error/Exception/
 * Throwable, then `:` or the end of the line (`TypeError: x`, `java.lang.NullPointerException`).
 */
function weakStart(s: string): boolean {
  if (!isLetter(s.charCodeAt(0))) return false;
  const limit = Math.min(s.length, 160);
  let j = 1;
  for (; j < limit; j++) {
    const d = s.charCodeAt(j);
    if (!(isLetter(d) || (d >= 48 && d <= 57) || d === 46 || d === 95 || d === 36)) break;
  }
  if (!(j === s.length || s.charCodeAt(j) === 58)) return false;
  return s.startsWith('Error', j - 5) || s.startsWith('Exception', j - 9) || s.startsWith('Throwable', j - 9);
}

/** `    at foo (file.js:1:2)`, `\tat com.foo.Bar.baz(Bar.java:10)`, `   at Ns.Type.Method() in file:line 42`. */
function isIndentedAt(s: string): boolean {
  let i = 0;
  while (isSpaceCode(s.charCodeAt(i))) i++;
  if (i === 0) return false;
  return s.startsWith('at ', i) || s.startsWith('eval at ', i);
}

/** Could this line head a trace that follows it? */
function couldBeHeader(s: string): boolean {
  const c = s.charCodeAt(0);
  if (c === 123) return false; // JSON lines carry their own stack fields
  if (c === 69 && s.charCodeAt(1) >= 48 && s.charCodeAt(1) <= 57) return true; // klog E1025 …
  return HEADER_HINT.test(s);
}

/** Python: the exception line `pkg.SomeError: msg` or a bare `KeyboardInterrupt`. */
function isPyExceptionLine(s: string): boolean {
  const c = s.charCodeAt(0);
  if (!(isLetter(c) || c === 95)) return false;
  for (let i = 1; i < s.length; i++) {
    const d = s.charCodeAt(i);
    if (d === 58) return true;
    if (d === 32 || d === 9 || d === 40 || d === 41) return false;
  }
  return true;
}

function isPyChain(s: string): boolean {
  return s.startsWith('During handling of the above exception') || s.startsWith('The above exception was the direct cause');
}

/** Go stack function line: `main.main()`, `net/http.(*conn).serve(0xc000…)`. */
function isGoFuncLine(s: string): boolean {
  const paren = s.indexOf('(');
  if (paren <= 0) return false;
  const space = s.indexOf(' ');
  if (space >= 0 && space < paren) return false;
  const last = s.charCodeAt(s.length - 1);
  return last === 41 || s.endsWith(')\r');
}

interface Piece {
  text: string;
  ts: string;
}

/** Groups the lines of one container stream into messages; see the module comment for the rules. */
export class MultilineJoiner {
  private readonly quietMs: number;
  private readonly maxLines: number;
  private readonly maxBytes: number;
  private state = IDLE;
  private kind = JVM;
  private sub = 0;
  private lines: string[] = [];
  private stamps: string[] = [];
  private bytes = 0;
  /** Blank lines inside a trace are held aside until the next line shows whether the trace goes on. */
  private blanks: Piece[] = [];
  private lastAt = 0;

  constructor(opts: MultilineOptions = {}) {
    this.quietMs = opts.quietMs ?? 300;
    this.maxLines = Math.max(1, opts.maxLines ?? 500);
    this.maxBytes = opts.maxBytes ?? Infinity;
  }

  /** Characters held back now (lines and blank lines): below maxBytes plus the two lines a header may hold. */
  get heldBytes(): number {
    let n = this.bytes;
    for (const b of this.blanks) n += b.text.length + 1;
    return n;
  }

  /** True while lines are held back waiting for what follows. */
  get pending(): boolean {
    return this.lines.length > 0 || this.blanks.length > 0;
  }

  /** When flushDue() will next have something to return (epoch ms), or undefined when nothing is held. */
  nextDeadline(): number | undefined {
    return this.pending ? this.lastAt + this.quietMs : undefined;
  }

  /**
   * Adds one line (Docker framing/timestamp removed) and returns the messages complete now, in order.
   * If the held lines had already gone quiet by `nowMs`, they are completed first.
   */
  push(text: string, dockerTs: string, nowMs: number): JoinedLine[] {
    const out: JoinedLine[] = [];
    if (this.state !== IDLE && nowMs - this.lastAt >= this.quietMs) this.flushInto(out);
    this.lastAt = nowMs;
    this.feed(text, dockerTs, out);
    return out;
  }

  /** Returns the held group if its last line arrived at least quietMs before `nowMs`. */
  flushDue(nowMs: number): JoinedLine[] {
    if (this.state === IDLE || nowMs - this.lastAt < this.quietMs) return [];
    const out: JoinedLine[] = [];
    this.flushInto(out);
    return out;
  }

  /** Returns everything held, regardless of time (stream end, shutdown). */
  flush(): JoinedLine[] {
    const out: JoinedLine[] = [];
    this.flushInto(out);
    return out;
  }

  private flushInto(out: JoinedLine[]): void {
    if (this.state === TRACE) this.emitGroup(out, false);
    else this.emitSingles(out);
    this.emitBlanks(out);
    this.state = IDLE;
  }

  private feed(text: string, ts: string, out: JoinedLine[]): void {
    switch (this.state) {
      case HELD: {
        const kind = strongStart(text);
        if (kind !== NO) return this.startTrace(kind, text, ts, out);
        if (isIndentedAt(text)) return this.startTrace(JVM, text, ts, out);
        if (weakStart(text)) {
          this.add(text, ts);
          this.state = WEAK;
          return;
        }
        this.emitSingles(out);
        break;
      }
      case WEAK: {
        if (isIndentedAt(text) || /^\s*(?:Caused by|Suppressed):/.test(text)) {
          this.state = TRACE;
          this.kind = JVM;
          this.sub = 0;
          return this.append(text, ts, out);
        }
        this.emitSingles(out);
        break;
      }
      case TRACE: {
        if (isBlank(text)) {
          if (this.blanks.length < 2) {
            this.blanks.push({ text, ts });
            return;
          }
          this.emitGroup(out, false);
          this.emitBlanks(out);
          break;
        }
        const r = this.blanks.length > 0 ? this.continuesAfterBlank(text) : this.continues(text);
        if (r !== NO) {
          for (const b of this.blanks) this.add(b.text, b.ts);
          this.blanks.length = 0;
          this.append(text, ts, out);
          if (r === END) {
            this.emitGroup(out, false);
            this.state = IDLE;
          } else {
            this.sub = r;
          }
          return;
        }
        this.emitGroup(out, false);
        this.emitBlanks(out);
        break;
      }
    }
    this.fresh(text, ts, out);
  }

  /** A line with nothing pending before it. */
  private fresh(text: string, ts: string, out: JoinedLine[]): void {
    this.state = IDLE;
    const kind = strongStart(text);
    if (kind !== NO) return this.startTrace(kind, text, ts, out);
    if (weakStart(text)) {
      this.add(text, ts);
      this.state = WEAK;
      return;
    }
    if (couldBeHeader(text)) {
      this.add(text, ts);
      this.state = HELD;
      return;
    }
    out.push({ text, dockerTs: ts, lines: 1, trace: false });
  }

  private startTrace(kind: number, text: string, ts: string, out: JoinedLine[]): void {
    this.state = TRACE;
    this.kind = kind;
    this.sub = kind === PY ? PY_FRAMES : kind === GO ? (isGoroutineHeader(text) ? GO_STACK : GO_MESSAGE) : 0;
    this.append(text, ts, out);
  }

  /** Whether a non-blank line continues the current trace: the new sub-state, END, or NO. */
  private continues(s: string): number {
    const indented = isSpaceCode(s.charCodeAt(0));
    switch (this.kind) {
      case PY:
        if (s.startsWith(TRACEBACK)) return PY_FRAMES;
        if (indented) return this.sub === PY_CHAIN ? NO : this.sub;
        if (this.sub === PY_FRAMES) return isPyExceptionLine(s) ? PY_AFTER_EXC : NO;
        return isPyChain(s) ? PY_CHAIN : NO;
      case JVM: {
        if (indented) return 0;
        const c = s.charCodeAt(0);
        if (c === 67 && s.startsWith('Caused by:')) return 0;
        if (c === 83 && s.startsWith('Suppressed:')) return 0;
        if (c === 46 && /^\.\.\. \d+ /.test(s)) return 0;
        if (c === 45 && s.startsWith('--- End of')) return 0; // .NET "--- End of stack trace from previous location ---"
        // Node prints an error's extra properties as an object literal after the frames: "  code: 'E' … }".
        if ((c === 125 || c === 93) && s.trim().length === 1) return 0;
        return NO;
      }
      default: {
        if (isGoroutineHeader(s)) return GO_STACK;
        if (indented) return this.sub;
        if (this.sub === GO_MESSAGE) {
          return s.startsWith('[signal ') || s.startsWith('panic: ') ? GO_MESSAGE : NO;
        }
        if (s.startsWith('created by ') || s.startsWith('runtime stack:') || isGoFuncLine(s)) return GO_STACK;
        if (s.startsWith('exit status ')) return END;
        return NO;
      }
    }
  }

  /** After one or two blank lines only a few lines carry the trace on (chaining, the next goroutine). */
  private continuesAfterBlank(s: string): number {
    switch (this.kind) {
      case PY:
        if (s.startsWith(TRACEBACK)) return PY_FRAMES;
        return this.sub !== PY_FRAMES && isPyChain(s) ? PY_CHAIN : NO;
      case JVM:
        return s.startsWith('Node.js v') ? END : NO; // Node's footer after an uncaught exception
      default:
        if (isGoroutineHeader(s) || s.startsWith('runtime stack:')) return GO_STACK;
        return s.startsWith('exit status ') ? END : NO;
    }
  }

  private add(text: string, ts: string): void {
    this.lines.push(text);
    this.stamps.push(ts);
    this.bytes += text.length + 1;
  }

  /** Adds a line to a trace group, cutting the group at maxLines / maxBytes. */
  private append(text: string, ts: string, out: JoinedLine[]): void {
    this.add(text, ts);
    if (this.lines.length >= this.maxLines || this.bytes >= this.maxBytes) this.emitGroup(out, true);
  }

  private emitGroup(out: JoinedLine[], truncated: boolean): void {
    const n = this.lines.length;
    if (n > 0) {
      const joined: JoinedLine = {
        text: n === 1 ? this.lines[0]! : this.lines.join('\n'),
        dockerTs: this.stamps[0]!,
        lines: n,
        trace: true,
      };
      if (truncated) joined.truncated = true;
      out.push(joined);
    }
    this.lines = [];
    this.stamps = [];
    this.bytes = 0;
  }

  /** Emits held (non-trace) lines one by one. */
  private emitSingles(out: JoinedLine[]): void {
    for (let i = 0; i < this.lines.length; i++) {
      out.push({ text: this.lines[i]!, dockerTs: this.stamps[i]!, lines: 1, trace: false });
    }
    this.lines = [];
    this.stamps = [];
    this.bytes = 0;
  }

  private emitBlanks(out: JoinedLine[]): void {
    for (const b of this.blanks) out.push({ text: b.text, dockerTs: b.ts, lines: 1, trace: false });
    this.blanks.length = 0;
  }
}
