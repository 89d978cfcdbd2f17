import { Level } from '../model/log-entry.js';
import type { LocalZone } from './time-zone.js';

/** A timestamp found at (or, for access logs, near) the start of a plain-text line. */
export interface LeadingTimestamp {
  /** UTC ISO-8601, `toISOString()` form with up to 9 fractional digits. */
  time: string;
  /** Index just after the timestamp (and its closing bracket); equals the start when `inline`. */
  end: number;
  /** klog/glog lines carry the level as the timestamp's first letter. */
  level?: Level;
  /** Found inside the line (nginx access log after the client address): nothing was consumed. */
  inline?: boolean;
}

const DAY_MS = 86_400_000;
// Year 0000 … 9999: the range toISOString() writes with a four-digit year.
const MIN_MS = -62_167_219_200_000;
const MAX_MS = 253_402_300_799_999;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';

/** Reads `n` decimal digits at `i`; -1 if any is not a digit (or the text ends). */
function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k) - 48;
    if (!(c >= 0 && c <= 9)) return -1; // NaN past the end fails too
    v = v * 10 + c;
  }
  return v;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
}

/** Month index 0..11 from a three-letter English abbreviation at `i`, or -1. */
function monthAt(s: string, i: number): number {
  if (i + 3 > s.length) return -1;
  const c0 = s.charCodeAt(i);
  if (c0 < 65 || c0 > 90) return -1; // months start upper-case; cheap reject
  const idx = MONTHS.indexOf(s.slice(i, i + 3));
  return idx >= 0 && idx % 3 === 0 ? idx / 3 : -1;
}

function validDate(y: number, mo: number, d: number, h: number, mi: number, sec: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60) return false;
  if (d > DAYS_IN_MONTH[mo - 1]!) return false;
  if (mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return false;
  return true;
}

/**
 * Formats whole-second epoch milliseconds plus the source's fractional digits as UTC ISO-8601.
 * Up to 3 digits gives the usual `.sssZ`; more are kept (at most 9) so sub-millisecond order survives.
 */
