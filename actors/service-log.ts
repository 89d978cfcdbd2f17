import { LEVELS, type Level } from './model/log-entry.js';

/**
 * The service's own log: one line per event on stderr, the one place every module writes through.
 * `text` (the default) is for people: `<time> <LEVEL> [logagg] <message>`, the plain format the
 * service's own parser reads back. `json` (LOG_FORMAT=json) is for collectors: one object per line
 * with `time`, `level`, `logger`, `message` and the event's structured fields (`event`, `container`,
 * …), which the text form leaves out because its message already says them in words.
 */
export type LogFormat = 'text' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

/** Structured facts of one event; `event` names its kind (`container.followed`, `docker.lost`, …). */
export type LogFields = { event?: string } & Record<string, string | number | boolean | null | undefined>;

interface Settings {
  level: Level;
  format: LogFormat;
  /** Where a finished line goes (tests capture it). */
  write: (line: string) => void;
  now: () => number;
}

const defaults: Settings = {
  level: 2,
  format: 'text',
  write: (line) => void process.stderr.write(line),
  now: Date.now,
};
let settings: Settings = { ...defaults };

/** Sets the minimum level of the service's own log lines (LOG_LEVEL). */
export function setServiceLogLevel(level: Level): void {
  settings.level = level;
}

/** Changes some settings (LOG_LEVEL, LOG_FORMAT, or a writer and clock in tests); returns a function that restores the previous ones. */
export function configureServiceLog(change: Partial<Settings>): () => void {
  const previous = settings;
  settings = { ...settings, ...change };
  return () => {
    settings = previous;
  };
}

/** True when a line at `level` would be written: callers skip building costly detail otherwise. */
export function serviceLogEnabled(level: Level): boolean {
  return level >= settings.level;
}

/** Writes one line of the service's own log. */
export function serviceLog(level: Level, message: string, fields?: LogFields): void {
  if (level < settings.level) return;
  settings.write(formatLine(settings.format, new Date(settings.now()).toISOString(), level, message, fields) + '\n');
}

/** One line in either format; a message never spans lines (a stack trace's newlines are escaped in text). */
export function formatLine(format: LogFormat, time: string, level: Level, message: string, fields?: LogFields): string {
  switch (format) {
    case 'text':
      return `${time} ${LEVELS[level]} [logagg] ${message.replace(/\r?\n/g, '\\n')}`;
    case 'json': {
      const extra = Object.fromEntries(Object.entries(fields ?? {}).filter(([k, v]) => v !== undefined && !RESERVED.has(k)));
      return JSON.stringify({ time, level: LEVELS[level], logger: 'logagg', message, ...extra });
    }
    default: {
      const never: never = format;
      throw new Error(`unknown log format ${String(never)}`);
    }
  }
}

/** Keys of the line itself that a field must not overwrite. */
const RESERVED = new Set(['time', 'level', 'logger', 'message']);
