/**
 * The alert settings: thresholds, which built-in rules run, destinations and user rules, from the
 * environment and the `alerts` section of the configuration file (LOGAGG_CONFIG). The environment
 * overrides the file's thresholds; a destination given in the environment is added to the file's
 * (contracts). A bad value stops the service with the variable or the file path named.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config.js';
import { compileSafeRegex } from '../buffer/safe-regex.js';
import { LEVELS, type Level } from '../model/log-entry.js';
import { ConfigFileError, registerConfigSection } from '../service/config-file.js';
import { BUILTIN_RULES, type BuiltinRule, type Severity } from './alert-model.js';

export const DESTINATION_TYPES = ['webhook', 'slack', 'discord', 'ntfy', 'alertmanager'] as const;
export type DestinationType = (typeof DESTINATION_TYPES)[number];

export interface DestinationSettings {
  name: string;
  type: DestinationType;
  url: string;
  headers: Record<string, string>;
  /** PEM text of a CA to trust (read from the file's `ca_file`). */
  ca?: string;
  timeoutMs: number;
  /** Only these rules reach it (absent: every built-in rule and every user rule without its own destinations). */
  rules?: string[];
}

export interface UserRuleSettings {
  name: string;
  services?: string[];
  containers?: string[];
  labels?: Record<string, string>;
  minLevel?: Level;
  keyword?: string;
  regex?: string;
  field?: { name: string; value: string | number | boolean };
  count: number;
  windowMs: number;
  cooldownMs?: number;
  severity: Severity;
  destinations?: string[];
}

export interface AlertSettings {
  minLevel: Level;
  errorRatePerMin: number;
  cooldownMs: number;
  linkBaseUrl?: string;
  stormLimit: number;
  stormWindowMs: number;
  enabled: Record<BuiltinRule, boolean>;
  destinations: DestinationSettings[];
  userRules: UserRuleSettings[];
}

const LEVEL_ENUM = [...LEVELS, 'WARN', 'FATAL', ...LEVELS.map((l) => l.toLowerCase()), 'warn', 'fatal'];
const SEVERITIES = ['critical', 'error', 'warning', 'info'];
const name = { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,64}$' };
const globs = { type: 'array', items: { type: 'string', minLength: 1 } };

/** The `alerts` section's JSON Schema (part of the shipped configuration schema). */
export const ALERTS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    min_level: { enum: LEVEL_ENUM },
    error_rate_per_min: { type: 'integer', minimum: 1 },
    cooldown_seconds: { type: 'number', minimum: 0 },
    link_base_url: { type: 'string', format: 'uri' },
    storm_limit: { type: 'integer', minimum: 2 },
    builtin: { type: 'object', additionalProperties: false, properties: Object.fromEntries(BUILTIN_RULES.map((r) => [r, { type: 'boolean' }])) },
    destinations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'type', 'url'],
        properties: {
          name,
          type: { enum: [...DESTINATION_TYPES] },
          url: { type: 'string', format: 'uri' },
          headers: { type: 'object', additionalProperties: { type: 'string' } },
          ca_file: { type: 'string', minLength: 1 },
          timeout_seconds: { type: 'number', exclusiveMinimum: 0, maximum: 300 },
          rules: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    rules: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name,
          services: globs,
          containers: globs,
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          min_level: { enum: LEVEL_ENUM },
          keyword: { type: 'string', minLength: 1 },
          regex: { type: 'string', minLength: 1 },
          field: { type: 'object', additionalProperties: false, required: ['name', 'value'], properties: { name: { type: 'string', minLength: 1 }, value: { type: ['string', 'number', 'boolean'] } } },
          count: { type: 'integer', minimum: 1 },
          window_seconds: { type: 'number', exclusiveMinimum: 0 },
          cooldown_seconds: { type: 'number', minimum: 0 },
          severity: { enum: SEVERITIES },
          destinations: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

registerConfigSection('alerts', ALERTS_SCHEMA);

type Env = Record<string, string | undefined>;

function levelOf(raw: string): Level | undefined {
  const l = raw.trim().toUpperCase().replace(/^WARN$/, 'WARNING').replace(/^FATAL$/, 'CRITICAL');
  const i = LEVELS.indexOf(l as (typeof LEVELS)[number]);
  return i < 0 ? undefined : (i as Level);
}

/** An http(s) URL, or the error naming where it came from. */
function httpUrl(raw: string, fail: (m: string) => Error): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw fail(`not a valid URL: "${raw}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw fail(`expected an http:// or https:// URL, got "${raw}"`);
  return raw;
}

function envNumber(env: Env, v: string, def: number, min: number, max: number, int = false): number {
  const raw = env[v]?.trim();
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max || (int && !Number.isInteger(n))) throw new ConfigError(v, `expected ${int ? 'a whole number' : 'a number'} from ${min} to ${max}, got "${raw}"`);
  return n;
}

