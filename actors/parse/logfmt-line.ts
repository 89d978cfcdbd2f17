import { Level, type ParsedLine } from '../model/log-entry.js';
import { normalizeLevel } from './level.js';
import { normalizeTimeValue } from './timestamp.js';

/** Characters allowed in the first key of a line for it to count as logfmt (the gate is strict on purpose). */
function isKeyChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45 || c === 64 || c === 47
  );
}

/**
 * Cheap gate: does the text at `pos` start with a `key=` token (a letter or `_`, then key characters, then `=`)?
 * Plain sentences start with a word and a space, so they fail on the first few characters.
 */
export function startsWithLogfmtKey(text: string, pos: number): boolean {
  const c = text.charCodeAt(pos);
  if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95)) return false;
  const limit = Math.min(text.length, pos + 64);
  for (let i = pos + 1; i < limit; i++) {
    const d = text.charCodeAt(i);
    if (d === 61) return i + 1 < text.length; // "key=" with something (even a space) after it
    if (!isKeyChar(d)) return false;
  }
  return false;
}

const LEVEL_KEYS = new Set(['level', 'lvl', 'severity', 'loglevel']);
const MESSAGE_KEYS = new Set(['msg', 'message']);
const TIME_KEYS = new Set(['time', 'ts', 'timestamp']);
const ERROR_KEYS = new Set(['err', 'error', 'stack', 'exception', 'exc_info']);

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

/** Reads a double-quoted logfmt value starting at the quote; handles \" \\ \n \t \r. Returns [value, end]. */
function readQuoted(text: string, i: number): [string, number] {
  const start = i + 1;
  let j = start;
  const n = text.length;
  let escaped = false;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === 92) {
      escaped = true;
      j += 2;
      continue;
    }
    if (c === 34) break;
    j++;
  }
  const end = Math.min(j, n);
  let value = text.slice(start, end);
  if (escaped) {
    value = value.replace(/\\(.)/gs, (_m, ch: string) => (ch === 'n' ? '\n' : ch === 't' ? '\t' : ch === 'r' ? '\r' : ch));
  }
  return [value, end + 1]; // past the closing quote (or the end of an unterminated value)
}

/**
 * Parses a logfmt line from `start`: `level=warning msg="disk almost full" path=/data`.
 * Accepted only with a known key (level/msg/time …) or at least two key=value pairs outnumbering bare words,
 * so an English sentence with one `=` stays plain text. Values stay strings. With no msg key the bare words
 * form the message; otherwise bare words become `true` fields. Returns undefined when not logfmt.
 */
export function parseLogfmt(text: string, start: number, nowMs: number): ParsedLine | undefined {
  const n = text.length;
  const fields: Record<string, unknown> = {};
  const bare: string[] = [];
  let pairs = 0;
  let known = false;
  let level: Level | undefined;
  let message: string | undefined;
  let time: string | undefined;
  let hasError = false;
  let i = start;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    if (text.charCodeAt(i) === 34) {
      // A quoted bare word is not logfmt's grammar; keep it as message text.
      const [word, end] = readQuoted(text, i);
      bare.push(word);
      i = end;
      continue;
    }
    const keyStart = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 61 || isSpace(c)) break;
      i++;
    }
    const key = text.slice(keyStart, i);
    if (text.charCodeAt(i) !== 61) {
      bare.push(key);
      continue;
    }
    i++; // '='
    let value: string;
    if (text.charCodeAt(i) === 34) {
      [value, i] = readQuoted(text, i);
    } else {
      const vStart = i;
      while (i < n && !isSpace(text.charCodeAt(i))) i++;
      value = text.slice(vStart, i);
    }
    if (key.length === 0) {
      bare.push('=' + value);
      continue;
    }
    pairs++;
    const lower = key.toLowerCase();
    if (LEVEL_KEYS.has(lower) && level === undefined) {
      known = true;
      level = normalizeLevel(value);
      if (level !== undefined) continue;
    } else if (MESSAGE_KEYS.has(lower) && message === undefined) {
      known = true;
      message = value;
      continue;
    } else if (TIME_KEYS.has(lower) && time === undefined) {
      known = true;
      time = normalizeTimeValue(value, nowMs);
      if (time !== undefined) continue;
    } else if (ERROR_KEYS.has(lower) && value !== '' && value !== '<nil>' && value !== 'null') {
      hasError = true;
    }
    if (key !== '__proto__') fields[key] = value;
  }
  if (!known && !(pairs >= 2 && bare.length < pairs)) return undefined;
  if (message === undefined) {
    message = bare.length > 0 ? bare.join(' ') : text.slice(start).trim();
  } else {
    for (const word of bare) if (word !== '__proto__') fields[word] = true;
  }
  const out: ParsedLine = { level: level ?? (hasError ? Level.ERROR : Level.INFO), message };
  if (time !== undefined) out.time = time;
  for (const _ in fields) {
    out.fields = fields;
    break;
  }
  return out;
}
