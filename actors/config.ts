import { LEVELS, type Level } from './model/log-entry.js';
import { apiToken, bindHost, checkDockerUrl, corsOrigins, logFormat, writableDirectory } from './config-checks.js';
import type { LogFormat } from './service-log.js';
import type { AlertSettings } from './alerts/alert-settings.js';
import type { RuleSource } from './parse/parse-rule.js';
import { BUDGET_DEFAULTS, ENTRY_FIXED_BYTES, MB } from './service/budgets.js';

/** A configuration variable with a value we cannot use; the message names it and what is accepted. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

/** Everything the service reads from its environment, validated. */
export interface Config {
  port: number;
  host: string;
  logLevel: Level;
  /** `unix:///path` or `tcp://host:port` (DOCKER_HOST), else DOCKER_SOCKET's path. */
  dockerHost: string;
  dockerApiVersion?: string;
  maxLogBuffer: number;
  retentionMs: number;
  batchSize: number;
  defaultLogLimit: number;
  maxLogLimit: number;
  maxLineBytes: number;
  multilineQuietMs: number;
  multilineMaxLines: number;
  redactPatterns: RegExp[];
  includeContainers: RegExp[];
  excludeContainers: RegExp[];
  backfillConcurrency: number;
  /** A follower with a batch unacknowledged this long is reported stalled and restarted (FOLLOWER_STALL_SECONDS). */
  followerStallMs: number;
  apiToken?: string;
  corsOrigins: string[];
  /** disk (default): entries and cursors in SQLite under dataDir; memory: nothing survives a restart (STORAGE). */
  storage: 'disk' | 'memory';
  /** DATA_DIR: where `logagg.db` lives; `./data` by default, `/data` in the image. */
  dataDir: string;
  /** MAX_STORAGE_MB in bytes: beyond it the oldest entries on disk are deleted first. */
  maxStorageBytes: number;
  /** The service's own log lines: human-readable `text` or `json` (LOG_FORMAT). */
  logFormat: LogFormat;
  /** LOGAGG_HOST_NAME: the host's name in alerts (else the Docker engine's name). */
  hostName?: string;
  /** Alert rules and destinations (alerts/alert-settings.ts): set by main from the environment and LOGAGG_CONFIG. */
  alerts?: AlertSettings;
  /** Parsing rules of the config file (`parsing.rules`), by service or container-name glob; labels win over them. */
  parseRules?: RuleSource[];
  /** MAX_LOG_BUFFER_MB in bytes: the hot window's byte bound, beside MAX_LOG_BUFFER entries (see service/budgets.ts). */
  maxLogBufferBytes: number;
  /** MAX_RESPONSE_MB in bytes: a `/logs` page stops at this size and carries next_cursor. */
  maxResponseBytes: number;
  /** MAX_LIVE_CLIENTS: open live streams at once; beyond it a 503. */
  maxLiveClients: number;
  /** MAX_LIVE_BYTES: every live client's pending bytes together; the clients furthest behind are shed beyond it. */
  maxLiveBytes: number;
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got ${n}`);
  return n;
}

function num(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new ConfigError(name, `expected a number from ${min} to ${max}, got "${raw}"`);
  return n;
}

/** Shell-style globs (`*`, `?`), comma separated, matched against the whole container name. */
function globs(env: Env, name: string): RegExp[] {
  const raw = env[name]?.trim();
  if (!raw) return [];
  return raw
    .split(',')
    .map((g) => g.trim().replace(/^\//, ''))
    .filter(Boolean)
    .map((g) => new RegExp('^' + g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$'));
}

/** REDACT_PATTERNS: a JSON array of regex sources, or one regex source. */
function patterns(env: Env, name: string): RegExp[] {
  const raw = env[name]?.trim();
  if (!raw) return [];
  let sources: unknown;
  try {
    sources = raw.startsWith('[') ? JSON.parse(raw) : [raw];
  } catch {
    throw new ConfigError(name, 'expected a JSON array of regular expressions, e.g. ["secret-\\\\w+"], or a single regular expression');
  }
  if (!Array.isArray(sources) || !sources.every((s) => typeof s === 'string')) throw new ConfigError(name, 'expected a JSON array of strings');
  return sources.map((s: string) => {
    try {
      return new RegExp(s, 'g');
    } catch (e) {
      throw new ConfigError(name, `invalid regular expression ${JSON.stringify(s)}: ${(e as Error).message}`);
    }
  });
}

function dockerHost(env: Env): string {
  const host = env.DOCKER_HOST?.trim();
  if (host) {
    if (!/^(unix:\/\/\/|tcp:\/\/|http:\/\/)/.test(host)) throw new ConfigError('DOCKER_HOST', `expected unix:///path/to/docker.sock or tcp://host:port, got "${host}"`);
    checkDockerUrl('DOCKER_HOST', host);
    return host;
  }
  const socket = env.DOCKER_SOCKET?.trim() || '/var/run/docker.sock';
  if (!socket.startsWith('/')) throw new ConfigError('DOCKER_SOCKET', `expected an absolute path to the Docker socket, got "${socket}"`);
  return `unix://${socket}`;
}

