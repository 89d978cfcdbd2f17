import { Level, type ParsedLine } from '../model/log-entry.js';
import { normalizeLevel } from './level.js';
import { parseLeadingTimestamp } from './timestamp.js';
import { parseLogfmt, startsWithLogfmtKey } from './logfmt-line.js';
import { stripAnsi } from './ansi.js';

/** Upper-case words accepted as a bare level token (no brackets, no colon). */
const BARE_LEVELS = new Map<string, Level>([
  ['TRACE', Level.TRACE],
  ['DEBUG', Level.DEBUG],
  ['INFO', Level.INFO],
  ['NOTICE', Level.INFO],
  ['WARN', Level.WARNING],
  ['WARNING', Level.WARNING],
  ['ERROR', Level.ERROR],
  ['ERR', Level.ERROR],
  ['FATAL', Level.CRITICAL],
  ['CRITICAL', Level.CRITICAL],
  ['CRIT', Level.CRITICAL],
  ['PANIC', Level.CRITICAL],
  ['EMERG', Level.CRITICAL],
  ['ALERT', Level.CRITICAL],
]);

/**
 * Words accepted before a colon (`WARN: …`, `error: …`, `info: …`). Narrower than the bare set: `panic:` is
 * Go's panic header and `alert:` is too often ordinary text.
 */
const COLON_LEVELS = new Set(['trace', 'debug', 'info', 'notice', 'warn', 'warning', 'error', 'err', 'fatal', 'critical', 'crit']);

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function skipSpaces(s: string, i: number): number {
  while (isSpace(s.charCodeAt(i))) i++;
  return i;
}

// Result slots for the token scanners below: one parse runs at a time, so module scratch avoids
// allocating a result object per token.
let tokLevel: Level = Level.INFO;
let tokConsumed = true;
let sepSeen = false;

/**
 * Skips spaces and at most one separator (`-`, `|`, `:`) that stands between prefix parts.
 * Sets sepSeen when a `-`/`|` separator was crossed (Python/loguru layouts).
 */
function skipSeparator(s: string, i: number): number {
  i = skipSpaces(s, i);
  const c = s.charCodeAt(i);
  if ((c === 45 || c === 124 || c === 58) && (isSpace(s.charCodeAt(i + 1)) || i + 1 >= s.length)) {
    if (c !== 58) sepSeen = true;
    i = skipSpaces(s, i + 1);
  }
  return i;
}

/**
 * A level token at `i`: `[error]`, `<WARN>`, a bare upper-case word, `WARN:` / `error:` followed by space, or
 * Python's basicConfig `INFO:logger:message`. Returns the index after the token or -1; sets tokLevel, and
 * tokConsumed=false for capitalised `Error:`/`Warning:` (kept in the message: it reads as exception text).
 */
function levelTokenAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  tokConsumed = true;
  if (c === 91 || c === 60) {
    // [error] / <warn>, padding allowed: "[INFO ]"
    const close = c === 91 ? 93 : 62;
    let j = i + 1;
    while (j < s.length && j - i <= 14 && s.charCodeAt(j) !== close) j++;
    if (s.charCodeAt(j) !== close) return -1;
    const lv = normalizeLevel(s.slice(i + 1, j));
    if (lv === undefined) return -1;
    tokLevel = lv;
    return j + 1;
  }
  if (!isLetter(c)) return -1;
  let j = i + 1;
  while (j - i <= 13 && isLetter(s.charCodeAt(j))) j++;
  const after = s.charCodeAt(j);
  if (after === 58) {
    const word = s.slice(i, j);
    const lower = word.toLowerCase();
    if (!COLON_LEVELS.has(lower)) return -1;
    const next = s.charCodeAt(j + 1);
    const allUpper = word === word.toUpperCase();
    if (isSpace(next) || j + 1 >= s.length) {
      tokLevel = normalizeLevel(lower)!;
      // "Error: boom" is how exceptions print; keep it whole. "ERROR: boom" / "error: boom" are prefixes.
      if (!allUpper && word !== lower) tokConsumed = false;
      return tokConsumed ? j + 1 : i;
    }
    if (allUpper && next !== 47) {
      // Python's default "INFO:root:message" / "WARNING:uvicorn.error:…" (not "ERROR://").
      tokLevel = normalizeLevel(lower)!;
      return j + 1;
    }
    return -1;
  }
  if (!(isSpace(after) || j >= s.length || after === 124 || after === 10 || after === 13)) return -1;
  if (!isUpper(c) || !isUpper(s.charCodeAt(i + 1))) return -1;
  const lv = BARE_LEVELS.get(s.slice(i, j));
  if (lv === undefined) return -1;
  tokLevel = lv;
  return j;
}

