/**
 * The database's schema, and its version. A newer service migrates an older file step by step;
 * an older service refuses a newer file rather than guessing at columns it does not know.
 *
 * Index choice (see the README's Performance section for the figures): entries are keyed by `seq`
 * (the rowid); `t` is Docker's time in nanoseconds since the epoch, and the index on it carries the
 * rowid, so `ORDER BY t, seq` walks it directly. A service or container query walks (source, t); a
 * level filter of WARNING or above walks a partial index holding only those lines. No full-text
 * index: a keyword is a LIKE over the time index, which measured 2–5× cheaper to write than FTS5.
 */
export const SCHEMA_VERSION = 1;

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

/** Migrations: index i brings version i to version i + 1. */
export const MIGRATIONS: readonly (readonly string[])[] = [V1];
