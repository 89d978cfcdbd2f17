/**
 * Forwarding sinks, from the environment (one of each kind) and the config file's `forwarding`
 * section (any number, each with filters). Environment sinks are added to the file's. A bad URL or an
 * unknown scheme stops startup with an error naming the variable or the config path; an unreachable
 * sink is not a configuration error (it is retried and shown).
 */
import { ConfigError } from '../config.js';
import { ConfigFileError, registerConfigSection } from '../service/config-file.js';
import { LEVELS, type Level } from '../model/log-entry.js';
import type { TlsOptions } from '../delivery/http-send.js';

export const SINK_KINDS = ['webhook', 'syslog', 'loki', 'elasticsearch', 'otlp'] as const;
export type SinkKind = (typeof SINK_KINDS)[number];

/** Which entries a sink receives; every filter given must match. */
export interface SinkFilter {
  /** Service name globs (any of). */
  services?: RegExp[];
  /** Container name globs (any of). */
  containers?: RegExp[];
  minLevel?: Level;
  /** Container labels that must all be present with these values. */
  labels?: Record<string, string>;
}

export interface SinkConfig {
  /** Identity of the sink's cursor in the store: keep it stable. */
  name: string;
  kind: SinkKind;
  url: string;
  headers: Record<string, string>;
  filter: SinkFilter;
  /** Where a sink seen for the first time starts: the newest entry (default), or the oldest stored. */
  start: 'newest' | 'oldest';
  tls: TlsOptions;
  /** syslog: facility number (16 = local0). */
  facility: number;
  /** loki: X-Scope-OrgID. */
  tenant?: string;
  /** elasticsearch: the data stream written to. */
  index: string;
}

export interface ForwardingConfig {
  sinks: SinkConfig[];
  batchSize: number;
  flushMs: number;
  /** LOGAGG_HOST_NAME; else the engine's Name from /info. */
  hostName?: string;
}

export const FACILITIES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};

const SCHEMES: Record<SinkKind, string[]> = {
  webhook: ['http:', 'https:'],
  syslog: ['udp:', 'tcp:', 'tls:'],
  loki: ['http:', 'https:'],
  elasticsearch: ['http:', 'https:'],
  otlp: ['http:', 'https:'],
};

const str = { type: 'string' };
registerConfigSection('forwarding', {
  type: 'object',
  additionalProperties: false,
  properties: {
    sinks: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'type', 'url'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
          type: { enum: [...SINK_KINDS] },
          url: str,
          headers: { type: 'object', additionalProperties: str },
          start: { enum: ['newest', 'oldest'] },
          services: { type: 'array', items: str },
          containers: { type: 'array', items: str },
          min_level: { type: 'string' },
          labels: { type: 'object', additionalProperties: str },
          ca_file: str,
          tls_skip_verify: { type: 'boolean' },
          facility: { enum: Object.keys(FACILITIES) },
          tenant: str,
          index: str,
        },
      },
    },
  },
});

type Env = Record<string, string | undefined>;
type Fail = (message: string) => Error;

export function globRegex(g: string): RegExp {
  return new RegExp('^' + g.replace(/^\//, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
}

function checkUrl(kind: SinkKind, raw: string, fail: Fail): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw fail(`not a URL: "${raw}"`);
  }
  if (!SCHEMES[kind].includes(u.protocol)) throw fail(`unknown scheme "${u.protocol.replace(/:$/, '')}" for a ${kind} sink; expected ${SCHEMES[kind].map((s) => s.replace(/:$/, '://')).join(', ')}`);
  if (!u.hostname) throw fail(`no host in "${raw}"`);
  if (kind === 'syslog' && !u.port) throw fail(`a syslog URL needs a port, e.g. ${u.protocol}//${u.hostname}:514`);
  return u.toString();
}

function levelOf(raw: string, fail: Fail): Level {
  const name = raw.trim().toUpperCase().replace(/^WARN$/, 'WARNING').replace(/^FATAL$/, 'CRITICAL');
  const i = LEVELS.indexOf(name as (typeof LEVELS)[number]);
  if (i < 0) throw fail(`expected one of ${LEVELS.join(', ')}, got "${raw}"`);
  return i as Level;
}

function headersOf(raw: string | undefined, fail: Fail): Record<string, string> {
  if (!raw?.trim()) return {};
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw fail('expected a JSON object of header names and values, e.g. {"Authorization": "Bearer …"}');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v) || !Object.values(v).every((x) => typeof x === 'string')) throw fail('expected a JSON object of string values');
  return v as Record<string, string>;
}

function bool(env: Env, name: string): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return false;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${env[name]}"`);
}

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return def;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

