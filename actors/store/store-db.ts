/**
 * The durable store's database, synchronous (better-sqlite3): it runs inside the store's worker
 * thread so that no write, retention delete or scan blocks the event loop that collects and serves.
 *
 * WAL with synchronous=NORMAL: a process crash loses nothing committed; a power loss may lose the
 * last transaction. Entries and the container cursors that cover them commit in one transaction,
 * so after a SIGKILL every container resumes exactly where its stored lines end.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CollectCursor } from '../model/ingest-protocol.js';
import { entryJsonBytes, PAGE_ENVELOPE_BYTES } from '../buffer/entry-json.js';
import { splitIso } from '../buffer/iso-nanos.js';
import { compileFilter, isFilterError, type EntrySource } from '../buffer/log-filter.js';
import type { Level } from '../model/log-entry.js';
import { AlertTables } from './alert-tables.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import type { ForwardCursor, ReadAfterResult, RetentionResult, StoredAround, StoredEntry, StoreOpenResult, StoreQuery, StoreQueryResult, StoreStats } from './store-protocol.js';

export const DB_FILE = 'logagg.db';

const F_STDERR = 1;
const F_TRUNCATED = 2;
const NS_PER_MS = 1_000_000n;
/** Rows between two looks at the clock during a scan. */
const DEADLINE_EVERY = 256;

/** The file is newer than this service understands: refusing beats guessing. */
export class StoreVersionError extends Error {
  override readonly name = 'StoreVersionError';
}

interface Source extends EntrySource {
  id: number;
}

interface Row {
  seq: number;
  source: number;
  level: number;
  flags: number;
  docker_ts: string;
  time: string | null;
  message: string;
  fields: string | null;
}

/** Docker time in ns since the epoch, as SQLite's 64-bit integer. */
function nanosOf(dockerMs: number, dockerTs: string): bigint {
  return BigInt(Math.floor(dockerMs)) * NS_PER_MS + BigInt(splitIso(dockerTs)?.subMs ?? 0);
}

/** Docker time in ns as SQLite's integer; times beyond what 64 bits hold (years before 1678 or after 2262) are clamped. */
const MAX_MS = 9_000_000_000_000;
const msToNanos = (ms: number, subNs = 0): bigint => BigInt(Math.floor(Math.max(-MAX_MS, Math.min(MAX_MS, ms)))) * NS_PER_MS + BigInt(subNs);

/** True when a message test must run in JS: a regex, or a keyword LIKE cannot match case-insensitively. */
function regexOrUnicode(regex: string | undefined, keyword: string | undefined, likeable: boolean): boolean {
  return Boolean(regex) || (Boolean(keyword) && !likeable);
}

/** A code SQLite gives to a file it cannot use as a database. */
export function isCorruption(code: string | undefined): boolean {
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || (code?.startsWith('SQLITE_CORRUPT') ?? false);
}

export class StoreDb {
  private db!: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly sourcesById = new Map<number, Source>();
  private readonly sourcesByKey = new Map<string, Source>();
  private count = 0;
  private readonly = false;
  private maxSourceId = 0;
  private insertEntry!: Database.Statement;
  private insertSource!: Database.Statement;
  private upsertCursor!: Database.Statement;
  private writeTx!: (entries: StoredEntry[], cursors: CollectCursor[]) => void;
  path = '';
  /** Alert state and notifications (see alert-tables.ts). */
  alerts!: AlertTables;

