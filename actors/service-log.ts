import { LEVELS, type Level } from './parse/log-entry.js';

let threshold: Level = 2;

/** Sets the minimum level of the service's own log lines (LOG_LEVEL). */
export function setServiceLogLevel(level: Level): void {
  threshold = level;
}

/** Writes one line of the service's own log to stderr, in the plain format its own parser reads back. */
export function serviceLog(level: Level, message: string): void {
  if (level < threshold) return;
  process.stderr.write(`${new Date().toISOString()} ${LEVELS[level]} [logagg] ${message}\n`);
}
