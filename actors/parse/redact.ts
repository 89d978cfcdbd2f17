/** The replacement for every secret. */
export const REDACTED = '[REDACTED]';

export interface RedactorOptions {
  /** Extra patterns (e.g. from the environment); each whole match is replaced. Made global if it is not. */
  extraPatterns?: RegExp[];
}

export interface Redactor {
  /** Returns the text with secrets replaced by [REDACTED]; the same string when nothing matched. */
  text(s: string): string;
  /**
   * Returns a copy of the object with secret-named keys (at any depth) set to [REDACTED] and other strings
   * passed through text(); the same object when nothing changed.
   */
  fields(obj: Record<string, unknown>): Record<string, unknown>;
  /** Total number of redactions made so far. */
  readonly count: number;
}

/**
 * One cheap test before any real work: every built-in pattern below needs one of these substrings,
 * so a clean line costs a single regex scan.
 */
const GATE = /pass|pwd|secret|token|key|auth|bearer|cookie|credential|eyJ|AKIA|ASIA|-----BEGIN|:\/\/[^\s/]*@/i;

const PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;
// scheme://user:password@host – the password, whatever it holds up to the @.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/?#]*):([^\s@/?#]+)@/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;
const AWS_KEY_ID = /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g;
// Authorization: Basic …/Bearer …/Digest … (the header, or a JSON/logfmt key of that name). Digest parameters
// (quoted strings included) run to the end of the line: username, nonce and response are all credential.
const AUTH_HEADER =
  /\b((?:proxy-)?authorization)(\\?["']?\s*[:=]\s*\\?["']?)(?:(digest)\s+(?:[^\r\n"\\]|\\.|"[^"\r\n]*")*|(?:(basic|bearer|token|negotiate|ntlm|apikey)\s+)?([^\s"'\\,;]+))/gi;
const COOKIE = /\b((?:set-)?cookie)(\\?["']?\s*[:=]\s*\\?["']?)([^\r\n"\\]+)/gi;
const BEARER = /\b(bearer)\s+([A-Za-z0-9._~+/-]+=*)/gi;
/**
 * key=value, key: value, "key": "value" where the key ends in a secret word (db_password, x-auth-token,
 * client_secret, api key …). The lookbehind pins the key to a word start, and the separator must follow the
 * key directly, so "tokens_used=17", "token bucket" and "password reset" do not match.
 */
const KEY_VALUE =
  /(?<![A-Za-z0-9_.-])(\\?["']?)([A-Za-z0-9_.-]*?(?:password|passwd|passphrase|pwd|secret|token|api[-_ ]?key|access[-_]?key|private[-_]?key|credentials?|auth)(?:[-_]?key)?)(\\?["']?[ \t]*[:=][ \t]*)((?:bearer|basic)[ \t]+)?(\\"(?:[^"\\]|\\[^"])*\\"|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s,;&"'}\])]+)/gi;

/** Values that are plainly not secrets: leave them (and do not count them). */
function isEmptyValue(v: string): boolean {
  return (
    v === '' || v === '""' || v === "''" || v === 'null' || v === 'None' || v === 'true' || v === 'false' || v === 'undefined' || v.includes('REDACTED')
  );
}

/** Normalised key → is it a secret? Keys repeat from line to line, so results are cached (bounded). */
const keyCache = new Map<string, boolean>();

/**
 * Whether an object key names a secret: contains password/passwd/passphrase/secret/apikey/privatekey/credential/
 * cookie/authorization, or ends in token/pwd/auth/jwt (after lower-casing and removing `-`, `_`, `.`, spaces).
 * `tokens_used`, `max_tokens`, `author` are not secrets.
 */
export function isSecretKey(key: string): boolean {
  let hit = keyCache.get(key);
  if (hit !== undefined) return hit;
  const k = key.toLowerCase().replace(/[-_. ]/g, '');
  hit =
    /password|passwd|passphrase|secret|apikey|privatekey|credential|cookie|authorization/.test(k) ||
    /(?:token|pwd|auth|jwt)$/.test(k);
  if (keyCache.size > 5000) keyCache.clear();
  keyCache.set(key, hit);
  return hit;
}