export function formatIso(wholeMs: number, frac: string): string | undefined {
  if (!(wholeMs >= MIN_MS && wholeMs <= MAX_MS)) return undefined;
  // Date#toISOString is the hot spot of timestamp handling; lines come in time order, so the date part is
  // cached per day and the time of day is assembled from a table.
  const day = Math.floor(wholeMs / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  const secOfDay = Math.floor((wholeMs - day * DAY_MS) / 1000);
  const h = Math.floor(secOfDay / 3600);
  const rem = secOfDay - h * 3600;
  const mi = Math.floor(rem / 60);
  const head = cachedPrefix + TWO[h]! + ':' + TWO[mi]! + ':' + TWO[rem - mi * 60]! + '.';
  if (frac.length === 0) return head + '000Z';
  if (frac.length > 9) frac = frac.slice(0, 9);
  else if (frac.length < 3) frac = (frac + '00').slice(0, 3);
  return head + frac + 'Z';
}

const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
let cachedDay = NaN;
let cachedPrefix = '';

/**
 * The zone that times without an offset are read in while one container's line is parsed; undefined: UTC.
 * Set around a synchronous parse (see {@link withLocalZone}) rather than passed through every parser.
 */
let localZone: LocalZone | undefined;

/** Runs `fn` (synchronous) with times that carry no offset read as wall-clock time in `zone`. */
export function withLocalZone<T>(zone: LocalZone | undefined, fn: () => T): T {
  if (zone === undefined) return fn();
  const outer = localZone;
  localZone = zone;
  try {
    return fn();
  } finally {
    localZone = outer;
  }
}

/** A wall-clock time without an offset (fields read as UTC) as the real instant: the local zone's, or UTC. */
function fromWall(ms: number): number {
  return localZone === undefined ? ms : localZone.toUtc(ms);
}

/** Leap second 60 is folded into 59 rather than rolled over into the next minute. */
function utcMs(y: number, mo: number, d: number, h: number, mi: number, sec: number): number {
  return Date.UTC(y, mo - 1, d, h, mi, sec > 59 ? 59 : sec);
}

/** Chooses the year for a year-less date: the latest that is not more than a day in the future. */
function inferYear(mo: number, d: number, h: number, mi: number, sec: number, nowMs: number): number | undefined {
  const year = new Date(nowMs).getUTCFullYear();
  for (let y = year + 1; y >= year - 1; y--) {
    if (!validDate(y, mo, d, h, mi, sec)) continue;
    const t = fromWall(utcMs(y, mo, d, h, mi, sec));
    if (t <= nowMs + DAY_MS) return t;
  }
  return undefined;
}

interface Scan {
  ms: number;
  frac: string;
  end: number;
}

/** Reads `.123` / `,123` fractional digits at `i` into the scan; returns the index after them. */
function readFraction(s: string, i: number, out: Scan): number {
  const c = s.charCodeAt(i);
  if ((c !== 46 && c !== 44) || !isDigit(s.charCodeAt(i + 1))) {
    out.frac = '';
    return i;
  }
  let j = i + 1;
  while (isDigit(s.charCodeAt(j))) j++;
  out.frac = s.slice(i + 1, Math.min(j, i + 10));
  return j;
}

/** Reads a zone designator at `i` (Z, ±HH:MM, ±HHMM, ±HH, optionally after one space); offset in minutes. */
function readZone(s: string, i: number): { offset: number; end: number } | undefined {
  let c = s.charCodeAt(i);
  if (c === 90 || c === 122) return { offset: 0, end: i + 1 }; // Z z
  let j = i;
  let spaced = false;
  if (c === 32) {
    // "2025-10-25 14:30:00 +0000" (Go's default, nginx error logs) and " UTC"
    if (s.startsWith('UTC', i + 1) && !isAlnum(s.charCodeAt(i + 4))) return { offset: 0, end: i + 4 };
    j = i + 1;
    c = s.charCodeAt(j);
    spaced = true;
  }
  if (c !== 43 && c !== 45 && c !== 0x2212) return undefined; // + - (and U+2212 minus)
  const sign = c === 43 ? 1 : -1;
  const hh = digits(s, j + 1, 2);
  if (hh < 0 || hh > 23) return undefined;
  let mm = 0;
  let end = j + 3;
  if (s.charCodeAt(end) === 58) {
    mm = digits(s, end + 1, 2);
    if (mm < 0) return undefined;
    end += 3;
  } else if (isDigit(s.charCodeAt(end))) {
    mm = digits(s, end, 2);
    if (mm < 0) return undefined;
    end += 2;
  } else if (spaced) {
    return undefined; // " -12" after a time is more likely text than a zone
  }
  if (mm > 59 || isAlnum(s.charCodeAt(end))) return undefined;
  return { offset: sign * (hh * 60 + mm), end };
}

/**
 * `YYYY-MM-DD[T ]HH:MM[:SS][.frac][zone]` and Go's `YYYY/MM/DD HH:MM:SS[.frac]` at `i`.
 * No zone means the local zone (the container's TZ), by default UTC.
 */
function scanYmd(s: string, i: number, out: Scan): boolean {
  const y = digits(s, i, 4);
  if (y < 0) return false;
  const sep = s.charCodeAt(i + 4);
  if (sep !== 45 && sep !== 47) return false; // - /
  const mo = digits(s, i + 5, 2);
  if (mo < 0 || s.charCodeAt(i + 7) !== sep) return false;
  const d = digits(s, i + 8, 2);
  const t = s.charCodeAt(i + 10);
  if (d < 0 || !(t === 84 || t === 32 || t === 116 || (t === 95 && sep === 45))) return false; // T space t _
  const h = digits(s, i + 11, 2);
  if (h < 0 || s.charCodeAt(i + 13) !== 58) return false;
  const mi = digits(s, i + 14, 2);
  if (mi < 0) return false;
  let sec = 0;
  let j = i + 16;
  if (s.charCodeAt(j) === 58) {
    sec = digits(s, j + 1, 2);
    if (sec < 0) return false;
    j += 3;
  }
  if (!validDate(y, mo, d, h, mi, sec)) return false;
  j = readFraction(s, j, out);
  const zone = readZone(s, j);
  if (zone) j = zone.end;
  if (isAlnum(s.charCodeAt(j))) return false;
  const wall = utcMs(y, mo, d, h, mi, sec);
  out.ms = zone ? wall - zone.offset * 60_000 : fromWall(wall);
  out.end = j;
  return true;
}

/** nginx/Apache `DD/Mon/YYYY:HH:MM:SS ±ZZZZ` at `i` (without the brackets). */
function scanClf(s: string, i: number, out: Scan): boolean {
  const d = digits(s, i, 2);
  if (d < 0 || s.charCodeAt(i + 2) !== 47) return false;
  const m = monthAt(s, i + 3);
  if (m < 0 || s.charCodeAt(i + 6) !== 47) return false;
  const y = digits(s, i + 7, 4);
  if (y < 0 || s.charCodeAt(i + 11) !== 58) return false;
  const h = digits(s, i + 12, 2);
  const mi = digits(s, i + 15, 2);
  const sec = digits(s, i + 18, 2);
  if (h < 0 || mi < 0 || sec < 0 || s.charCodeAt(i + 14) !== 58 || s.charCodeAt(i + 17) !== 58) return false;
  if (!validDate(y, m + 1, d, h, mi, sec)) return false;
  const j = readFraction(s, i + 20, out);
  const zone = readZone(s, j);
  const wall = utcMs(y, m + 1, d, h, mi, sec);
  out.ms = zone ? wall - zone.offset * 60_000 : fromWall(wall);
  out.end = zone ? zone.end : j;
  return true;
}

/** syslog (RFC 3164) `Mon DD HH:MM:SS` at `i`, day possibly space-padded; the year is inferred. */
function scanSyslog(s: string, i: number, nowMs: number, out: Scan): boolean {
  const m = monthAt(s, i);
  if (m < 0 || s.charCodeAt(i + 3) !== 32) return false;
  let j = i + 4;
  if (s.charCodeAt(j) === 32) j++;
  let d = digits(s, j, 2);
  if (d >= 0) j += 2;
  else if ((d = digits(s, j, 1)) >= 0) j += 1;
  else return false;
  if (s.charCodeAt(j) !== 32) return false;
  const h = digits(s, j + 1, 2);
  const mi = digits(s, j + 4, 2);
  const sec = digits(s, j + 7, 2);
  if (h < 0 || mi < 0 || sec < 0 || s.charCodeAt(j + 3) !== 58 || s.charCodeAt(j + 6) !== 58) return false;
  j = readFraction(s, j + 9, out);
  if (isAlnum(s.charCodeAt(j))) return false;
  const t = inferYear(m + 1, d, h, mi, sec, nowMs);
  if (t === undefined) return false;
  out.ms = t;
  out.end = j;
  return true;
}

const KLOG_LEVELS: Record<string, Level> = { I: Level.INFO, W: Level.WARNING, E: Level.ERROR, F: Level.CRITICAL };

/** klog/glog `Lmmdd hh:mm:ss.uuuuuu` at `i`; returns the level letter's Level, or undefined. */
function scanKlog(s: string, i: number, nowMs: number, out: Scan): Level | undefined {
  const level = KLOG_LEVELS[s[i]!];
  if (level === undefined) return undefined;
  const mo = digits(s, i + 1, 2);
  const d = digits(s, i + 3, 2);
  if (mo < 0 || d < 0 || s.charCodeAt(i + 5) !== 32) return undefined;
  const h = digits(s, i + 6, 2);
  const mi = digits(s, i + 9, 2);
  const sec = digits(s, i + 12, 2);
  if (h < 0 || mi < 0 || sec < 0 || s.charCodeAt(i + 8) !== 58 || s.charCodeAt(i + 11) !== 58) return undefined;
  const j = readFraction(s, i + 14, out);
  if (isAlnum(s.charCodeAt(j))) return undefined;
  const t = inferYear(mo, d, h, mi, sec, nowMs);
  if (t === undefined) return undefined;
  out.ms = t;
  out.end = j;
  return level;
}

/** Looks for an nginx access-log time `[25/Oct/2025:14:30:00 +0000]` in the first part of the line. */
function findInlineClf(s: string, from: number, out: Scan): boolean {
  const limit = Math.min(s.length, from + 160);
  let i = s.indexOf(' [', from);
  while (i >= 0 && i < limit) {
    if (isDigit(s.charCodeAt(i + 2)) && s.charCodeAt(i + 4) === 47 && scanClf(s, i + 2, out) && s.charCodeAt(out.end) === 93) {
      return true;
    }
    i = s.indexOf(' [', i + 2);
  }
  return false;
}

/**
 * Finds the timestamp a plain-text line starts with (at `start`, optionally in `[…]`):
 * ISO/RFC 3339, Python `2025-10-25 14:30:00,123`, Go `2025/10/25 14:30:00`, nginx `[25/Oct/2025:14:30:00 +0000]`,
 * syslog `Oct 25 14:30:00`, klog `E1025 14:30:00.123456`. Failing those it looks for an nginx access-log
 * time after the client address, and reports it `inline` (the whole line stays the message).
 * Year-less forms take the year from `nowMs` (default: the current time).
 */
export function parseLeadingTimestamp(text: string, start = 0, nowMs: number = Date.now()): LeadingTimestamp | undefined {
  const out: Scan = { ms: 0, frac: '', end: 0 };
  const c = text.charCodeAt(start);
  let level: Level | undefined;
  let ok = false;
  if (isDigit(c)) {
    ok = scanYmd(text, start, out) || (text.charCodeAt(start + 2) === 47 && scanClf(text, start, out));
  } else if (c === 91) {
    // "[2025-10-25 14:30:00,123] …" or "[25/Oct/2025:14:30:00 +0000]"
    const i = start + 1;
    ok = (scanYmd(text, i, out) || scanClf(text, i, out) || scanSyslog(text, i, nowMs, out)) && text.charCodeAt(out.end) === 93;
    if (ok) out.end++;
  } else if (c >= 65 && c <= 90) {
    level = isDigit(text.charCodeAt(start + 1)) ? scanKlog(text, start, nowMs, out) : undefined;
    ok = level !== undefined || scanSyslog(text, start, nowMs, out);
  }
  if (ok) {
    const time = formatIso(out.ms, out.frac);
    if (time === undefined) return undefined;
    return level === undefined ? { time, end: out.end } : { time, end: out.end, level };
  }
  if (findInlineClf(text, start, out)) {
    const time = formatIso(out.ms, out.frac);
    if (time !== undefined) return { time, end: start, inline: true };
  }
  return undefined;
}

/**
 * Converts an epoch number (or numeric string) to ISO-8601, telling seconds, milliseconds, microseconds and
 * nanoseconds apart by magnitude. The shift is done on the decimal text so float seconds (zap `ts`) and
 * nanosecond strings keep their sub-millisecond digits. Values before 1973 are refused: a small number in
 * a `time` field is far more often a duration than a date.
 */
export function epochToIso(value: number | string): string | undefined {
  let str: string;
  let mag: number;
  if (typeof value === 'number') {
    if (!(value >= 1e8 && value < 1e21)) return undefined;
    // Fast paths for the two commonest encodings: integer milliseconds (pino) and integer seconds.
    if (Number.isInteger(value) && value < 1e14) {
      if (value < 1e11) return formatIso(value * 1000, '');
      const ms = value % 1000;
      return formatIso(value - ms, ms < 10 ? '00' + ms : ms < 100 ? '0' + ms : String(ms));
    }
    str = String(value);
    mag = value;
  } else {
    str = value.trim();
    mag = Number(str);
    if (!(mag >= 1e8 && mag < 1e21) || !/^\d+(?:\.\d+)?$/.test(str)) return undefined;
  }
  if (str.includes('e')) return undefined;
  const shift = mag < 1e11 ? 0 : mag < 1e14 ? 3 : mag < 1e17 ? 6 : 9;
  const dot = str.indexOf('.');
  const int = dot < 0 ? str : str.slice(0, dot);
  const fracPart = dot < 0 ? '' : str.slice(dot + 1);
  const secDigits = int.slice(0, int.length - shift);
  let frac = int.slice(int.length - shift) + fracPart;
  // A whole number of a sub-second unit: keep the digits the unit implies (ms → 3), not a trailing ".000000".
  if (fracPart === '' && shift > 3 && /^0*$/.test(frac.slice(3))) frac = frac.slice(0, 3);
  return formatIso(Number(secDigits) * 1000, frac);
}

/**
 * Normalises a timestamp field value (`time`, `ts`, `@t`, `@timestamp`, `asctime` …) to UTC ISO-8601:
 * epoch numbers or numeric strings, ISO/RFC 3339 strings, and the plain-text forms of
 * {@link parseLeadingTimestamp} when they make up the whole value. Undefined when it is not a time.
 */
export function normalizeTimeValue(value: unknown, nowMs: number = Date.now()): string | undefined {
  if (typeof value === 'number') return epochToIso(value);
  if (typeof value !== 'string') {
    if (value instanceof Date) {
      const t = value.getTime();
      return t >= MIN_MS && t <= MAX_MS ? value.toISOString() : undefined;
    }
    return undefined;
  }
  if (value.length < 8 || value.length > 64) return undefined;
  const c = value.charCodeAt(0);
  if (isDigit(c) && value.charCodeAt(4) !== 45 && value.charCodeAt(4) !== 47 && value.charCodeAt(2) !== 47) {
    return epochToIso(value);
  }
  const lead = parseLeadingTimestamp(value, 0, nowMs);
  if (lead && !lead.inline && value.slice(lead.end).trim() === '') return lead.time;
  // RFC 1123 and friends ("Sat, 25 Oct 2025 14:30:00 GMT"): Date.parse is slow, so only for values with a time.
  if (value.includes(':') && /[A-Za-z]/.test(value)) {
    const t = Date.parse(value);
    if (t >= MIN_MS && t <= MAX_MS) return new Date(t).toISOString();
  }
  return undefined;
}