const ENV_DESTINATIONS: [string, DestinationType][] = [
  ['ALERT_WEBHOOK_URL', 'webhook'],
  ['ALERT_SLACK_WEBHOOK_URL', 'slack'],
  ['ALERT_DISCORD_WEBHOOK_URL', 'discord'],
  ['ALERT_NTFY_URL', 'ntfy'],
  ['ALERT_ALERTMANAGER_URL', 'alertmanager'],
];

interface FileAlerts {
  min_level?: string;
  error_rate_per_min?: number;
  cooldown_seconds?: number;
  link_base_url?: string;
  storm_limit?: number;
  builtin?: Partial<Record<BuiltinRule, boolean>>;
  destinations?: { name: string; type: DestinationType; url: string; headers?: Record<string, string>; ca_file?: string; timeout_seconds?: number; rules?: string[] }[];
  rules?: { name: string; services?: string[]; containers?: string[]; labels?: Record<string, string>; min_level?: string; keyword?: string; regex?: string; field?: { name: string; value: string | number | boolean }; count?: number; window_seconds?: number; cooldown_seconds?: number; severity?: Severity; destinations?: string[] }[];
}

/**
 * The settings from the environment and the file's already schema-validated `alerts` section;
 * checks what a schema cannot (URLs, regexes in linear time, destination names).
 */
