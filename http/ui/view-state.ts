/**
 * The page's view as data, and its one URL form (the query string), so that a link shows the same
 * view to whoever opens it. The parameters are those of `GET /logs` (service, level, since, until,
 * search, regex, container, stream) plus the page's own (view, times, line): an alert's link, which
 * carries the /logs query, opens as a history view of exactly those lines. Pure: runs in node tests.
 */

export type Mode = 'live' | 'history';
/** History time ranges; `all` is the whole retention window, `custom` the since/until fields. */
export type RangeKey = '5m' | '1h' | '24h' | 'all' | 'custom';
export const RANGES: readonly RangeKey[] = ['5m', '1h', '24h', 'all', 'custom'];
export const LEVELS = ['trace', 'debug', 'info', 'warning', 'error', 'critical'] as const;
export type StreamKey = '' | 'stdout' | 'stderr';

export interface ViewState {
  mode: Mode;
  /** Chosen services; empty: all of them merged. */
  services: string[];
  /** Minimum level, lower case; '' for all. */
  level: string;
  /** Keyword, or a pattern when `regex` is true. */
  search: string;
  regex: boolean;
  /** A keyword beside the pattern (a link with both `search` and `regex`, as an alert rule may have). */
  keyword?: string;
  container: string;
  stream: StreamKey;
  range: RangeKey;
  /** With range `custom`: the API's since/until (ISO time, epoch seconds or `30m`). */
  since: string;
  until: string;
  times: 'relative' | 'absolute';
  /** The seq of a line whose surroundings are shown. */
  line?: number;
}

export const DEFAULT_VIEW: ViewState = {
  mode: 'live',
  services: [],
  level: '',
  search: '',
  regex: false,
  container: '',
  stream: '',
  range: '1h',
  since: '',
  until: '',
  times: 'relative',
};

const LEVEL_ALIASES: Record<string, string> = { warn: 'warning', fatal: 'critical' };

/** Reads a view from a query string; what is unknown or malformed falls back to the default. */
export function parseView(query: string | URLSearchParams): ViewState {
  const q = typeof query === 'string' ? new URLSearchParams(query) : query;
  const get = (k: string): string => (q.get(k) ?? '').trim();
  const v: ViewState = { ...DEFAULT_VIEW, services: [] };
  v.services = get('service')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const level = get('level').toLowerCase();
  const lvl = LEVEL_ALIASES[level] ?? level;
  if ((LEVELS as readonly string[]).includes(lvl)) v.level = lvl;
  if (get('regex')) {
    v.search = q.get('regex') ?? '';
    v.regex = true;
    if (get('search')) v.keyword = q.get('search') ?? '';
  } else v.search = q.get('search') ?? '';
  v.container = get('container');
  const stream = get('stream');
  if (stream === 'stdout' || stream === 'stderr') v.stream = stream;
  const since = get('since');
  const until = get('until');
  if (since === '' && until === '') v.range = get('range') === 'all' ? 'all' : DEFAULT_VIEW.range;
  else if (until === '' && (since === '5m' || since === '1h' || since === '24h')) v.range = since;
  else {
    v.range = 'custom';
    v.since = since;
    v.until = until;
  }
  const view = get('view');
  v.mode = view === 'history' || view === 'live' ? view : since || until || get('range') ? 'history' : 'live';
  if (get('times') === 'absolute') v.times = 'absolute';
  const line = Number(get('line'));
  if (Number.isSafeInteger(line) && line > 0) v.line = line;
  return v;
}

/** The API filters of a view (for /logs, /logs/stream, /logs/export); live views carry no time range. */
export function filterParams(v: ViewState, withRange = v.mode === 'history'): URLSearchParams {
  const p = new URLSearchParams();
  if (v.services.length) p.set('service', v.services.join(','));
  if (v.level) p.set('level', v.level);
  if (v.search) p.set(v.regex ? 'regex' : 'search', v.search);
  if (v.regex && v.keyword) p.set('search', v.keyword);
  if (v.container) p.set('container', v.container);
  if (v.stream) p.set('stream', v.stream);
  if (withRange) {
    const r = rangeParams(v);
    if (r.since) p.set('since', r.since);
    if (r.until) p.set('until', r.until);
  }
  return p;
}

/** since/until of a view's range, as the API takes them ('' for none). */
export function rangeParams(v: ViewState): { since: string; until: string } {
  if (v.range === 'custom') return { since: v.since, until: v.until };
  if (v.range === 'all') return { since: '', until: '' };
  return { since: v.range, until: '' };
}

/**
 * The query string of a view (without `?`); defaults are left out. A live view writes no range; a
 * custom range with neither end is the whole window. `parseView(viewQuery(v))` gives `v` back.
 */
export function viewQuery(v: ViewState): string {
  const p = filterParams(v, false);
  if (v.mode === 'history') {
    const r = rangeParams(v);
    if (r.since) p.set('since', r.since);
    if (r.until) p.set('until', r.until);
    if (!r.since && !r.until) p.set('range', 'all');
  }
  if (v.times === 'absolute') p.set('times', 'absolute');
  if (v.line !== undefined) p.set('line', String(v.line));
  return p.toString();
}

/** A view as `viewQuery` writes it: a live view keeps the default range, a custom range with no end is `all`. */
export function normalizeView(v: ViewState): ViewState {
  return parseView(viewQuery(v));
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** An API time (`30m`, ISO, epoch seconds) as epoch ms, relative ones before `nowMs`; NaN when unreadable. */
export function timeMillis(t: string, nowMs: number): number {
  // The server's rules (http/time-param.ts), which the page cannot import: units in either case.
  const rel = /^(\d+(?:\.\d+)?)([smhdw])$/i.exec(t);
  if (rel) return nowMs - Number(rel[1]) * UNIT_MS[rel[2]!.toLowerCase()]!;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t}Z`);
}

/** The span a view's errors chart covers: its range in history (24 h for the whole window), the last hour live. */
export function chartRange(v: ViewState, nowMs: number): { since: string; until: string; rangeMs: number } {
  if (v.mode === 'live' || v.range === 'all') {
    const since = v.mode === 'live' ? '1h' : '24h';
    return { since, until: '', rangeMs: nowMs - timeMillis(since, nowMs) };
  }
  const r = rangeParams(v);
  const since = r.since || '24h';
  const from = timeMillis(since, nowMs);
  const to = r.until ? timeMillis(r.until, nowMs) : nowMs;
  return { since, until: r.until, rangeMs: Number.isFinite(to - from) && to > from ? to - from : 3_600_000 };
}
