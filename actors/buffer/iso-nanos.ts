/** An RFC 3339 UTC time split into whole epoch milliseconds and what lies below the millisecond. */
export interface SplitIso {
  /** Epoch milliseconds including the first three fractional digits. */
  ms: number;
  /** Nanoseconds below the millisecond, 0..999999. */
  subMs: number;
  /** Fractional digits written, 0..9. */
  digits: number;
}

const DAY_MS = 86_400_000;
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

// Entries come in time order: the date part is formatted once per day.
let cachedDay = NaN;
let cachedPrefix = '';

function num(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    v = v * 10 + c;
  }
  return v;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Splits `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z` (the form Docker and `toISOString` write) for a valid date
 * and time in years 0100..9999, so that {@link joinIso} gives back the very same text.
 * Undefined for anything else; callers keep such strings as they are.
 */
export function splitIso(s: string): SplitIso | undefined {
  const len = s.length;
  if (len < 20 || len > 30 || s.charCodeAt(len - 1) !== 90 /* Z */) return undefined;
  if (s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':') return undefined;
  const y = num(s, 0, 4);
  const mo = num(s, 5, 2);
  const d = num(s, 8, 2);
  const h = num(s, 11, 2);
  const mi = num(s, 14, 2);
  const sec = num(s, 17, 2);
  // Date.UTC maps years 0..99 to 1900.., and rolls invalid fields over: both would change the text.
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || d > DAYS_IN_MONTH[mo - 1]! || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return undefined;
  if (mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return undefined;
  let digits = 0;
  let frac = 0;
  if (len > 20) {
    if (s[19] !== '.') return undefined;
    digits = len - 21;
    if (digits < 1 || digits > 9) return undefined;
    frac = num(s, 20, digits);
    if (frac < 0) return undefined;
  }
  const nanos = frac * POW10[9 - digits]!;
  const whole = Date.UTC(y, mo - 1, d, h, mi, sec);
  return { ms: whole + Math.floor(nanos / 1_000_000), subMs: nanos % 1_000_000, digits };
}

/**
 * Writes `YYYY-MM-DDTHH:MM:SS[.f…]Z` with `digits` (0..9) fractional digits, the inverse of
 * {@link splitIso}. Undefined for a non-integer `ms` or outside years 0000..9999.
 */
export function joinIso(ms: number, subMs: number, digits: number): string | undefined {
  if (!(ms >= -62_167_219_200_000 && ms <= 253_402_300_799_999) || !Number.isInteger(ms)) return undefined;
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  const inDay = ms - day * DAY_MS;
  const secOfDay = Math.floor(inDay / 1000);
  const h = Math.floor(secOfDay / 3600);
  const rem = secOfDay - h * 3600;
  const mi = Math.floor(rem / 60);
  const head = cachedPrefix + TWO[h]! + ':' + TWO[mi]! + ':' + TWO[rem - mi * 60]!;
  if (digits === 0) return head + 'Z';
  const nanos = (inDay - secOfDay * 1000) * 1_000_000 + subMs;
  return head + '.' + String(nanos).padStart(9, '0').slice(0, digits) + 'Z';
}
