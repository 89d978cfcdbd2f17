/**
 * What is asked of the entries collected, by the HTTP layer and by other actors, and answered alike by
 * the store (the whole retention window on disk) and the buffer (the hot window): filters, pages,
 * lines around an entry, live subscriptions' events.
 */
import type { ActorRef } from '../../runtime/index.js';
import type { Level, LogEntry, StreamName } from './log-entry.js';

/** Filters shared by queries and live subscriptions. All optional; all must match. */
export interface LogFilter {
  /** Exact service names (any of). */
  services?: string[];
  /** Minimum severity. */
  minLevel?: Level;
  /** Case-insensitive keyword in the message. */
  search?: string;
  /** Pattern run by a linear-time engine over the message; `(?i)` prefix for case-insensitive. */
  regex?: string;
  /** Container id prefix (hex) or exact container name (with or without leading `/`). */
  container?: string;
  stream?: StreamName;
}

/** A page of stored entries. Times are Docker's, in epoch ms; `sinceMs` and `untilMs` are inclusive. */
export interface LogQuery extends LogFilter {
  sinceMs?: number;
  untilMs?: number;
  limit: number;
  /** 'desc' (default): newest first. */
  order?: 'desc' | 'asc';
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
  /** The page stops before its entries' JSON would pass this many bytes (one entry alone may), and carries `nextCursor`. */
  maxBytes?: number;
}

export interface QueryResult {
  entries: LogEntry[];
  /** Present when more matching entries exist beyond this page. */
  nextCursor?: string;
  /** The scan stopped at its budget before the page was full; `nextCursor` continues it. */
  partial?: boolean;
}

/** A rejected query or subscription names the parameter at fault. */
export type FilterError = { ok: false; parameter: string; error: string; unavailable?: true };
/** A failed query: a parameter at fault (400), or with `unavailable` the store could not answer (503). */
export type QueryReply = { ok: true; result: QueryResult } | FilterError;

/** An entry and its neighbours in the same container, by (Docker time, seq); each list oldest first. */
export interface AroundResult {
  entry: LogEntry;
  before: LogEntry[];
  after: LogEntry[];
}

/** null: no entry has that seq (never given out, or it left the retention window). */
export type AroundReply = { ok: true; result: AroundResult | null } | FilterError;

/**
 * Asks for the entry with store sequence number `seq` and up to `before`/`after` lines of the same
 * container just before and after it (the store answers from disk, the buffer from the hot window).
 */
export type AroundQuery = { type: 'around'; seq: number; before: number; after: number; replyTo: ActorRef<AroundReply> };

/** What a live subscriber receives, in order: matching entries, or notice that some were dropped for it. */
export type LiveEvent = { type: 'entries'; entries: LogEntry[]; /** The subscription's `tail`, before any live entry. */ tail?: true } | { type: 'subscribed' } | FilterError;

export interface BufferStats {
  size: number;
  capacity: number;
  retentionMs: number;
  /** Entries evicted because the buffer was full or past retention. */
  evicted: number;
  appended: number;
  subscribers: number;
  oldestMs?: number;
  newestMs?: number;
  /** Rough bytes held by entries (typed columns + strings). */
  approxBytes: number;
  /** The byte bound on approxBytes (MAX_LOG_BUFFER_MB); the oldest entries go first beyond it. */
  maxBytes: number;
}
