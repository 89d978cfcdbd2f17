/**
 * The database's schema, and its version. A newer service migrates an older file step by step;
 * an older service refuses a newer file rather than guessing at columns it does not know.
 *
 * Index choice (see the README's Performance section for the figures): entries are keyed by `seq`
 * (the rowid); `t` is Docker's time in nanoseconds since the epoch, and the index on it carries the
 * rowid, so `ORDER BY t, seq` walks it directly. A service or container query walks (source, t); a
 * level filter of WARNING or above walks a partial index holding only those lines (by time, and by
 * source and time since version 2). No full-text
 * index: a keyword is a LIKE over the time index, which measured 2–5× cheaper to write than FTS5.
 */
export const SCHEMA_VERSION = 2;

/** Statements that bring an empty database to version 1, in order. */
const V1 = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID`,
  `CREATE TABLE sources (
     id INTEGER PRIMARY KEY,
     container_id TEXT NOT NULL,
     name TEXT NOT NULL,
     service TEXT NOT NULL,
     UNIQUE (container_id, name, service)
   )`,
  `CREATE TABLE entries (
     seq INTEGER PRIMARY KEY,
     t INTEGER NOT NULL,
     source INTEGER NOT NULL,
     level INTEGER NOT NULL,
     flags INTEGER NOT NULL,
     docker_ts TEXT NOT NULL,
     time TEXT,
     message TEXT NOT NULL,
     fields TEXT
   )`,
  `CREATE INDEX entries_t ON entries (t)`,
  `CREATE INDEX entries_source_t ON entries (source, t)`,
  `CREATE INDEX entries_warn_t ON entries (t) WHERE level >= 3`,
  `CREATE TABLE cursors (container_id TEXT PRIMARY KEY, positions TEXT NOT NULL, updated_ms INTEGER NOT NULL) WITHOUT ROWID`,
];

/**
 * Version 2: what forwarding and alerting keep across restarts, in the same database as the
 * entries (contracts: alert state, pending notifications and forwarding cursors survive restarts).
 * - `forward_cursors`: per sink, the last seq the sink accepted (committed only after it did).
 * - `alert_state`: small named JSON values (cooldowns, known exception groups, first start).
 * - `notifications`: alerts decided and not yet delivered, or delivered/failed (history for GET /alerts).
 */
const V2 = [
  `CREATE TABLE forward_cursors (sink TEXT PRIMARY KEY, seq INTEGER NOT NULL, updated_ms INTEGER NOT NULL, dropped INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID`,
  `CREATE TABLE alert_state (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_ms INTEGER NOT NULL) WITHOUT ROWID`,
  `CREATE TABLE notifications (
     id INTEGER PRIMARY KEY,
     destination TEXT NOT NULL,
     rule TEXT NOT NULL,
     service TEXT,
     payload TEXT NOT NULL,
     state TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_ms INTEGER,
     created_ms INTEGER NOT NULL,
     sent_ms INTEGER,
     last_error TEXT
   )`,
  `CREATE INDEX notifications_state ON notifications (state, next_attempt_ms)`,
  // A service's warnings and errors without walking its other lines (5–10% of them, measured).
  `CREATE INDEX entries_source_warn_t ON entries (source, t) WHERE level >= 3`,
];

/** Migrations: index i brings version i to version i + 1. */
export const MIGRATIONS: readonly (readonly string[])[] = [V1, V2];
