import type { FilterError, LogFilter } from '../model/query-protocol.js';
import type { LogEntry, StreamName } from '../model/log-entry.js';
import { compileSafeRegex, escapeRegExp, type SafeRegex } from './safe-regex.js';

/** Where an entry comes from: the part of a filter decided once per container. */
export interface EntrySource {
  containerId: string;
  containerName: string;
  service: string;
}

/**
 * A validated LogFilter: callable as a predicate on a whole entry (live subscriptions), and in parts
 * for the buffer, which decides the source once per container and reads level and stream from columns.
 */
export interface CompiledFilter {
  (entry: LogEntry): boolean;
  /** 0 when the filter sets no minimum. */
  readonly minLevel: number;
  readonly stream: StreamName | undefined;
  matchesSource(source: EntrySource): boolean;
  /** True when a message test (search, regex) is set. */
  readonly testsMessage: boolean;
  matchesMessage(message: string): boolean;
}

/** Tells a FilterError from a successful result. */
export function isFilterError(x: unknown): x is FilterError {
  return typeof x === 'object' && x !== null && (x as { ok?: unknown }).ok === false;
}

const fail = (parameter: string, error: string): FilterError => ({ ok: false, parameter, error });

const stripSlash = (s: string): string => (s.startsWith('/') ? s.slice(1) : s);

/**
 * Validates and compiles a filter; empty strings and an empty service list mean "not set".
 * Returns a FilterError naming the parameter at fault as the HTTP API calls it (`service`, `level`,
 * `search`, `regex`, `container`, `stream`), e.g. `regex` for a pattern that is invalid or not linear-time.
 */
export function compileFilter(filter: LogFilter): CompiledFilter | FilterError {
  const { services, minLevel, search, regex, container, stream } = filter;

  let serviceSet: Set<string> | undefined;
  if (services !== undefined) {
    if (!Array.isArray(services) || services.some((s) => typeof s !== 'string')) return fail('service', 'services must be a list of service names');
    if (services.length > 0) serviceSet = new Set(services);
  }
  if (minLevel !== undefined && !(Number.isInteger(minLevel) && minLevel >= 0 && minLevel <= 5)) {
    return fail('level', 'level must be a level from 0 (TRACE) to 5 (CRITICAL)');
  }
  if (stream !== undefined && stream !== 'stdout' && stream !== 'stderr') return fail('stream', 'stream must be stdout or stderr');
  if (container !== undefined && typeof container !== 'string') return fail('container', 'container must be an id prefix or a name');
  if (search !== undefined && typeof search !== 'string') return fail('search', 'search must be a string');
  if (regex !== undefined && typeof regex !== 'string') return fail('regex', 'regex must be a string');

  const tests: SafeRegex[] = [];
  // The keyword first: it is the cheaper test and usually the more selective.
  if (search) tests.push(new RegExp(escapeRegExp(search), 'i'));
  if (regex) {
    const compiled = compileSafeRegex(regex);
    if ('error' in compiled) return fail('regex', compiled.error);
    tests.push(compiled);
  }

  const wanted = container ? stripSlash(container) : undefined;
  const idPrefix = wanted && /^[0-9a-f]+$/i.test(wanted) ? wanted.toLowerCase() : undefined;
  const level = minLevel ?? 0;

  const matchesSource = (src: EntrySource): boolean => {
    if (serviceSet && !serviceSet.has(src.service)) return false;
    if (wanted === undefined) return true;
    return (idPrefix !== undefined && src.containerId.startsWith(idPrefix)) || stripSlash(src.containerName) === wanted;
  };
  const matchesMessage = (message: string): boolean => {
    for (const t of tests) if (!t.test(message)) return false;
    return true;
  };
  const predicate = (e: LogEntry): boolean =>
    e.level >= level && (stream === undefined || e.stream === stream) && matchesSource(e) && matchesMessage(e.message);

  return Object.assign(predicate, { minLevel: level, stream, matchesSource, testsMessage: tests.length > 0, matchesMessage });
}
