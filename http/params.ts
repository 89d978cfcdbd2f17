import type { LogFilter, LogQuery } from '../actors/model/query-protocol.js';
import { compileSafeRegex } from '../actors/buffer/safe-regex.js';
import { normalizeLevel } from '../actors/parse/level.js';
import type { Level } from '../actors/model/log-entry.js';
import { ParamError } from './http-error.js';
import { parseTimeParam } from './time-param.js';

/** Page-size bounds of `GET /logs`. */
export interface LimitOptions {
  defaultLimit: number;
  maxLimit: number;
}

/** What a live stream asks the buffer for. */
export interface LiveParams {
  filter: LogFilter;
  /** Stored entries sent before the live ones, oldest first; 0 (the default) for live entries only. */
  tail: number;
}

/** Longest accepted free-text value (search, regex, container, cursor, one service name). */
const MAX_TEXT = 1024;
const MAX_SERVICES = 100;

/**
 * Reads one parameter. A parameter given twice is refused (400) rather than guessed at:
 * use a comma list for several services.
 */
function single(params: URLSearchParams, name: string): string | undefined {
  const all = params.getAll(name);
  if (all.length > 1) throw new ParamError(name, `${name}: given ${all.length} times; give it once${name === 'service' ? ' (several services as a comma list: service=api,worker)' : ''}`);
  return all[0];
}

function text(name: string, value: string): string {
  if (value.length > MAX_TEXT) throw new ParamError(name, `${name}: longer than ${MAX_TEXT} characters`);
  return value;
}

/** `service=api` or `service=api,worker`. */
function parseServices(raw: string): string[] {
  const names = [...new Set(raw.split(',').map((s) => s.trim()).filter(Boolean))];
  if (names.length === 0) throw new ParamError('service', 'service: expected one service name or a comma-separated list (service=api,worker)');
  if (names.length > MAX_SERVICES) throw new ParamError('service', `service: at most ${MAX_SERVICES} services`);
  for (const n of names) text('service', n);
  return names;
}

/** Minimum severity by name, any case, with the usual aliases (warn, err, crit, fatal). */
export function parseLevel(raw: string): Level {
  const value = raw.trim();
  // normalizeLevel also reads pino numbers; a query names levels.
  const level = /^[a-z]+$/i.test(value) ? normalizeLevel(value.toLowerCase()) : undefined;
  if (level === undefined) throw new ParamError('level', `level: expected one of TRACE, DEBUG, INFO, WARNING (WARN), ERROR (ERR), CRITICAL (CRIT, FATAL), any case; got ${JSON.stringify(value.slice(0, 32))}`);
  return level;
}

/** A whole number ≥ min; above max it is clamped. */
function parseCount(name: string, raw: string, min: number, max: number): number {
  const value = raw.trim();
  if (!/^\d+$/.test(value) || Number(value) < min) throw new ParamError(name, `${name}: expected a whole number from ${min} to ${max} (larger values are lowered to ${max}); got ${JSON.stringify(value.slice(0, 32))}`);
  return Math.min(Number(value), max);
}

/**
 * An optional whole number from `min` to `max` (`fallback` when absent). Out of range is refused,
 * not clamped: the routes that use it have a documented range.
 * @throws ParamError naming the parameter.
 */
export function parseIntParam(params: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
  const raw = single(params, name);
  if (raw === undefined) return fallback;
  const value = raw.trim();
  if (!/^\d{1,15}$/.test(value) || Number(value) < min || Number(value) > max) throw new ParamError(name, `${name}: expected a whole number from ${min} to ${max}; got ${JSON.stringify(value.slice(0, 32))}`);
  return Number(value);
}

/** One of `values` (any case), `fallback` when absent. @throws ParamError naming the parameter. */
export function parseChoice<T extends string>(params: URLSearchParams, name: string, values: readonly T[], fallback: T): T {
  const raw = single(params, name);
  if (raw === undefined) return fallback;
  const value = raw.trim().toLowerCase() as T;
  if (!values.includes(value)) throw new ParamError(name, `${name}: expected ${values.join(' or ')}; got ${JSON.stringify(raw.slice(0, 32))}`);
  return value;
}

