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

function re2(pattern: string, caseInsensitive: boolean): SafeRegex {
  const re = RE2JS.compile(pattern, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  return { test: (s) => re.test(s) };
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
      return { error: `invalid regex: ${message(e)}; ${ACCEPTED}` };
    }
  }
  let jsError: unknown;
  if (LINEAR_FLAG) {
    try {
      const linear = new RegExp(pattern, 'l');
      // Compatible with the linear engine, so the fallback can take over from the fast one.
      if (backtrackFallbackWorks()) {
        const fast = new RegExp(pattern);
        return { test: (s) => fast.test(s) };
      }
      return { test: (s) => linear.test(s) };
    } catch (e) {
      jsError = e;
    }
  }
  try {
    return re2(pattern, false);
  } catch (e) {
    return { error: `invalid regex: ${message(jsError ?? e)}; ${ACCEPTED}` };
  }
}

/** Escapes a literal for use inside a RegExp. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
