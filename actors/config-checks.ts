import { accessSync, constants, statSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { ConfigError } from './config.js';
import { LOG_FORMATS, type LogFormat } from './service-log.js';

/**
 * Checks of settings whose mistakes used to surface late (a snapshot path at stop, a bad bind address
 * as a stack trace at listen, a CORS origin that never matches): each is refused at startup with a
 * ConfigError naming the variable. Kept apart from config.ts, which reads the plain numbers and lists.
 */

type Env = Record<string, string | undefined>;

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** LOG_AGGREGATOR_HOST: an IPv4/IPv6 address (without brackets) or a host name. */
export function bindHost(env: Env, name: string, def: string): string {
  const raw = env[name]?.trim();
  if (!raw) return def;
  if (isIP(raw) || HOSTNAME.test(raw)) return raw;
  const hint = /^\[.*\]$/.test(raw) ? `; write an IPv6 address without brackets, e.g. ${raw.slice(1, -1)}` : '';
  throw new ConfigError(name, `expected an IP address (0.0.0.0, 127.0.0.1, ::) or a host name, got "${raw}"${hint}`);
}

/** CORS_ORIGINS: `*`, or comma-separated origins `scheme://host[:port]` exactly as browsers send them. */
export function corsOrigins(env: Env, name: string): string[] {
  const list = (env[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const origin of list) {
    if (origin === '*') continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw new ConfigError(name, `expected "*" or origins like https://dashboard.example:3000, got "${origin}"`);
    }
    if (parsed.origin !== origin) {
      throw new ConfigError(name, `"${origin}" is not an origin as a browser sends it (scheme, host and port only, lower case, no path or trailing slash): use "${parsed.origin}"`);
    }
  }
  return list;
}

/** LOG_FORMAT: text (default) or json. */
export function logFormat(env: Env, name: string): LogFormat {
  const raw = (env[name]?.trim() || 'text').toLowerCase();
  if (!(LOG_FORMATS as readonly string[]).includes(raw)) throw new ConfigError(name, `expected one of ${LOG_FORMATS.join(', ')}, got "${env[name]}"`);
  return raw as LogFormat;
}

/** API_TOKEN: sent as `Authorization: Bearer <token>`, so no whitespace or control characters. */
export function apiToken(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(raw)) throw new ConfigError(name, 'must not contain spaces, newlines or control characters (it is sent as "Authorization: Bearer <token>")');
  return raw;
}

/** DOCKER_HOST `tcp://host:port` or `http://…` must parse as a URL with a numeric port. */
export function checkDockerUrl(name: string, host: string): void {
  if (host.startsWith('unix://')) {
    if (!host.slice('unix://'.length).startsWith('/')) throw new ConfigError(name, `expected unix:///absolute/path/to/docker.sock, got "${host}"`);
    return;
  }
  let url: URL;
  try {
    url = new URL(host.replace(/^tcp:/, 'http:'));
  } catch {
    throw new ConfigError(name, `expected tcp://host:port, got "${host}"`);
  }
  if (!url.hostname) throw new ConfigError(name, `expected tcp://host:port, got "${host}"`);
}

/**
 * A directory the service writes to (DATA_DIR): if it exists it must be a directory this process may
 * write; if not, the nearest existing parent must be, so that it can be created. Checked at start,
 * so that a wrong mount or owner is named now rather than found at the first write.
 */
export function writableDirectory(env: Env, name: string, fallback: string): string {
  const raw = env[name]?.trim() || fallback;
  const who = `uid ${process.getuid?.() ?? '?'}`;
  let dir = path.resolve(raw);
  for (;;) {
    let stat;
    try {
      stat = statSync(dir);
    } catch {
      const parent = path.dirname(dir);
      if (parent === dir) throw new ConfigError(name, `no part of ${raw} exists`);
      dir = parent;
      continue;
    }
    if (!stat.isDirectory()) throw new ConfigError(name, `${dir} is not a directory`);
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      throw new ConfigError(name, `${dir} is not writable by this process (${who}); make it writable, mount a volume there, or set STORAGE=memory`);
    }
    return raw;
  }
}