/** `service=api` or `service=api,worker`, optional. @throws ParamError naming `service`. */
export function parseServiceParam(params: URLSearchParams): string[] | undefined {
  const service = single(params, 'service');
  return service === undefined ? undefined : parseServices(service);
}

/**
 * The filters shared by `GET /logs` and the live stream: service, level, search, regex, container, stream.
 * Empty `search`, `regex` and `container` mean no filter. Unknown parameters are ignored.
 * @throws ParamError naming the parameter at fault.
 */
export function parseFilter(params: URLSearchParams): LogFilter {
  const filter: LogFilter = {};
  const services = parseServiceParam(params);
  if (services !== undefined) filter.services = services;
  const level = single(params, 'level');
  if (level !== undefined) filter.minLevel = parseLevel(level);
  const search = single(params, 'search');
  if (search) filter.search = text('search', search);
  const regex = single(params, 'regex');
  if (regex) {
    const compiled = compileSafeRegex(text('regex', regex));
    if ('error' in compiled) throw new ParamError('regex', `regex: ${compiled.error}`);
    filter.regex = regex;
  }
  const container = single(params, 'container');
  if (container) filter.container = text('container', container.trim());
  const stream = single(params, 'stream');
  if (stream !== undefined) {
    const s = stream.trim().toLowerCase();
    if (s !== 'stdout' && s !== 'stderr') throw new ParamError('stream', `stream: expected stdout or stderr; got ${JSON.stringify(stream.slice(0, 32))}`);
    filter.stream = s;
  }
  return filter;
}

/**
 * `since` and `until` as epoch ms (inclusive). Both accept a duration before `now`
 * (30s, 5m, 1h, 1d, 2w), ISO-8601 or epoch seconds.
 * @throws ParamError naming the parameter, also when since is after until.
 */
export function parseWindow(params: URLSearchParams, now: number): { sinceMs?: number; untilMs?: number } {
  const out: { sinceMs?: number; untilMs?: number } = {};
  const since = single(params, 'since');
  if (since !== undefined) out.sinceMs = parseTimeParam('since', since, now);
  const until = single(params, 'until');
  if (until !== undefined) out.untilMs = parseTimeParam('until', until, now);
  if (out.sinceMs !== undefined && out.untilMs !== undefined && out.sinceMs > out.untilMs) throw new ParamError('since', 'since: must not be later than until');
  return out;
}

/**
 * Parameters of `GET /logs`: the filters, since/until, limit (default `defaultLimit`, clamped to
 * `maxLimit`, a non-integer or < 1 refused), order (asc|desc) and the opaque cursor.
 * @throws ParamError naming the parameter at fault.
 */
export function parseLogQuery(params: URLSearchParams, now: number, limits: LimitOptions): LogQuery {
  const query: LogQuery = { ...parseFilter(params), ...parseWindow(params, now), limit: limits.defaultLimit };
  const limit = single(params, 'limit');
  if (limit !== undefined) query.limit = parseCount('limit', limit, 1, limits.maxLimit);
  const order = single(params, 'order');
  if (order !== undefined) {
    const o = order.trim().toLowerCase();
    if (o !== 'asc' && o !== 'desc') throw new ParamError('order', `order: expected asc (oldest first) or desc (newest first); got ${JSON.stringify(order.slice(0, 32))}`);
    query.order = o;
  }
  const cursor = single(params, 'cursor');
  if (cursor) query.cursor = text('cursor', cursor);
  return query;
}

/**
 * Parameters of the live stream: the filters and `tail` (0 to `maxTail`, clamped above).
 * @throws ParamError naming the parameter at fault.
 */
export function parseLiveParams(params: URLSearchParams, maxTail: number): LiveParams {
  const filter = parseFilter(params);
  const tail = single(params, 'tail');
  return { filter, tail: tail === undefined ? 0 : parseCount('tail', tail, 0, maxTail) };
}
