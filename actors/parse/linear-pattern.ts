/**
 * Patterns from container labels (and later the config file) run on every line of a container:
 * they must run in linear time, as the API's `regex` does, whatever a user writes. This wraps the
 * two linear engines behind one small interface with named groups and counted replacement.
 */
import { compileRe2, linearRegExp, MAX_REGEX_LENGTH, regexError } from '../buffer/safe-regex.js';

/** A compiled user pattern that runs in time linear in the input. */
export interface LinearPattern {
  readonly source: string;
  test(s: string): boolean;
  /** The named groups of the first match (unmatched groups absent), or undefined when nothing matches. */
  groups(s: string): Record<string, string> | undefined;
  /** Every match replaced by `replacement`; `count` is how many. */
  replaceAll(s: string, replacement: string): { text: string; count: number };
}

/**
 * Compiles a pattern: JS syntax (Python's `(?P<name>…)` is accepted too) on V8's linear engine, or,
 * with a `(?i)` prefix (case-insensitive), RE2. Returns `{ error }` naming what is wrong and what is accepted.
 */
export function compileLinearPattern(source: string): LinearPattern | { error: string } {
  if (source.length > MAX_REGEX_LENGTH) return { error: `pattern is ${source.length} characters long; at most ${MAX_REGEX_LENGTH}` };
  const js = source.replace(/\(\?P</g, '(?<');
  try {
    return js.startsWith('(?i)') ? re2Pattern(source, js.slice(4)) : jsPattern(source, js);
  } catch (e) {
    return { error: regexError(e) };
  }
}

function jsPattern(source: string, js: string): LinearPattern {
  const once = linearRegExp(js);
  const all = linearRegExp(js, 'g');
  return {
    source,
    test: (s) => once.test(s),
    groups(s) {
      const m = once.exec(s);
      if (!m) return undefined;
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.groups ?? {})) if (v !== undefined) out[k] = v;
      return out;
    },
    replaceAll(s, replacement) {
      let count = 0;
      const text = s.replace(all, (m) => {
        if (m === '') return m;
        count++;
        return replacement;
      });
      return { text, count };
    },
  };
}

function re2Pattern(source: string, body: string): LinearPattern {
  const re = compileRe2(body, true);
  const names = Object.keys(re.namedGroups());
  return {
    source,
    test: (s) => re.test(s),
    groups(s) {
      const m = re.matcher(s);
      if (!m.find()) return undefined;
      const out: Record<string, string> = {};
      for (const n of names) {
        const v = m.group(n);
        if (v !== null) out[n] = v;
      }
      return out;
    },
    replaceAll(s, replacement) {
      let count = 0;
      const text = re.matcher(s).replaceAll(() => {
        count++;
        return replacement;
      });
      return { text, count };
    },
  };
}