/** Creates a redactor with its own redaction counter. */
export function createRedactor(opts: RedactorOptions = {}): Redactor {
  const extras = (opts.extraPatterns ?? []).map((re) => (re.global ? re : new RegExp(re.source, re.flags + 'g')));
  let count = 0;

  const replaceCounted = (_m: string): string => {
    count++;
    return REDACTED;
  };

  function builtIn(s: string): string {
    const lower = s.toLowerCase();
    let out = s;
    if (lower.includes('-----begin')) {
      out = out.replace(PRIVATE_KEY, (_m, kind: string) => {
        count++;
        return `-----BEGIN ${kind}PRIVATE KEY-----${REDACTED}-----END ${kind}PRIVATE KEY-----`;
      });
    }
    if (lower.includes('://')) {
      out = out.replace(URL_CREDENTIALS, (m, scheme: string, user: string, pass: string) => {
        if (pass === REDACTED) return m;
        count++;
        return `${scheme}${user}:${REDACTED}@`;
      });
    }
    if (out.includes('eyJ')) out = out.replace(JWT, replaceCounted);
    if (out.includes('AKIA') || out.includes('ASIA')) out = out.replace(AWS_KEY_ID, replaceCounted);
    if (lower.includes('authorization')) {
      out = out.replace(AUTH_HEADER, (m, key: string, sep: string, digest?: string, scheme?: string, cred?: string) => {
        // Digest parameters run to the end of the value: username, nonce and response are all credential.
        if (digest !== undefined) {
          count++;
          return `${key}${sep}${digest} ${REDACTED}`;
        }
        if (cred === undefined || isEmptyValue(cred)) return m;
        count++;
        return scheme === undefined ? `${key}${sep}${REDACTED}` : `${key}${sep}${scheme} ${REDACTED}`;
      });
    }
    if (lower.includes('cookie')) {
      out = out.replace(COOKIE, (m, key: string, sep: string, value: string) => {
        if (isEmptyValue(value.trim())) return m;
        count++;
        return `${key}${sep}${REDACTED}`;
      });
    }
    if (lower.includes('bearer')) {
      out = out.replace(BEARER, (m, word: string, cred: string) => {
        // "Bearer authentication failed" is prose; a credential has a digit or a symbol, or is long.
        if (cred.length < 8 || (cred.length < 20 && !/[0-9._~+/=-]/.test(cred))) return m;
        count++;
        return `${word} ${REDACTED}`;
      });
    }
    out = out.replace(KEY_VALUE, (m, q1: string, key: string, sep: string, scheme: string | undefined, value: string) => {
      if (isEmptyValue(value)) return m;
      count++;
      const c = value.charCodeAt(0);
      let v = REDACTED;
      if (c === 34 || c === 39) v = value[0] + REDACTED + value[0];
      else if (c === 92) v = '\\"' + REDACTED + '\\"';
      return `${q1}${key}${sep}${scheme ?? ''}${v}`;
    });
    return out;
  }

  function text(s: string): string {
    let out = GATE.test(s) ? builtIn(s) : s;
    for (const re of extras) {
      re.lastIndex = 0;
      if (re.test(out)) {
        re.lastIndex = 0;
        out = out.replace(re, replaceCounted);
      }
    }
    return out;
  }

  function value(v: unknown, depth: number): unknown {
    if (typeof v === 'string') return text(v);
    if (v === null || typeof v !== 'object') return v;
    // Deeper than anyone logs on purpose: redact the text of the whole subtree rather than walk on.
    if (depth > 32) return text(JSON.stringify(v));
    if (Array.isArray(v)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const r = value(v[i], depth + 1);
        if (r !== v[i]) (copy ??= v.slice())[i] = r;
      }
      return copy ?? v;
    }
    return object(v as Record<string, unknown>, depth + 1);
  }

  function object(obj: Record<string, unknown>, depth: number): Record<string, unknown> {
    let copy: Record<string, unknown> | undefined;
    for (const k in obj) {
      const v = obj[k];
      let r: unknown;
      if (isSecretKey(k) && v !== null && v !== undefined && typeof v !== 'boolean' && v !== '' && v !== REDACTED) {
        count++;
        r = REDACTED;
      } else {
        r = value(v, depth);
      }
      if (r !== v) {
        copy ??= { ...obj };
        if (k === '__proto__') Object.defineProperty(copy, k, { value: r, enumerable: true, writable: true, configurable: true });
        else copy[k] = r;
      }
    }
    return copy ?? obj;
  }

  return {
    text,
    fields: (obj) => object(obj, 0),
    get count() {
      return count;
    },
  };
}
