/**
 * What crosses between the StoreActor (main thread) and the store's worker thread: plain,
 * structured-clone-safe data only. Each request carries an id; the worker answers it once.
 */
import type { LogFilter } from '../model/query-protocol.js';
import type { CollectCursor } from '../model/ingest-protocol.js';
import type { LogEntry } from '../model/log-entry.js';
import type { AlertStoreRequest } from './alert-tables.js';

/** A stored entry: a LogEntry with its sequence number. */
export type StoredEntry = LogEntry & { seq: number };

/** A query as the worker runs it: times are Docker's, inclusive; `after` is a decoded cursor. */
export interface StoreQuery extends LogFilter {
  sinceMs: number;
  untilMs: number;
  order: 'asc' | 'desc';
  limit: number;
  after?: { ms: number; ns: number; seq: number };
  /** Stop scanning after this long (ms) and answer what was found, with `partial`. */
  budgetMs: number;
  /** The page stops before its entries' JSON would pass this many bytes (one entry alone may); `more` is then set. */
  maxBytes?: number;
}

export interface StoreQueryResult {
  entries: StoredEntry[];
  /** More may match beyond the last entry (a full page, or a scan cut by its budget). */
  more: boolean;
  /** The scan budget ran out before the page was full. */
  partial: boolean;
  /** With `partial`: the last row the scan examined, so that a page that found nothing still moves on. */
  scannedTo?: { ms: number; ns: number; seq: number };
}

/** An entry and the lines of its container just before and after it (each list oldest first). */
export interface StoredAround {
  entry: StoredEntry;
  before: StoredEntry[];
  after: StoredEntry[];
}

export interface StoreOpenResult {
  /** Highest seq stored (0 when empty). */
  maxSeq: number;
  cursors: CollectCursor[];
  /** Epoch ms of the service's first start with this database. */
  firstStartMs: number;
  /** Set when the file was unreadable and moved aside: the path it was moved to. */
  movedAside?: string;
  schemaVersion: number;
}

export interface StoreStats {
  entries: number;
  /** Bytes in use (pages not on the free list). */
  bytes: number;
  fileBytes: number;
  oldestMs?: number;
  newestMs?: number;
}

/** Entries after a forwarder's cursor, whole (fields included), in seq order; `oldestSeq` is the lowest seq still stored (0 when empty). */
export interface ReadAfterResult {
  entries: StoredEntry[];
  oldestSeq: number;
}

/** A sink's committed position: the last seq it accepted, and how many entries it lost to retention so far. */
export interface ForwardCursor {
  seq: number;
  dropped: number;
}

export interface RetentionResult {
  deletedByAge: number;
  deletedBySize: number;
  /** More remains to delete: run again soon. */
  more: boolean;
}

export type StoreRequest =
  | { op: 'open'; dir: string; nowMs: number; moveAside?: boolean }
  | { op: 'openReader'; dir: string }
  | { op: 'write'; entries: StoredEntry[]; cursors: CollectCursor[] }
  | { op: 'query'; query: StoreQuery }
  | { op: 'stats' }
  | { op: 'retention'; cutoffMs: number; maxBytes: number; batch: number }
  | { op: 'scan'; afterSeq: number; sinceMs: number; limit: number }
  | { op: 'readAfter'; afterSeq: number; upToSeq: number; limit: number }
  | { op: 'around'; seq: number; before: number; after: number; sinceMs: number }
  | { op: 'forwardCursor'; sink: string }
  | { op: 'commitForwardCursor'; sink: string; seq: number; dropped: number; nowMs: number }
  | { op: 'close' }
  | AlertStoreRequest;

/** A failed request: `code` is SQLite's (SQLITE_FULL, SQLITE_CORRUPT, …) when it came from the database. */
export interface StoreFailure {
  code?: string;
  message: string;
}

export type StoreReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: StoreFailure };