/** A `[tag]` (logger/service/thread name) at `i`: first character a letter or `_`, at most 64 characters. */
function tagEnd(s: string, i: number): number {
  if (s.charCodeAt(i) !== 91) return -1;
  const c = s.charCodeAt(i + 1);
  if (!(isLetter(c) || c === 95)) return -1;
  const close = s.indexOf(']', i + 2);
  if (close < 0 || close - i > 65) return -1;
  const nl = s.indexOf('\n', i);
  if (nl >= 0 && nl < close) return -1;
  return close + 1;
}

/** A Python-layout logger name at `i`, running up to the next " - " / " | " separator. */
function loggerEnd(s: string, i: number): number {
  const limit = Math.min(s.length, i + 100);
  for (let j = i; j < limit; j++) {
    const c = s.charCodeAt(j);
    if (c === 32) {
      const d = s.charCodeAt(j + 1);
      return (d === 45 || d === 124) && s.charCodeAt(j + 2) === 32 && j > i ? j : -1;
    }
    if (c === 10 || c === 9) return -1;
  }
  return -1;
}

/** Whole-word suffixes that mark an exception class name (`ValueError:`, `java.io.IOException`). */
function endsWithExceptionName(s: string, end: number): boolean {
  return s.startsWith('Error', end - 5) || s.startsWith('Exception', end - 9) || s.startsWith('Throwable', end - 9);
}

/**
 * Whether the text at `i` reads as an exception or a panic: `Traceback (most recent call last):`, `panic:`,
 * `Exception in thread`, Go's `fatal error:`, or a (dotted) class name ending Error/Exception/Throwable
 * followed by `:` or the end of the line.
 */
export function looksLikeException(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c === 84 && s.startsWith('Traceback (most recent call last)', i)) return true;
  if (c === 112 && s.startsWith('panic: ', i)) return true;
  if (c === 69 && s.startsWith('Exception in thread ', i)) return true;
  if (c === 102 && s.startsWith('fatal error: ', i)) return true;
  if (!isLetter(c)) return false;
  const limit = Math.min(s.length, i + 200);
  let j = i + 1;
  for (; j < limit; j++) {
    const d = s.charCodeAt(j);
    if (!(isLetter(d) || (d >= 48 && d <= 57) || d === 46 || d === 95 || d === 36)) break;
  }
  const after = s.charCodeAt(j);
  if (!(after === 58 || j >= s.length || after === 10 || after === 13)) return false;
  return endsWithExceptionName(s, j);
}

