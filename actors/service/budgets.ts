/**
 * The one place where the service's memory is divided. It is specified to run in a 128 MB
 * container: everything that grows with what containers write or what clients ask for has a byte
 * budget here, and the README's budget table is this file in prose. Each part is moved by one
 * variable (validated in ../config.ts); the defaults add up, at worst, to the container's limit.
 *
 * | part                         | default | variable           |
 * |------------------------------|---------|--------------------|
 * | runtime, code, heap at rest  | ~45 MB  | – (anonymous; RSS also counts ~45 MB of the node binary's pages) |
 * | hot window (buffer)          | 8 MB    | MAX_LOG_BUFFER_MB  |
 * | live queues, all clients     | 16 MB   | MAX_LIVE_BYTES     |
 * | query pages (2 at a time)    | 2×8 MB  | MAX_RESPONSE_MB    |
 * | store backlog not on disk    | 8 MB    | – (a failing disk) |
 * | SQLite page cache (worker)   | 8 MB    | –                  |
 *
 * The store backlog only fills while the disk fails, and the live queues only while clients lag, so
 * the sum is a worst case rather than a steady state. `npm start` caps V8's old space at 96 MB: the
 * heap's live set is bounded by these parts (live queues and socket buffers are off the heap).
 */

export const MB = 1024 * 1024;

/** The container the defaults are meant for. */
export const SERVICE_MEMORY_MB = 128;

export const BUDGET_DEFAULTS = {
  /** MAX_LOG_BUFFER_MB: the hot window's byte bound, beside MAX_LOG_BUFFER entries. */
  logBufferMb: 8,
  /** MAX_RESPONSE_MB: a `/logs` page stops at this size and carries next_cursor. */
  responseMb: 8,
  /** MAX_LIVE_BYTES: every live client's pending bytes together. */
  liveBytes: 16 * MB,
  /** MAX_LIVE_CLIENTS: open live streams (WebSocket, NDJSON, SSE) at once. */
  liveClients: 1000,
  /** One live client's pending bytes (its own bound, inside MAX_LIVE_BYTES). */
  liveClientBytes: 1 * MB,
  /** A page is asked of the store in parts of at most this much JSON, each written out before the next. */
  subPageBytes: 1 * MB,
  /** Page queries that run at once; more wait their turn in a queue (each still gets its answer). */
  concurrentQueries: 2,
  /** Accepted entries not yet on disk beyond which followers wait (a failing disk). */
  storePendingBytes: 8 * MB,
  /** One write handed to the store's worker (a structured clone of its entries). */
  storeWriteBytes: 4 * MB,
  /** SQLite's page cache in the store's worker (PRAGMA cache_size). */
  sqliteCacheMb: 8,
  /** A follower's batch is handed on once it holds this many bytes, even short of BATCH_SIZE entries. */
  batchBytes: 1 * MB,
} as const;

/**
 * Bytes the hot window spends per entry of MAX_LOG_BUFFER whether it is used or not: its typed
 * columns (times, level, flags, source, seq), two string slots and its place in a source's index.
 */
export const ENTRY_FIXED_BYTES = 8 + 8 + 4 + 8 + 4 + 1 + 1 + 4 + 2 * 8 + 8;