/** The one sink of each kind the environment can define (FORWARD_<KIND>_URL and its companions). */
function envSinks(env: Env): SinkConfig[] {
  const out: SinkConfig[] = [];
  for (const kind of SINK_KINDS) {
    const prefix = `FORWARD_${kind.toUpperCase()}`;
    const raw = env[`${prefix}_URL`]?.trim();
    if (!raw) continue;
    const url = checkUrl(kind, raw, (m) => new ConfigError(`${prefix}_URL`, m));
    const facilityName = env.FORWARD_SYSLOG_FACILITY?.trim().toLowerCase() || 'local0';
    if (kind === 'syslog' && FACILITIES[facilityName] === undefined) throw new ConfigError('FORWARD_SYSLOG_FACILITY', `expected one of ${Object.keys(FACILITIES).join(', ')}, got "${env.FORWARD_SYSLOG_FACILITY}"`);
    const minLevel = env[`${prefix}_MIN_LEVEL`]?.trim();
    out.push({
      name: kind,
      kind,
      url,
      headers: headersOf(env[`${prefix}_HEADERS`], (m) => new ConfigError(`${prefix}_HEADERS`, m)),
      filter: minLevel ? { minLevel: levelOf(minLevel, (m) => new ConfigError(`${prefix}_MIN_LEVEL`, m)) } : {},
      start: 'newest',
      tls: { ...(env[`${prefix}_CA_FILE`]?.trim() ? { caFile: env[`${prefix}_CA_FILE`]!.trim() } : {}), ...(bool(env, `${prefix}_TLS_SKIP_VERIFY`) ? { insecureSkipVerify: true } : {}) },
      facility: FACILITIES[facilityName] ?? 16,
      ...(kind === 'loki' && env.FORWARD_LOKI_TENANT?.trim() ? { tenant: env.FORWARD_LOKI_TENANT.trim() } : {}),
      index: env.FORWARD_ELASTICSEARCH_INDEX?.trim() || 'logs-logagg-default',
    });
  }
  return out;
}

interface FileSink {
  name: string;
  type: SinkKind;
  url: string;
  headers?: Record<string, string>;
  start?: 'newest' | 'oldest';
  services?: string[];
  containers?: string[];
  min_level?: string;
  labels?: Record<string, string>;
  ca_file?: string;
  tls_skip_verify?: boolean;
  facility?: string;
  tenant?: string;
  index?: string;
}

function fileSinks(section: unknown): SinkConfig[] {
  const sinks = ((section as { sinks?: FileSink[] } | undefined)?.sinks ?? []) as FileSink[];
  return sinks.map((s, i) => {
    const at = (field: string): Fail => (m) => new ConfigFileError(`forwarding.sinks[${i}].${field}`, m);
    return {
      name: s.name,
      kind: s.type,
      url: checkUrl(s.type, s.url, at('url')),
      headers: s.headers ?? {},
      filter: {
        ...(s.services?.length ? { services: s.services.map(globRegex) } : {}),
        ...(s.containers?.length ? { containers: s.containers.map(globRegex) } : {}),
        ...(s.min_level ? { minLevel: levelOf(s.min_level, at('min_level')) } : {}),
        ...(s.labels && Object.keys(s.labels).length ? { labels: s.labels } : {}),
      },
      start: s.start ?? 'newest',
      tls: { ...(s.ca_file ? { caFile: s.ca_file } : {}), ...(s.tls_skip_verify ? { insecureSkipVerify: true } : {}) },
      facility: FACILITIES[s.facility ?? 'local0'] ?? 16,
      ...(s.tenant ? { tenant: s.tenant } : {}),
      index: s.index ?? 'logs-logagg-default',
    };
  });
}

/** The forwarding settings: the file's sinks, then the environment's; names must be unique. */
export function loadForwardingConfig(env: Env, file: Record<string, unknown> = {}): ForwardingConfig {
  const sinks = [...fileSinks(file.forwarding), ...envSinks(env)];
  const seen = new Set<string>();
  sinks.forEach((s, i) => {
    if (seen.has(s.name)) {
      throw i < sinks.length - envSinks(env).length
        ? new ConfigFileError(`forwarding.sinks[${i}].name`, `"${s.name}" is used twice`)
        : new ConfigError(`FORWARD_${s.kind.toUpperCase()}_URL`, `a sink named "${s.name}" is also in the config file: rename the file's`);
    }
    seen.add(s.name);
  });
  return {
    sinks,
    batchSize: int(env, 'FORWARD_BATCH_SIZE', 500, 1, 100_000),
    flushMs: int(env, 'FORWARD_FLUSH_MS', 1000, 0, 3_600_000),
    ...(env.LOGAGG_HOST_NAME?.trim() ? { hostName: env.LOGAGG_HOST_NAME.trim() } : {}),
  };
}
