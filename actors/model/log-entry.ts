/** Normalised severities, ordered so that a numeric comparison means "at least". */
export const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type LevelName = (typeof LEVELS)[number];
/** Index into LEVELS: 0 TRACE … 5 CRITICAL. */
export type Level = 0 | 1 | 2 | 3 | 4 | 5;
export const Level = { TRACE: 0, DEBUG: 1, INFO: 2, WARNING: 3, ERROR: 4, CRITICAL: 5 } as const;

export type StreamName = 'stdout' | 'stderr';

/** What the pure parser makes of one (possibly multi-line) log message. */
export interface ParsedLine {
  /** The line's own timestamp, normalised to UTC ISO-8601, when it carries one. */
  time?: string;
  level: Level;
  message: string;
  /** Remaining structured fields (JSON keys, logfmt pairs) after level/message/time are taken out. */
  fields?: Record<string, unknown>;
}

/** One stored log entry: a parsed, redacted line with where and when Docker saw it. */
export interface LogEntry extends ParsedLine {
  /** The store's sequence number: the entry's identity, only growing (set once the store accepted it). */
  seq?: number;
  /** Docker's timestamp exactly as the engine sent it: RFC 3339 UTC with 9 fractional digits (sorts as text). */
  dockerTs: string;
  /** Docker's timestamp in epoch milliseconds, for time filters. */
  dockerMs: number;
  stream: StreamName;
  /** Full 64-hex container id. */
  containerId: string;
  containerName: string;
  service: string;
  /** Set when a joined line was cut at the configured maximum. */
  truncated?: boolean;
}