  /** Opens (creating or migrating) the database in `dir`; a file SQLite cannot read is moved aside first. */
  open(dir: string, nowMs: number, forceMoveAside = false): StoreOpenResult {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, DB_FILE);
    let movedAside: string | undefined;
    if (forceMoveAside) movedAside = this.moveAside(nowMs);
    try {
      this.openFile(nowMs);
    } catch (error) {
      if (error instanceof StoreVersionError || !isCorruption((error as { code?: string }).code)) throw error;
      this.close();
      movedAside = this.moveAside(nowMs);
      this.openFile(nowMs);
    }
    const maxSeq = (this.db.prepare('SELECT max(seq) AS m FROM entries').get() as { m: number | null }).m ?? 0;
    const cursors = (this.db.prepare('SELECT container_id, positions FROM cursors').all() as { container_id: string; positions: string }[]).map((r) => ({
      containerId: r.container_id,
      positions: JSON.parse(r.positions) as CollectCursor['positions'],
    }));
    const firstStartMs = Number(this.meta('first_start_ms'));
    return { maxSeq, cursors, firstStartMs, schemaVersion: SCHEMA_VERSION, ...(movedAside ? { movedAside } : {}) };
  }

  /**
   * Opens the database read-only beside the writer (WAL lets readers and the writer run at once):
   * queries and scans then never wait behind a write, and a long scan never delays one.
   */
  openReader(dir: string): void {
    this.close();
    this.path = join(dir, DB_FILE);
    this.readonly = true;
    this.db = new Database(this.path, { readonly: true, fileMustExist: true });
    this.db.pragma('cache_size = -4000');
    this.db.pragma('mmap_size = 0');
    this.statements.clear();
    this.sourcesById.clear();
    this.sourcesByKey.clear();
    this.maxSourceId = 0;
    this.refreshSources();
  }

  /** A reader learns the sources the writer added since it last looked. */
  private refreshSources(): void {
    const rows = this.statement('SELECT id, container_id, name, service FROM sources WHERE id > ?').all(this.maxSourceId) as { id: number; container_id: string; name: string; service: string }[];
    for (const s of rows) {
      this.remember({ id: s.id, containerId: s.container_id, containerName: s.name, service: s.service });
      if (s.id > this.maxSourceId) this.maxSourceId = s.id;
    }
  }

  private openFile(nowMs: number): void {
    const fresh = !existsSync(this.path);
    this.db = new Database(this.path);
    // A file that is not a database fails here, on its header.
    if (fresh) this.db.pragma('auto_vacuum = INCREMENTAL');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('cache_size = -8000');
    this.db.pragma('journal_size_limit = 16777216');
    this.db.pragma('mmap_size = 0');
    const version = this.version();
    if (version > SCHEMA_VERSION) throw new StoreVersionError(`${this.path} has schema version ${version}, newer than this logagg understands (${SCHEMA_VERSION}): upgrade logagg, or move the file away to start afresh`);
    for (let v = version; v < SCHEMA_VERSION; v++) {
      this.db.transaction(() => {
        for (const sql of MIGRATIONS[v]!) this.db.exec(sql);
        this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run('schema_version', String(v + 1));
      })();
    }
    if (this.meta('first_start_ms') === undefined) this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('first_start_ms', String(nowMs));
    this.alerts = new AlertTables(this.db);
    this.statements.clear();
    this.sourcesById.clear();
    this.sourcesByKey.clear();
    for (const s of this.db.prepare('SELECT id, container_id, name, service FROM sources').all() as { id: number; container_id: string; name: string; service: string }[]) {
      this.remember({ id: s.id, containerId: s.container_id, containerName: s.name, service: s.service });
    }
    this.count = (this.db.prepare('SELECT count(*) AS n FROM entries').get() as { n: number }).n;
    this.insertEntry = this.db.prepare('INSERT INTO entries (seq, t, source, level, flags, docker_ts, time, message, fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.insertSource = this.db.prepare('INSERT INTO sources (container_id, name, service) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET name = excluded.name RETURNING id');
    this.upsertCursor = this.db.prepare('INSERT INTO cursors (container_id, positions, updated_ms) VALUES (?, ?, ?) ON CONFLICT (container_id) DO UPDATE SET positions = excluded.positions, updated_ms = excluded.updated_ms');
    this.writeTx = this.db.transaction((entries: StoredEntry[], cursors: CollectCursor[]) => {
      for (const e of entries) {
        const flags = (e.stream === 'stderr' ? F_STDERR : 0) | (e.truncated ? F_TRUNCATED : 0);
        let fields: string | null = null;
        if (e.fields !== undefined) {
          try {
            fields = JSON.stringify(e.fields);
          } catch {
            fields = null;
          }
        }
        this.insertEntry.run(e.seq, nanosOf(e.dockerMs, e.dockerTs), this.sourceOf(e).id, e.level, flags, e.dockerTs, e.time ?? null, e.message, fields);
      }
      const now = Date.now();
      for (const c of cursors) this.upsertCursor.run(c.containerId, JSON.stringify(c.positions), now);
    });
  }

  private version(): number {
    const hasMeta = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    if (!hasMeta) return 0;
    return Number(this.meta('schema_version') ?? 0);
  }

  private meta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  /** Renames the database and its WAL files aside (never deletes them); returns the new name. */
  private moveAside(nowMs: number): string {
    const aside = `${this.path}.corrupt-${new Date(nowMs).toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(this.path + suffix)) renameSync(this.path + suffix, aside + suffix);
    return aside;
  }

  close(): void {
    try {
      this.db?.close();
    } catch {
      // already closed or unusable: nothing left to release
    }
  }

  private remember(s: Source): void {
    this.sourcesById.set(s.id, s);
    this.sourcesByKey.set(`${s.containerId}\n${s.containerName}\n${s.service}`, s);
  }

  private sourceOf(e: EntrySource): Source {
    const key = `${e.containerId}\n${e.containerName}\n${e.service}`;
    let s = this.sourcesByKey.get(key);
    if (!s) {
      const { id } = this.insertSource.get(e.containerId, e.containerName, e.service) as { id: number };
      s = { id, containerId: e.containerId, containerName: e.containerName, service: e.service };
      this.remember(s);
    }
    return s;
  }

  /** Commits entries and the cursors covering them, all or nothing. */
  write(entries: StoredEntry[], cursors: CollectCursor[]): void {
    this.writeTx(entries, cursors);
    this.count += entries.length;
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private entryOf(r: Row, withFields = true): StoredEntry {
    const src = this.sourcesById.get(r.source)!;
    const e: StoredEntry = {
      seq: r.seq,
      dockerTs: r.docker_ts,
      dockerMs: splitIso(r.docker_ts)?.ms ?? Date.parse(r.docker_ts),
      stream: r.flags & F_STDERR ? 'stderr' : 'stdout',
      containerId: src.containerId,
      containerName: src.containerName,
      service: src.service,
      level: r.level as Level,
      message: r.message,
    };
    if (r.time !== null) e.time = r.time;
    if (withFields && r.fields !== null) e.fields = JSON.parse(r.fields) as Record<string, unknown>;
    if (r.flags & F_TRUNCATED) e.truncated = true;
    return e;
  }

  /**
   * A page of entries in Docker-time order (then seq), every filter applied. Time, cursor, source,
   * level and stream go to SQLite; a keyword is a LIKE when it is plain ASCII; a regex is tested
   * here. The scan stops at `budgetMs` and answers what it found, marked partial. The page stops
   * at `maxBytes` of JSON (more follows by cursor), so that the worker never builds a page larger than that.
   */
  query(q: StoreQuery): StoreQueryResult {
    if (this.readonly) this.refreshSources();
    const filter = compileFilter(q);
    if (isFilterError(filter)) throw new Error(`${filter.parameter}: ${filter.error}`);
    const where: string[] = ['t >= ?', 't <= ?'];
    const params: (bigint | number | string)[] = [msToNanos(q.sinceMs), msToNanos(q.untilMs, 999_999)];
    const desc = q.order === 'desc';
    if (q.after) {
      const t = msToNanos(q.after.ms, q.after.ns);
      where.push(desc ? '(t < ? OR (t = ? AND seq < ?))' : '(t > ? OR (t = ? AND seq > ?))');
      params.push(t, t, q.after.seq);
    }
    let sources: number[] | undefined;
    if (q.services?.length || q.container) {
      sources = [...this.sourcesById.values()].filter((s) => filter.matchesSource(s)).map((s) => s.id);
      if (sources.length === 0) return { entries: [], more: false, partial: false };
    }
    // Literals, not parameters, so that the planner can use the partial index of WARNING and above.
    if (filter.minLevel > 0) where.push(`level >= ${filter.minLevel}`);
    // SQLite uses a partial index only when its own condition appears word for word in the query.
    if (filter.minLevel >= 3) where.push('level >= 3');
    if (filter.stream) where.push(`(flags & ${F_STDERR}) = ${filter.stream === 'stderr' ? F_STDERR : 0}`);
    const keyword = q.search;
    const likeable = keyword !== undefined && /^[\x20-\x7e]+$/.test(keyword);
    if (keyword && likeable) {
      where.push(`message LIKE ? ESCAPE '\\'`);
      params.push(`%${keyword.replace(/[\\%_]/g, (c) => '\\' + c)}%`);
    }
    const dir = desc ? 'DESC' : 'ASC';
    const cols = 'seq, source, level, flags, docker_ts, time, message, fields';
    const order = `ORDER BY t ${dir}, seq ${dir}`;
    // Decided in SQL when it can be: a page per source, each read in order from its (source, t)
    // index and merged here, instead of sorting every line of a service. A regex (or a non-ASCII
    // keyword) is tested here, so the sources are then scanned together, the limit after the test.
    const inSql = !regexOrUnicode(q.regex, keyword, likeable);
    const maxBytes = q.maxBytes === undefined ? Infinity : q.maxBytes - PAGE_ENVELOPE_BYTES;
    if (sources && sources.length > 1 && inSql) return this.mergedPages(sources, cols, where, params, order, q.limit, desc, maxBytes);
    if (sources) where.push(sources.length === 1 ? `source = ${sources[0]}` : `source IN (${sources.join(',')})`);
    const sql = `SELECT ${cols} FROM entries WHERE ${where.join(' AND ')} ${order}${inSql ? ` LIMIT ${q.limit + 1}` : ''}`;
    const deadline = Date.now() + q.budgetMs;
    const page = new PageFill(q.limit, maxBytes);
    let rows = 0;
    let partial = false;
    let examined: Row | undefined;
    for (const r of this.statement(sql).iterate(...params) as IterableIterator<Row>) {
      if (++rows % DEADLINE_EVERY === 0 && Date.now() > deadline) {
        partial = true;
        break;
      }
      examined = r;
      if (filter.testsMessage && !filter.matchesMessage(r.message)) continue;
      if (page.full() || !page.take(this.entryOf(r))) break;
    }
    const { entries } = page;
    const more = page.more || partial;
    if (partial && examined) {
      const split = splitIso(examined.docker_ts);
      return { entries, more, partial, scannedTo: { ms: split?.ms ?? Date.parse(examined.docker_ts), ns: split?.subMs ?? 0, seq: examined.seq } };
    }
    return { entries, more, partial };
  }

  /**
   * One ordered read per source from its (source, t) index, merged here by (Docker time, seq) one row
   * at a time: only the page's rows (and one row ahead per source) are read, and the page stops at
   * `limit` entries or `maxBytes` of JSON (one entry alone may pass it) like any other page.
   */
  private mergedPages(sources: number[], cols: string, where: string[], params: (bigint | number | string)[], order: string, limit: number, desc: boolean, maxBytes = Infinity): StoreQueryResult {
    const sql = `SELECT ${cols} FROM entries WHERE source = ? AND ${where.join(' AND ')} ${order} LIMIT ${limit + 1}`;
    // A statement iterates once at a time: one per source (a service has a few containers).
    const reads = sources.map((id) => this.db.prepare(sql).iterate(id, ...params) as IterableIterator<Row>);
    const heads = reads.map((it) => it.next().value as Row | undefined);
    // Docker's timestamps are fixed-width RFC 3339 text: they sort as the times they are.
    const sign = desc ? -1 : 1;
    const before = (a: Row, b: Row) => sign * (a.docker_ts < b.docker_ts ? -1 : a.docker_ts > b.docker_ts ? 1 : a.seq - b.seq) < 0;
    const page = new PageFill(limit, maxBytes);
    try {
      for (;;) {
        let best = -1;
        for (let i = 0; i < heads.length; i++) if (heads[i] && (best < 0 || before(heads[i]!, heads[best]!))) best = i;
        if (best < 0 || page.full() || !page.take(this.entryOf(heads[best]!))) break;
        heads[best] = reads[best]!.next().value as Row | undefined;
      }
    } finally {
      for (const it of reads) it.return?.();
    }
    return { entries: page.entries, more: page.more, partial: false };
  }

  /**
   * The entry `seq` and up to `before`/`after` entries of the same container (every source with its
   * container id: a renamed container keeps its lines) just before and after it by (Docker time, seq),
   * each list oldest first; null when no entry has that seq or it is older than `sinceMs`.
   */
  around(seq: number, before: number, after: number, sinceMs: number): StoredAround | null {
    if (this.readonly) this.refreshSources();
    const r = this.statement('SELECT seq, source, level, flags, docker_ts, time, message, fields, CAST(t AS TEXT) AS tt FROM entries WHERE seq = ?').get(seq) as (Row & { tt: string }) | undefined;
    if (!r) return null;
    const t = BigInt(r.tt);
    const since = msToNanos(sinceMs);
    if (t < since) return null;
    const entry = this.entryOf(r);
    const sources = [...this.sourcesById.values()].filter((s) => s.containerId === entry.containerId).map((s) => s.id);
    const cols = 'seq, source, level, flags, docker_ts, time, message, fields';
    const side = (n: number, desc: boolean): StoredEntry[] =>
      n <= 0 ? [] : this.mergedPages(sources, cols, ['t >= ?', desc ? '(t < ? OR (t = ? AND seq < ?))' : '(t > ? OR (t = ? AND seq > ?))'], [since, t, t, seq], `ORDER BY t ${desc ? 'DESC' : 'ASC'}, seq ${desc ? 'DESC' : 'ASC'}`, n, desc).entries;
    return { entry, before: side(before, true).reverse(), after: side(after, false) };
  }

  /**
   * Entries after `afterSeq` with Docker time from `sinceMs`, in seq order, for rebuilding the error
   * statistics: without fields, and without the message below ERROR (only errors are grouped by text).
   */
  scan(afterSeq: number, sinceMs: number, limit: number): StoredEntry[] {
    if (this.readonly) this.refreshSources();
    const rows = this.statement(`SELECT seq, source, level, flags, docker_ts, NULL AS time, CASE WHEN level >= 4 THEN message ELSE '' END AS message, NULL AS fields FROM entries WHERE seq > ? AND t >= ? ORDER BY seq LIMIT ?`).all(afterSeq, msToNanos(sinceMs), limit) as Row[];
    return rows.map((r) => this.entryOf(r, false));
  }

  /** A forwarder's next entries: whole, in seq order, after `afterSeq` and up to `upToSeq` (what the StoreActor knows is committed). */
  readAfter(afterSeq: number, upToSeq: number, limit: number): ReadAfterResult {
    const rows = this.statement('SELECT seq, source, level, flags, docker_ts, time, message, fields FROM entries WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?').all(afterSeq, upToSeq, limit) as Row[];
    const oldest = (this.statement('SELECT min(seq) AS m FROM entries').get() as { m: number | null }).m ?? 0;
    return { entries: rows.map((r) => this.entryOf(r)), oldestSeq: oldest };
  }

  forwardCursor(sink: string): ForwardCursor | null {
    const r = this.statement('SELECT seq, dropped FROM forward_cursors WHERE sink = ?').get(sink) as ForwardCursor | undefined;
    return r ? { seq: r.seq, dropped: r.dropped } : null;
  }

  commitForwardCursor(sink: string, seq: number, dropped: number, nowMs: number): void {
    this.statement('INSERT INTO forward_cursors (sink, seq, updated_ms, dropped) VALUES (?, ?, ?, ?) ON CONFLICT (sink) DO UPDATE SET seq = excluded.seq, updated_ms = excluded.updated_ms, dropped = excluded.dropped').run(sink, seq, nowMs, dropped);
  }

  stats(): StoreStats {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    const range = this.statement('SELECT (SELECT docker_ts FROM entries ORDER BY t ASC LIMIT 1) AS oldest, (SELECT docker_ts FROM entries ORDER BY t DESC LIMIT 1) AS newest').get() as { oldest: string | null; newest: string | null };
    let fileBytes = 0;
    for (const suffix of ['', '-wal']) {
      try {
        fileBytes += statSync(this.path + suffix).size;
      } catch {
        // no WAL file at the moment
      }
    }
    const out: StoreStats = { entries: this.count, bytes: (pages - free) * pageSize, fileBytes };
    if (range.oldest) out.oldestMs = Date.parse(range.oldest);
    if (range.newest) out.newestMs = Date.parse(range.newest);
    return out;
  }

  /**
   * Deletes, oldest Docker time first, up to `batch` entries older than the cutoff, then up to
   * `batch` more while the used bytes exceed `maxBytes`; small batches, so that writes queued
   * behind it in the worker wait milliseconds, not seconds.
   */
  retention(cutoffMs: number, maxBytes: number, batch: number): RetentionResult {
    const byAge = this.statement('DELETE FROM entries WHERE seq IN (SELECT seq FROM entries WHERE t < ? ORDER BY t LIMIT ?)').run(msToNanos(cutoffMs), batch).changes;
    this.count -= byAge;
    let bySize = 0;
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const used = () => ((this.db.pragma('page_count', { simple: true }) as number) - (this.db.pragma('freelist_count', { simple: true }) as number)) * pageSize;
    if (this.count > 0 && used() > maxBytes) {
      bySize = this.statement('DELETE FROM entries WHERE seq IN (SELECT seq FROM entries ORDER BY t LIMIT ?)').run(batch).changes;
      this.count -= bySize;
    }
    if (byAge + bySize > 0) this.db.pragma('incremental_vacuum(2000)');
    const more = byAge === batch || (bySize > 0 && this.count > 0 && used() > maxBytes);
    return { deletedByAge: byAge, deletedBySize: bySize, more };
  }
}

/** A page being filled: it stops at `limit` entries or at `maxBytes` of JSON (one entry alone may pass that). */
class PageFill {
  readonly entries: StoredEntry[] = [];
  /** More may match beyond the page: it filled up. */
  more = false;
  private bytes = 0;

  constructor(
    private readonly limit: number,
    private readonly maxBytes: number,
  ) {}

  /** The page has its `limit` (it is then `more`). Asked before an entry is made. */
  full(): boolean {
    if (this.entries.length < this.limit) return false;
    this.more = true;
    return true;
  }

  /** Adds `e` unless it would pass the byte cap (the page is then `more`). */
  take(e: StoredEntry): boolean {
    if (this.maxBytes !== Infinity) {
      this.bytes += entryJsonBytes(e);
      if (this.bytes > this.maxBytes && this.entries.length > 0) {
        this.more = true;
        return false;
      }
    }
    this.entries.push(e);
    return true;
  }
}
