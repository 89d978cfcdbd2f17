import { Level } from '../model/log-entry.js';

/** Level names as written by the common logging libraries, lower-case. */
const NAMES = new Map<string, Level>([
  ['trace', Level.TRACE],
  ['verbose', Level.TRACE], // Serilog
  ['finest', Level.TRACE], // java.util.logging
  ['finer', Level.TRACE],
  ['debug', Level.DEBUG],
  ['dbg', Level.DEBUG],
  ['fine', Level.DEBUG],
  ['info', Level.INFO],
  ['information', Level.INFO], // Serilog, .NET
  ['informational', Level.INFO], // syslog
  ['notice', Level.INFO],
  ['config', Level.INFO],
  ['warn', Level.WARNING],
  ['warning', Level.WARNING],
  ['error', Level.ERROR],
  ['err', Level.ERROR],
  ['severe', Level.ERROR],
  ['fatal', Level.CRITICAL],
  ['panic', Level.CRITICAL],
  ['dpanic', Level.CRITICAL], // zap development panic
  ['emerg', Level.CRITICAL],
  ['emergency', Level.CRITICAL],
  ['alert', Level.CRITICAL],
  ['crit', Level.CRITICAL],
  ['critical', Level.CRITICAL],
]);

// Exact-case hits first: most lines spell the level in one of these cases, which saves a toLowerCase().
for (const [name, level] of [...NAMES]) {
  NAMES.set(name.toUpperCase(), level);
  NAMES.set(name[0]!.toUpperCase() + name.slice(1), level);
}

/**
 * Maps a pino/bunyan numeric level (10 trace … 60 fatal) to a Level; numbers in between round down.
 * Numbers below 10 are refused: they could be syslog severities, whose scale runs the other way.
 */
export function levelFromNumber(n: number): Level | undefined {
  if (!(n >= 10)) return undefined; // also rejects NaN
  if (n >= 60) return Level.CRITICAL;
  if (n >= 50) return Level.ERROR;
  if (n >= 40) return Level.WARNING;
  if (n >= 30) return Level.INFO;
  if (n >= 20) return Level.DEBUG;
  return Level.TRACE;
}

/**
 * Normalises a level as found in a log line or field: a name in any case
 * (`warn`, `Warning`, `ERR`, `crit`, Serilog `Verbose` …) or a pino/bunyan number.
 * Returns undefined when the value is not recognisably a level.
 */
export function normalizeLevel(value: unknown): Level | undefined {
  if (typeof value === 'string') {
    const hit = NAMES.get(value);
    if (hit !== undefined) return hit;
    if (value.length === 0 || value.length > 16) return undefined;
    const lower = value.trim().toLowerCase();
    const named = NAMES.get(lower);
    if (named !== undefined) return named;
    // "30" as a string: pino levels written by a formatter that stringifies.
    if (/^\d{2,3}$/.test(lower)) return levelFromNumber(Number(lower));
    return undefined;
  }
  if (typeof value === 'number') return levelFromNumber(value);
  return undefined;
}

/** Returns the more severe of two levels. */
export function maxLevel(a: Level, b: Level): Level {
  return a >= b ? a : b;
}
