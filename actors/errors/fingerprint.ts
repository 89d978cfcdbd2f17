import { createHash } from 'node:crypto';

/** What an error message is about: the exception type and the rest of its exception line. */
export interface ExceptionLine {
  /** e.g. `ValueError`, `java.lang.IllegalStateException`, `TypeError`, `panic`, or the first words. */
  type: string;
  /** The exception line after the type (the whole line when the type is only its first words). */
  detail: string;
  /** False when no exception type was found and `type` is only the message's first words (a grouping key, not a type). */
  named?: false;
}

export interface Fingerprint extends ExceptionLine {
  /** The grouping key: type and normalised detail. */
  key: string;
  /** A short stable id of the key (16 hex digits). */
  id: string;
}

/** Longest normalised detail kept in a key: two messages that agree this far are one group. */
const MAX_DETAIL = 300;

const PY_TRACEBACK = /^\s*Traceback \(most recent call last\)/;
/** A Python exception line: `pkg.mod.XError: msg`, or a bare name such as `KeyboardInterrupt`. */
const PY_LINE = /^([A-Za-z_][\w.]*)(?::\s?(.*))?$/;
/** JVM header: a qualified class name, optionally after `Exception in thread "…"`. */
const JVM_HEADER = /^(?:Exception in thread "[^"]*" )?((?:[a-zA-Z_$][\w$]*\.)+[A-Z][\w$]*)(?::\s?(.*))?$/;
/** Node/JS header: `TypeError: msg`, `Error [ERR_X]: msg`, `Uncaught RangeError: msg`. */
const JS_HEADER = /^(?:Uncaught )?([A-Z][\w$]*(?:Error|Exception)|Error|Exception)((?: \[[\w.-]+\])?)(?::\s?(.*))?$/;
const STACK_FRAME = /^\s+(?:at |File "|\.\.\. \d+ more)/;
const GO_PANIC = /^panic: (.*?)(?: \[recovered\])?$/;
/** An exception type named inside a one-line message, followed by `: ` or the end. */
const INLINE_TYPE = /(?:^|[\s:(\[])((?:[a-zA-Z_$][\w$]*\.)*[A-Z][\w$]*(?:Error|Exception|Exit|Interrupt|Fault|Failure)|Error|Exception)(?::\s+|$)/;

/** Up to three leading words (letters only), the type of a message that names no exception. */
function firstWords(text: string): string {
  const words: string[] = [];
  for (const w of text.trim().split(/\s+/)) {
    const word = w.replace(/[:,;.!]+$/, '');
    if (!/^[A-Za-z][A-Za-z'_-]*$/.test(word)) break;
    words.push(word);
    if (words.length === 3 || word !== w) break; // punctuation ends the phrase
  }
  return words.length > 0 ? words.join(' ') : 'error';
}

function oneLine(line: string): ExceptionLine {
  const text = line.trim();
  const panic = GO_PANIC.exec(text);
  if (panic) return { type: 'panic', detail: panic[1]! };
  const js = JS_HEADER.exec(text);
  if (js) return { type: js[1]!, detail: (js[2]!.trim() + ' ' + (js[3] ?? '')).trim() };
  const jvm = JVM_HEADER.exec(text);
  if (jvm) return { type: jvm[1]!, detail: jvm[2] ?? '' };
  const inline = INLINE_TYPE.exec(text);
  if (inline) return { type: inline[1]!, detail: text.slice(inline.index + inline[0].length) };
  return { type: firstWords(text), detail: text, named: false };
}

/**
 * Finds the exception line of a message and its type. Multi-line traces: Python uses the last line
 * (the exception raised), JVM and Node the header line before the frames, Go the `panic:` line.
 * A one-line message: a type named in it (`pkg.XError: …`, `TypeError: …`, `panic: …`), else its
 * first words.
 */
export function exceptionLine(message: string): ExceptionLine {
  if (!message.includes('\n')) return oneLine(message);
  const lines = message.split('\n');
  if (lines.some((l) => PY_TRACEBACK.test(l))) {
    for (let i = lines.length - 1; i >= 0; i--) {
      const l = lines[i]!;
      if (l.trim() === '' || /^\s/.test(l)) continue;
      const m = PY_LINE.exec(l.trim());
      if (m && !PY_TRACEBACK.test(l)) return { type: m[1]!, detail: m[2] ?? '' };
      break;
    }
  }
  for (const l of lines) {
    const m = GO_PANIC.exec(l.trim());
    if (m) return { type: 'panic', detail: m[1]! };
  }
  // JVM/Node: the header is the first line, or follows a logger's own message line.
  for (const l of lines) {
    if (STACK_FRAME.test(l)) break;
    const text = l.trim();
    const js = JS_HEADER.exec(text);
    if (js) return { type: js[1]!, detail: (js[2]!.trim() + ' ' + (js[3] ?? '')).trim() };
    const jvm = JVM_HEADER.exec(text);
    if (jvm) return { type: jvm[1]!, detail: jvm[2] ?? '' };
  }
  return oneLine(lines.find((l) => l.trim() !== '') ?? '');
}

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const ADDR = /\b0x[0-9a-f]+\b/gi;
const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/g;
const IPV6 = /(?<![\w:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,5})?)(?![\w:])/gi;
const QUOTED = /(?<!\w)(?:'[^'\n]*'|"[^"\n]*"|`[^`\n]*`)(?!\w)/g;
const HEX_ID = /\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi;
const NUMBER = /\d+(?:\.\d+)?/g;

/**
 * Replaces what varies between occurrences of one error: UUIDs, memory addresses (0x…), IP
 * addresses, quoted strings, long hex ids, then every number (counts, ports, durations, the numeric
 * parts of paths). Whitespace is collapsed.
 */
export function normalizeDetail(text: string): string {
  return text
    .replace(UUID, '<uuid>')
    .replace(ADDR, '<addr>')
    .replace(IPV4, '<ip>')
    .replace(IPV6, '<ip>')
    .replace(QUOTED, (q) => `${q[0]}<str>${q[0]}`)
    .replace(HEX_ID, '<hex>')
    .replace(NUMBER, '<n>')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_DETAIL);
}

/** The grouping key of an error message (exception type plus its normalised exception line), without the id. */
export function groupKey(message: string): ExceptionLine & { key: string } {
  const line = exceptionLine(message);
  return { ...line, key: `${line.type}\n${normalizeDetail(line.detail)}` };
}

/** A short stable id for a grouping key. */
export function fingerprintId(key: string): string {
  return createHash('sha1').update(key).digest('hex').slice(0, 16);
}

/** Groups an error message: exception type plus its normalised exception line, and the key's id. */
export function fingerprint(message: string): Fingerprint {
  const g = groupKey(message);
  return { ...g, id: fingerprintId(g.key) };
}
