import v8 from 'node:v8';
import { RE2JS } from 're2js';

/** A compiled pattern that runs in time linear in the input. */
export interface SafeRegex {
  test(s: string): boolean;
}

/** Longest pattern accepted; compiling is linear in the pattern, but a cap keeps it cheap. */
export const MAX_REGEX_LENGTH = 1000;

const ACCEPTED =
  'accepted: a linear-time (RE2-style) pattern without backreferences, lookahead/lookbehind or repeat counts over 1000, ' +
  `at most ${MAX_REGEX_LENGTH} characters; prefix (?i) for case-insensitive matching`;

// V8's linear-time engine sits behind flags. The second one makes an ordinary RegExp that is
// compatible with that engine re-run on it after too many backtracks: ordinary patterns keep the
// fast backtracking engine (about 50x faster per line than the linear one) and a catastrophic one
// costs at most the backtrack budget plus a linear pass. Setting flags after start-up is allowed
// for these two; a V8 without them ignores them, and the checks below notice.
v8.setFlagsFromString('--enable-experimental-regexp-engine');
v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

const LINEAR_FLAG = (() => {
  try {
    new RegExp('a', 'l');
    return true;
  } catch {
    return false;
  }
})();

let fallbackChecked: boolean | undefined;

/**
 * Whether the backtracking engine really falls back to the linear one. Probed once, on first use:
 * with the fallback the probe takes well under a millisecond, without it ~2^24 steps (tens of ms).
 */
function backtrackFallbackWorks(): boolean {
  if (fallbackChecked === undefined) {
    const probe = new RegExp('^(a+)+$');
    const input = 'a'.repeat(24) + '!';
    const t0 = performance.now();
    probe.test(input);
    fallbackChecked = performance.now() - t0 < 25;
  }
  return fallbackChecked;
}

function message(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  // V8 repeats the pattern in its message ("Invalid regular expression: /…/l: reason"): keep the reason.
  const i = m.lastIndexOf(': ');
  return m.startsWith('Invalid regular expression') && i >= 0 ? m.slice(i + 2) : m.replace(/^error parsing regexp: /, '');
}

/** An RE2 (re2js) compilation of `pattern`; throws on what RE2 refuses. */
export function compileRe2(pattern: string, caseInsensitive: boolean): RE2JS {
  return RE2JS.compile(pattern, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
}

function re2(pattern: string, caseInsensitive: boolean): SafeRegex {
  const re = compileRe2(pattern, caseInsensitive);
  return { test: (s) => re.test(s) };
}

/**
 * A JS RegExp for `pattern` (with `flags`, never `i`) that cannot backtrack catastrophically: the fast
 * engine with the linear fallback when V8 has it, else V8's linear engine itself.
 * @throws when the pattern is invalid or needs backtracking (backreferences, lookaround).
 */
export function linearRegExp(pattern: string, flags = ''): RegExp {
  if (!LINEAR_FLAG) throw new Error('this Node.js has no linear-time RegExp engine');
  const linear = new RegExp(pattern, flags + 'l');
  // Compatible with the linear engine, so the fallback can take over from the fast one.
  return backtrackFallbackWorks() ? new RegExp(pattern, flags) : linear;
}

/** What a refused pattern is told it may be. */
export function regexError(e: unknown): string {
  return `invalid regex: ${message(e)}; ${ACCEPTED}`;
}

/**
 * Compiles a user-supplied pattern so that matching cannot backtrack catastrophically.
 * A `(?i)` prefix asks for case-insensitive matching (RE2). Otherwise the pattern must be accepted by
 * V8's linear engine (JS syntax); patterns only RE2 accepts (e.g. `x{1000}`, `(?P<n>…)`) go to RE2.
 * Returns `{ error }` saying what is wrong and what is accepted.
 */
export function compileSafeRegex(pattern: string): SafeRegex | { error: string } {
  if (typeof pattern !== 'string') return { error: `regex must be a string; ${ACCEPTED}` };
  if (pattern.length > MAX_REGEX_LENGTH) return { error: `regex is ${pattern.length} characters long; ${ACCEPTED}` };
  if (pattern.startsWith('(?i)')) {
    try {
      return re2(pattern.slice(4), true);
    } catch (e) {
      return { error: regexError(e) };
    }
  }
  let jsError: unknown;
  try {
    const re = linearRegExp(pattern);
    return { test: (s) => re.test(s) };
  } catch (e) {
    if (LINEAR_FLAG) jsError = e;
  }
  try {
    return re2(pattern, false);
  } catch (e) {
    return { error: regexError(jsError ?? e) };
  }
}

/** Escapes a literal for use inside a RegExp. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