export function alertSettings(env: Env, fileSection: unknown = {}): AlertSettings {
  const f = (fileSection ?? {}) as FileAlerts;
  const fileErr = (path: string) => (m: string) => new ConfigFileError(path, m);
  const envErr = (v: string) => (m: string) => new ConfigError(v, m);

  let minLevel = f.min_level !== undefined ? levelOf(f.min_level)! : (5 as Level);
  if (env.ALERT_MIN_LEVEL?.trim()) {
    const l = levelOf(env.ALERT_MIN_LEVEL);
    if (l === undefined) throw new ConfigError('ALERT_MIN_LEVEL', `expected one of ${LEVELS.join(', ')}, got "${env.ALERT_MIN_LEVEL}"`);
    minLevel = l;
  }
  const errorRatePerMin = envNumber(env, 'ALERT_ERROR_RATE_PER_MIN', f.error_rate_per_min ?? 30, 1, 1e9, true);
  const cooldownMs = envNumber(env, 'ALERT_COOLDOWN_SECONDS', f.cooldown_seconds ?? 300, 0, 7 * 86_400) * 1000;
  const stormLimit = envNumber(env, 'ALERT_STORM_LIMIT', f.storm_limit ?? 10, 2, 1e6, true);
  let linkBaseUrl = f.link_base_url ? httpUrl(f.link_base_url, fileErr('alerts.link_base_url')) : undefined;
  if (env.ALERT_LINK_BASE_URL?.trim()) linkBaseUrl = httpUrl(env.ALERT_LINK_BASE_URL.trim(), envErr('ALERT_LINK_BASE_URL'));

  const enabled = Object.fromEntries(BUILTIN_RULES.map((r) => [r, f.builtin?.[r] ?? true])) as Record<BuiltinRule, boolean>;
  const disabled = env.ALERT_DISABLED_RULES?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  for (const r of disabled) {
    if (!(BUILTIN_RULES as readonly string[]).includes(r)) throw new ConfigError('ALERT_DISABLED_RULES', `unknown rule "${r}"; the built-in rules are ${BUILTIN_RULES.join(', ')}`);
    enabled[r as BuiltinRule] = false;
  }

  const timeoutDefault = envNumber(env, 'ALERT_TIMEOUT_SECONDS', 10, 0.1, 300) * 1000;
  const destinations: DestinationSettings[] = (f.destinations ?? []).map((d, i) => {
    const path = `alerts.destinations[${i}]`;
    let ca: string | undefined;
    if (d.ca_file) {
      try {
        ca = readFileSync(d.ca_file, 'utf8');
      } catch (e) {
        throw new ConfigFileError(`${path}.ca_file`, `cannot read ${d.ca_file}: ${(e as Error).message}`);
      }
    }
    return {
      name: d.name,
      type: d.type,
      url: httpUrl(d.url, fileErr(`${path}.url`)),
      headers: d.headers ?? {},
      ...(ca ? { ca } : {}),
      timeoutMs: d.timeout_seconds !== undefined ? d.timeout_seconds * 1000 : timeoutDefault,
      ...(d.rules ? { rules: d.rules } : {}),
    };
  });
  const seen = new Set<string>();
  destinations.forEach((d, i) => {
    if (seen.has(d.name)) throw new ConfigFileError(`alerts.destinations[${i}].name`, `"${d.name}" is used twice`);
    seen.add(d.name);
  });
  for (const [v, type] of ENV_DESTINATIONS) {
    const raw = env[v]?.trim();
    if (!raw) continue;
    const nm = seen.has(type) ? `${type}-env` : type;
    seen.add(nm);
    destinations.push({ name: nm, type, url: httpUrl(raw, envErr(v)), headers: {}, timeoutMs: timeoutDefault });
  }

  const userRules: UserRuleSettings[] = (f.rules ?? []).map((r, i) => {
    const path = `alerts.rules[${i}]`;
    if (r.regex !== undefined) {
      const c = compileSafeRegex(r.regex);
      if ('error' in c) throw new ConfigFileError(`${path}.regex`, c.error);
    }
    for (const d of r.destinations ?? []) if (!seen.has(d)) throw new ConfigFileError(`${path}.destinations`, `no destination named "${d}" (known: ${[...seen].join(', ') || 'none'})`);
    const u: UserRuleSettings = { name: r.name, count: r.count ?? 1, windowMs: (r.window_seconds ?? 60) * 1000, severity: r.severity ?? 'warning' };
    if (r.services) u.services = r.services;
    if (r.containers) u.containers = r.containers;
    if (r.labels) u.labels = r.labels;
    if (r.min_level !== undefined) u.minLevel = levelOf(r.min_level)!;
    if (r.keyword !== undefined) u.keyword = r.keyword;
    if (r.regex !== undefined) u.regex = r.regex;
    if (r.field) u.field = r.field;
    if (r.cooldown_seconds !== undefined) u.cooldownMs = r.cooldown_seconds * 1000;
    if (r.destinations) u.destinations = r.destinations;
    return u;
  });
  const ruleNames = new Set<string>();
  userRules.forEach((r, i) => {
    if (ruleNames.has(r.name) || (BUILTIN_RULES as readonly string[]).includes(r.name)) throw new ConfigFileError(`alerts.rules[${i}].name`, `"${r.name}" is already a rule's name`);
    ruleNames.add(r.name);
  });
  return { minLevel, errorRatePerMin, cooldownMs, ...(linkBaseUrl ? { linkBaseUrl } : {}), stormLimit, stormWindowMs: 60_000, enabled, destinations, userRules };
}
