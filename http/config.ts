import { BUDGET_DEFAULTS, MB } from '../actors/service/budgets.js';

/** Default page size of `GET /logs` when `limit` is not given. */
export const DEFAULT_LOG_LIMIT = 100;
/** Largest page size of `GET /logs` (a larger `limit` is clamped) and largest live `tail`. */
export const MAX_LOG_LIMIT = 1000;

/** Settings of the HTTP layer; the optional ones have defaults in `STREAM_DEFAULTS` and `LIMIT_DEFAULTS`. */
export interface HttpConfig {
  defaultLimit: number;
  maxLimit: number;
  /** How long a route waits for an actor's reply before answering 504. */
  askTimeoutMs: number;
  /** How long `/logs` waits for a page: longer than the store's scan budget, which answers partial pages in time. */
  queryTimeoutMs?: number;
  /** The scan time one `/logs` page may take over all its parts before it answers `partial` (the store's budget). */
  queryBudgetMs?: number;
  /** When set, every route but `/health` requires `Authorization: Bearer <token>`. */
  apiToken?: string;
  /** Origins allowed by CORS (and for browser WebSockets); `*` allows any. */
  corsOrigins?: string[];
  version: string;
  /** Buffer retention, for `/health`'s retention_hours when the buffer does not answer (its own stats win). */
  retentionMs?: number;
  /** STORAGE, for the forwarding note (memory: nothing survives a restart). */
  storageMode?: 'disk' | 'memory';
  /** Epoch ms when the service started, for `uptime_seconds`. */
  startedAt: number;
  /** Entries a streaming client may have pending (not yet handed to its socket) before new ones are dropped for it. */
  maxClientQueue: number;
  /** Same bound in bytes (default 1 MiB); also what a stream's `tail` may fill. */
  maxClientQueueBytes?: number;
  /** Open live clients at once (MAX_LIVE_CLIENTS); beyond it a 503 (default 1000). */
  maxLiveClients?: number;
  /** Bytes pending for all live clients together (MAX_LIVE_BYTES); the furthest behind are shed beyond it (default 16 MiB). */
  maxLiveBytes?: number;
  /** A `/logs` page stops at this many bytes of JSON and carries next_cursor (MAX_RESPONSE_MB; default 8 MiB). */
  maxResponseBytes?: number;
  /** Page queries answered at once; more wait in a queue (default 2). */
  concurrentQueries?: number;
  /** A client that keeps dropping for this long is disconnected (default 60 s). */
  stallTimeoutMs?: number;
  /** WebSocket ping period; a peer that has not answered the previous ping is terminated (default 30 s). */
  pingIntervalMs?: number;
  /** Period of the `: keepalive` comment on Server-Sent Events (default 15 s). */
  sseKeepaliveMs?: number;
  /** Longest request target accepted; longer gets 414 (default 8 KiB). */
  maxUrlLength?: number;
  /** Node's limit on the request head; larger gets 431 (default 16 KiB). */
  maxHeaderSize?: number;
  /** A request answered slower than this is written to the service's own log (default 1 s). */
  slowRequestMs?: number;
  /** Where the built web page is (default dist/http/ui next to the server). */
  pageDir?: string;
}

/** Defaults of the optional settings. */
export const HTTP_DEFAULTS = {
  maxClientQueueBytes: BUDGET_DEFAULTS.liveClientBytes,
  maxLiveClients: BUDGET_DEFAULTS.liveClients,
  maxLiveBytes: BUDGET_DEFAULTS.liveBytes,
  maxResponseBytes: BUDGET_DEFAULTS.responseMb * MB,
  concurrentQueries: BUDGET_DEFAULTS.concurrentQueries,
  stallTimeoutMs: 60_000,
  pingIntervalMs: 30_000,
  sseKeepaliveMs: 15_000,
  maxUrlLength: 8 * 1024,
  maxHeaderSize: 16 * 1024,
  slowRequestMs: 1000,
} as const;

/** A streaming client that has dropped this many times its queue bound in one stall is disconnected. */
export const STALL_DROP_FACTOR = 10;

/** How long a socket we are closing may take to flush its last words before it is destroyed (a stalled peer never reads them). */
export const CLOSE_GRACE_MS = 1000;