function storage(env: Env): 'disk' | 'memory' {
  const raw = (env.STORAGE?.trim() || 'disk').toLowerCase();
  if (raw !== 'disk' && raw !== 'memory') throw new ConfigError('STORAGE', `expected disk or memory, got "${env.STORAGE}"`);
  return raw;
}

/** Reads and validates the configuration; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const level = (env.LOG_LEVEL?.trim() || 'INFO').toUpperCase().replace(/^WARN$/, 'WARNING');
  const logLevel = LEVELS.indexOf(level as (typeof LEVELS)[number]);
  if (logLevel < 0) throw new ConfigError('LOG_LEVEL', `expected one of ${LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  const apiVersion = env.DOCKER_API_VERSION?.trim();
  if (apiVersion && apiVersion !== 'auto' && !/^v?1\.\d+$/.test(apiVersion)) throw new ConfigError('DOCKER_API_VERSION', `expected "auto" or a version like 1.43, got "${apiVersion}"`);
  const defaultLogLimit = int(env, 'DEFAULT_LOG_LIMIT', 100, 1, 1_000_000);
  const maxLogLimit = int(env, 'MAX_LOG_LIMIT', 1000, 1, 1_000_000);
  if (defaultLogLimit > maxLogLimit) throw new ConfigError('DEFAULT_LOG_LIMIT', `must not exceed MAX_LOG_LIMIT (${maxLogLimit}), got ${defaultLogLimit}`);
  const maxLogBuffer = int(env, 'MAX_LOG_BUFFER', 10_000, 1, 10_000_000);
  const maxLogBufferBytes = int(env, 'MAX_LOG_BUFFER_MB', BUDGET_DEFAULTS.logBufferMb, 1, 1024 * 1024) * MB;
  if (maxLogBuffer * ENTRY_FIXED_BYTES > maxLogBufferBytes / 2) {
    const mb = Math.ceil((maxLogBuffer * ENTRY_FIXED_BYTES) / MB);
    throw new ConfigError('MAX_LOG_BUFFER', `${maxLogBuffer} entries take ${mb} MB of index alone, more than half of MAX_LOG_BUFFER_MB (${maxLogBufferBytes / MB}): lower MAX_LOG_BUFFER or raise MAX_LOG_BUFFER_MB`);
  }
  return {
    port: int(env, 'LOG_AGGREGATOR_PORT', 8015, 0, 65535),
    host: bindHost(env, 'LOG_AGGREGATOR_HOST', '0.0.0.0'),
    logLevel: logLevel as Level,
    dockerHost: dockerHost(env),
    dockerApiVersion: apiVersion && apiVersion !== 'auto' ? (apiVersion.startsWith('v') ? apiVersion : `v${apiVersion}`) : undefined,
    maxLogBuffer,
    retentionMs: num(env, 'LOG_RETENTION_HOURS', 24, 0.001, 24 * 365) * 3_600_000,
    batchSize: int(env, 'BATCH_SIZE', 100, 1, 100_000),
    defaultLogLimit,
    maxLogLimit,
    maxLineBytes: int(env, 'MAX_LINE_BYTES', 256 * 1024, 1024, 64 * 1024 * 1024),
    multilineQuietMs: int(env, 'MULTILINE_QUIET_MS', 300, 0, 60_000),
    multilineMaxLines: int(env, 'MULTILINE_MAX_LINES', 500, 1, 100_000),
    redactPatterns: patterns(env, 'REDACT_PATTERNS'),
    includeContainers: globs(env, 'INCLUDE_CONTAINERS'),
    excludeContainers: globs(env, 'EXCLUDE_CONTAINERS'),
    backfillConcurrency: int(env, 'BACKFILL_CONCURRENCY', 4, 1, 1000),
    followerStallMs: num(env, 'FOLLOWER_STALL_SECONDS', 30, 0.1, 86_400) * 1000,
    apiToken: apiToken(env, 'API_TOKEN'),
    corsOrigins: corsOrigins(env, 'CORS_ORIGINS'),
    storage: storage(env),
    dataDir: storage(env) === 'disk' ? writableDirectory(env, 'DATA_DIR', './data') : env.DATA_DIR?.trim() || './data',
    maxStorageBytes: int(env, 'MAX_STORAGE_MB', 1024, 1, 16 * 1024 * 1024) * 1024 * 1024,
    logFormat: logFormat(env, 'LOG_FORMAT'),
    ...(env.LOGAGG_HOST_NAME?.trim() ? { hostName: env.LOGAGG_HOST_NAME.trim() } : {}),
    maxLogBufferBytes,
    maxResponseBytes: int(env, 'MAX_RESPONSE_MB', BUDGET_DEFAULTS.responseMb, 1, 1024) * MB,
    maxLiveClients: int(env, 'MAX_LIVE_CLIENTS', BUDGET_DEFAULTS.liveClients, 1, 1_000_000),
    maxLiveBytes: int(env, 'MAX_LIVE_BYTES', BUDGET_DEFAULTS.liveBytes, 64 * 1024, 2 ** 40),
  };
}