/** klog's `   12345 main.go:42] ` after the timestamp: returns [caller, end] or undefined. */
function klogCaller(s: string, i: number): [string, number] | undefined {
  let j = skipSpaces(s, i);
  const d0 = j;
  while (s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
  if (j === d0 || !isSpace(s.charCodeAt(j))) return undefined;
  j = skipSpaces(s, j);
  const close = s.indexOf('] ', j);
  if (close < 0 || close - j > 120) return undefined;
  const caller = s.slice(j, close);
  if (caller.indexOf(' ') >= 0 || caller.indexOf(':') < 0) return undefined;
  return [caller, close + 2];
}

/**
 * Parses a plain-text line: strips ANSI codes, then consumes the prefix parts where they usually stand –
 * timestamp, level token, logger tag – and keeps the rest as the message. A line with no level is INFO
 * unless it reads as an exception or panic (ERROR). After a timestamp, a logfmt remainder is parsed as logfmt.
 * The message may come back empty (a line of only a prefix); parseLine decides the fallback.
 */
export function parsePlainLine(raw: string, nowMs: number): ParsedLine {
  const text = stripAnsi(raw);
  let pos = skipSpaces(text, 0);
  let time: string | undefined;
  let level: Level | undefined;
  let fields: Record<string, unknown> | undefined;
  sepSeen = false;
  tokConsumed = true;

  let ts = parseLeadingTimestamp(text, pos, nowMs);
  if (ts === undefined) {
    // Level first: "[INFO] 2025-10-25 …", "WARN 2025/10/25 …", or simply "ERROR something failed".
    const e = levelTokenAt(text, pos);
    if (e >= 0) {
      level = tokLevel;
      if (tokConsumed) {
        pos = skipSeparator(text, e);
        ts = parseLeadingTimestamp(text, pos, nowMs);
      }
    }
  }
  if (ts !== undefined) {
    time = ts.time;
    if (!ts.inline) {
      pos = ts.end;
      if (ts.level !== undefined) {
        level = ts.level;
        const kc = klogCaller(text, pos);
        if (kc) {
          fields = { caller: kc[0] };
          pos = kc[1];
        }
      }
      pos = skipSeparator(text, pos);
      if (level === undefined && startsWithLogfmtKey(text, pos)) {
        const lf = parseLogfmt(text, pos, nowMs);
        if (lf) {
          if (lf.time === undefined) lf.time = time;
          return lf;
        }
      }
    }
  }

  if (level === undefined && !(ts !== undefined && ts.inline)) {
    // Up to two prefix parts before the level: "[main] INFO …", "- myapp - INFO - …".
    const start = pos;
    let tag: string | undefined;
    let logger: string | undefined;
    for (let k = 0; k < 3 && level === undefined; k++) {
      const e = levelTokenAt(text, pos);
      if (e >= 0) {
        level = tokLevel;
        if (tokConsumed) pos = e;
        break;
      }
      const te = tagEnd(text, pos);
      if (te >= 0 && tag === undefined) {
        tag = text.slice(pos + 1, te - 1);
        pos = skipSeparator(text, te);
        continue;
      }
      const le = sepSeen && logger === undefined ? loggerEnd(text, pos) : -1;
      if (le >= 0) {
        logger = text.slice(pos, le);
        pos = skipSeparator(text, le);
        continue;
      }
      break;
    }
    if (level === undefined) {
      pos = start; // the bracket/name was message text after all
    } else {
      if (tag !== undefined) (fields ??= {}).thread = tag;
      if (logger !== undefined) (fields ??= {}).logger = logger;
    }
  }

  if (level !== undefined && tokConsumed) {
    // Python basicConfig "INFO:root:msg": the logger ends at the next colon.
    if (text.charCodeAt(pos - 1) === 58 && !isSpace(text.charCodeAt(pos))) {
      const colon = text.indexOf(':', pos);
      const sp = text.indexOf(' ', pos);
      if (colon > pos && (sp < 0 || colon < sp) && colon - pos < 100) {
        (fields ??= {}).logger = text.slice(pos, colon);
        pos = colon + 1;
      }
    }
    pos = skipSeparator(text, pos);
    // The logger/service tag that follows the level: "INFO [websocket-ingestion] Connected …".
    const te = tagEnd(text, pos);
    if (te >= 0) {
      const name = text.slice(pos + 1, te - 1);
      if (fields?.logger === undefined) (fields ??= {}).logger = name;
      else fields.thread ??= name;
      pos = skipSeparator(text, te);
    }
  }

  if (level === undefined) level = looksLikeException(text, pos) ? Level.ERROR : Level.INFO;
  const out: ParsedLine = { level, message: pos === 0 && text === raw ? text.trim() : text.slice(pos).trim() };
  if (time !== undefined) out.time = time;
  if (fields !== undefined) out.fields = fields;
  return out;
}
