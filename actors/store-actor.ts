import { PermanentFailure, backoffDelay, DEFAULT_BACKOFF, unhandled, type ActorContext, type ActorFactory, type ActorRef } from '../runtime/index.js';
import { type AroundQuery, type FilterError, type LogQuery, type QueryReply } from './model/query-protocol.js';
import { acknowledge, type AppendAck, type CollectCursor, type CursorQuery, type IngestMsg } from './model/ingest-protocol.js';
import { compileFilter, isFilterError } from './buffer/log-filter.js';
import { cursorAfter, decodeCursor, encodeCursor } from './buffer/query-cursor.js';
import { serviceLog } from './service-log.js';
import { BUDGET_DEFAULTS } from './service/budgets.js';
import { PendingWrites, type PendingBatch } from './store/pending-writes.js';
import { StoreClient, StoreError } from './store/store-client.js';
import { isCorruption } from './store/store-db.js';
import { AlertMemory, type AlertStoreRequest } from './store/alert-tables.js';
import { MemoryForwardRing, type CommittedNotice, type ForwardStoreMsg } from './store/forward-reads.js';
import type { ForwardCursor, ReadAfterResult, RetentionResult, StoredAround, StoredEntry, StoreOpenResult, StoreQuery, StoreQueryResult, StoreStats } from './store/store-protocol.js';

/** The StoreActor's protocol: the followers' sink, their cursors, whole-window queries, its health. */
export type StoreMsg =
  | IngestMsg
  | CursorQuery
  | { type: 'query'; query: LogQuery; replyTo: ActorRef<QueryReply> }
  | AroundQuery
  | { type: 'health'; replyTo: ActorRef<StoreHealth> }
  | { type: 'alerts'; req: AlertStoreRequest; replyTo: ActorRef<AlertStoreReply> }
  | ForwardStoreMsg;

/** The answer to an alert-state or notification request (alert-tables.ts). */
export type AlertStoreReply = { ok: true; result: unknown } | { ok: false; error: string };

/** What /health shows of the store. */
export interface StoreHealth {
  mode: 'disk' | 'memory';
  /** ok: writes succeed (or memory mode); failing: the last write failed and is being retried. */
  state: 'ok' | 'failing';
  error?: string;
  /** Entries accepted but not yet written to disk. */
  pending: number;
  pendingBytes: number;
  /** Highest sequence number given out. */
  lastSeq: number;
  /** Highest sequence number committed to disk. */
  committedSeq: number;
  /** When the service first started with this store (epoch ms); lines from before it never alert. */
  firstStartMs: number;
  /** The error statistics are still being rebuilt from the lines stored by earlier runs. */
  rebuilding: boolean;
  stats?: StoreStats;
  path?: string;
}

type Internal =
  | { type: 'written'; ok: true; batches: PendingBatch[] }
  | { type: 'written'; ok: false; batches: PendingBatch[]; error: StoreError }
  | { type: 'writeDue' }
  | { type: 'retentionDue' }
  | { type: 'retentionDone'; result?: RetentionResult; error?: StoreError }
  | { type: 'statsDone'; stats?: StoreStats }
  | { type: 'rebuildDue'; afterSeq: number; upToSeq: number }
  | AppendAck
  | { type: 'queryDone'; replyTo: ActorRef<QueryReply>; result?: StoreQueryResult; error?: StoreError; query: LogQuery };

export interface StoreOptions {
  /** disk: SQLite in `dataDir`; memory: sequence numbers and cursors only, nothing survives a restart. */
  mode: 'disk' | 'memory';
  dataDir: string;
  retentionMs: number;
  /** MAX_STORAGE_MB in bytes: the oldest entries go first beyond it. */
  maxBytes: number;
  /** Where accepted entries go next, with their seqs: the hot buffer, the error statistics. */
  downstream: ActorRef<IngestMsg>[];
  /** Who is given the entries stored by earlier runs at start (the error statistics, which cover the whole window). */
  rebuildTo?: ActorRef<IngestMsg>[];
  /** Accepted entries not yet on disk, in bytes, beyond which followers are no longer acknowledged (backpressure). */
  maxPendingBytes: number;
  /** A scan stops after this long and answers what it found with `partial` (ms). */
  queryBudgetMs?: number;
  retentionEveryMs?: number;
}

/** A follower's batch as accepted: entries with their seqs, the cursor covering them, and its ack. */
const WRITE_MAX_ENTRIES = 5000;
/** A write crosses to the worker as a structured clone: its bytes are bounded too, not only its entries. */
const WRITE_MAX_BYTES = BUDGET_DEFAULTS.storeWriteBytes;
const RETENTION_BATCH = 5000;
/** The reader's worker holds one part of a page (≤ 1 MB) or one forwarding read at a time. */
const READER_HEAP_MB = 16;
const REBUILD_CHUNK = 2000;
const RETRY = { ...DEFAULT_BACKOFF, baseMs: 500, maxMs: 30_000 };
const fail = (parameter: string, error: string): FilterError => ({ ok: false, parameter, error });


/**
 * The durable store: every line a follower collects gets a sequence number here and goes to disk,
 * in one transaction with the container's cursor. Entries flow on to the hot buffer and the error
 * statistics as soon as they are accepted, so a failing disk does not stop collection, the live tail
 * or queries of the hot window: what is not yet written waits in memory and is written once the
 * disk is back. Past `maxPendingBytes` the followers are no longer acknowledged, so they stop
 * reading and Docker keeps the lines until there is room: nothing is dropped.
 */
export function storeActor(opts: StoreOptions): ActorFactory<StoreMsg> {
  return (ctx) => new StoreActor(ctx as ActorContext<StoreMsg | Internal>, opts);
}

class StoreActor {
  private client: StoreClient | undefined;
  /** A second worker with a read-only connection: queries and scans never wait behind writes, nor delay them. */
  private reader: StoreClient | undefined;
  private readerOpen = false;
  private rebuilding = false;
  private nextSeq = 1;
  private committedSeq = 0;
  private firstStartMs = 0;
  private readonly cursors = new Map<string, CollectCursor>();
  private readonly pending: PendingWrites;
  private writing = false;
  private failure: StoreError | undefined;
  private failures = 0;
  private stats: StoreStats | undefined;
  private retentionRunning = false;
  private rebuildNext: Extract<Internal, { type: 'rebuildDue' }> | undefined;
  private rebuildWaiting = 0;
  private opened = false;
  /** STORAGE=memory: alert state and notifications live here, for the process's life. */
  private readonly alertMemory = new AlertMemory();
  /** Forwarders told of each new committed seq. */
  private readonly watchers = new Set<ActorRef<CommittedNotice>>();
  /** STORAGE=memory: what forwarders read, and their cursors (nothing survives a restart). */
  private ring: MemoryForwardRing | undefined;
  private readonly memoryCursors = new Map<string, ForwardCursor>();

  constructor(
    private readonly ctx: ActorContext<StoreMsg | Internal>,
    private readonly opts: StoreOptions,
  ) {
    this.pending = new PendingWrites(opts.maxPendingBytes);
  }

  async preStart(): Promise<void> {
    this.firstStartMs = this.ctx.clock.now();
    if (this.opts.mode === 'memory') return;
    this.client = new StoreClient();
    try {
      this.onOpened(await this.client.request<StoreOpenResult>({ op: 'open', dir: this.opts.dataDir, nowMs: this.ctx.clock.now() }));
    } catch (error) {
      const e = error as StoreError;
      if (e.code === 'LOGAGG_VERSION') {
        await this.client.close();
        throw new PermanentFailure(e.message.replace(/^LOGAGG_VERSION: /, ''));
      }
      // Collect into memory meanwhile. Sequence numbers start above any a previous run can have given out.
      this.nextSeq = this.ctx.clock.now() * 1000;
      this.setFailure(e);
      this.retryLater();
    }
    this.ctx.startTimer('retention', { type: 'retentionDue' }, this.opts.retentionEveryMs ?? 30_000);
  }

  private onOpened(r: StoreOpenResult): void {
    this.opened = true;
    if (r.movedAside) serviceLog(4, `store: ${this.opts.dataDir} held an unreadable database; moved aside to ${r.movedAside} and started a fresh one`);
    this.nextSeq = Math.max(this.nextSeq, r.maxSeq + 1);
    this.committedSeq = r.maxSeq;
    this.firstStartMs = r.firstStartMs || this.firstStartMs;
    for (const c of r.cursors) if (!this.cursors.has(c.containerId)) this.cursors.set(c.containerId, c);
    serviceLog(2, `store: ${this.opts.dataDir} open, ${r.maxSeq} as the last sequence number, ${r.cursors.length} container cursors`);
    void this.openReader();
    // The error statistics cover the whole window: the lines already stored go to them once, in the background.
    if (r.maxSeq > 0) {
      this.rebuilding = true;
      this.ctx.self.tell({ type: 'rebuildDue', afterSeq: 0, upToSeq: r.maxSeq });
    }
  }

  private async openReader(): Promise<void> {
    this.readerOpen = false;
    if (this.reader && !this.reader.alive) {
      void this.reader.close();
      this.reader = undefined;
    }
    this.reader ??= new StoreClient(READER_HEAP_MB);
    try {
      await this.reader.request({ op: 'openReader', dir: this.opts.dataDir });
      this.readerOpen = true;
    } catch (error) {
      serviceLog(4, `store: no read-only connection (${(error as Error).message}); queries share the writer`);
    }
  }

  /** Where reads go: the reader once it is open, else the writer. */
  private get readClient(): StoreClient | undefined {
    if (this.readerOpen && this.reader && !this.reader.alive) {
      serviceLog(4, `store: the reader's worker died; starting another (reads share the writer meanwhile)`);
      void this.openReader();
    }
    return this.readerOpen ? this.reader : this.client;
  }

  async postStop(): Promise<void> {
    // A graceful stop writes what is still pending, then closes the database.
    if (this.client && this.opened && this.pending.length > 0 && !this.failure) {
      try {
        const batches = this.pending.take(Infinity);
        await this.client.request({ op: 'write', entries: batches.flatMap((b) => b.entries), cursors: PendingWrites.cursorsOf(batches) });
      } catch (error) {
        serviceLog(4, `store: ${this.pending.entries} entries not written at stop: ${(error as Error).message}`);
      }
    }
    await this.reader?.close();
    await this.client?.close();
  }

  async receive(msg: StoreMsg | Internal): Promise<void> {
    switch (msg.type) {
      case 'append':
        return this.append(msg);
      case 'cursorOf':
        msg.replyTo.tell(this.cursors.get(msg.containerId) ?? null);
        return;
      case 'query':
        return this.query(msg.query, msg.replyTo);
      case 'queryDone':
        return this.queryDone(msg);
      case 'around':
        return this.around(msg);
      case 'health':
        msg.replyTo.tell(this.health());
        this.refreshStats();
        return;
      case 'alerts':
        return this.alerts(msg.req, msg.replyTo);
      case 'forwardRead':
      case 'forwardCursor':
      case 'forwardCommit':
      case 'watchCommitted':
        return this.forwarding(msg);
      case 'statsDone':
        if (msg.stats) this.stats = msg.stats;
        return;
      case 'written':
        return this.written(msg);
      case 'writeDue':
        return this.failure ? this.retryWrite() : this.write();
      case 'retentionDue':
        return this.retention();
      case 'retentionDone':
        return this.retentionDone(msg.result, msg.error);
      case 'rebuildDue':
        return this.rebuild(msg.afterSeq, msg.upToSeq);
      case 'appended':
        // The statistics took a chunk of the rebuild: the next one is read only now, so at most one is in memory.
        if (this.rebuildNext && --this.rebuildWaiting === 0) {
          this.ctx.self.tell(this.rebuildNext);
          this.rebuildNext = undefined;
        }
        return;
      default:
        unhandled(msg);
    }
  }

  /** Alert state and notifications: in the database beside the entries, or in memory. */
  private alerts(req: AlertStoreRequest, replyTo: ActorRef<AlertStoreReply>): void {
    if (!this.client) {
      try {
        replyTo.tell({ ok: true, result: this.alertMemory.run(req) });
      } catch (error) {
        replyTo.tell({ ok: false, error: (error as Error).message });
      }
      return;
    }
    if (!this.opened) return void replyTo.tell({ ok: false, error: `store unavailable: ${this.failure?.message ?? 'not open'}` });
    this.client.request<unknown>(req).then(
      (result) => replyTo.tell({ ok: true, result }),
      (error: StoreError) => replyTo.tell({ ok: false, error: error.message }),
    );
  }

  private append(msg: IngestMsg): void {
    // The seq is the entry's identity from here on (LogEntry.seq: set once, by the store): set in place,
    // not on a copy, so that a line costs no second object on the way in.
    const entries = msg.entries as StoredEntry[];
    for (const e of entries) e.seq = this.nextSeq++;
    if (msg.cursor) this.cursors.set(msg.cursor.containerId, msg.cursor);
    if (entries.length > 0) for (const d of this.opts.downstream) d.tell({ type: 'append', entries });
    if (!this.client) {
      if (this.ring && entries.length > 0) {
        this.ring.push(entries);
        this.notifyCommitted(this.nextSeq - 1);
      }
      acknowledge(msg);
      return;
    }
    // Acknowledged now while there is room in memory; past the bound, once the disk has taken the backlog.
    this.pending.push(entries, msg);
    if (!this.failure) void this.write();
  }

  private write(): void {
    if (this.writing || !this.client || !this.opened || this.pending.length === 0) return;
    this.writing = true;
    const batches = this.pending.take(WRITE_MAX_ENTRIES, WRITE_MAX_BYTES);
    const self = this.ctx.self;
    this.client.request({ op: 'write', entries: batches.flatMap((b) => b.entries), cursors: PendingWrites.cursorsOf(batches) }).then(
      () => self.tell({ type: 'written', ok: true, batches }),
      (error: StoreError) => self.tell({ type: 'written', ok: false, batches, error }),
    );
  }

  private written(msg: Extract<Internal, { type: 'written' }>): void {
    this.writing = false;
    if (!msg.ok) {
      this.pending.putBack(msg.batches);
      this.setFailure(msg.error);
      if (isCorruption(msg.error.code)) return void this.reopen(true);
      this.retryLater();
      return;
    }
    this.committedSeq = Math.max(this.committedSeq, this.pending.written(msg.batches));
    // The count on disk follows each write (retention's deletions and the bytes come with the next refresh).
    if (this.stats) for (const b of msg.batches) this.stats.entries += b.entries.length;
    this.notifyCommitted(this.committedSeq);
    if (this.failure) {
      serviceLog(2, `store: writing again after ${this.failures} failed attempt(s) (${this.failure.message})`);
      this.failure = undefined;
      this.failures = 0;
    }
    this.write();
  }

  private setFailure(error: StoreError): void {
    if (!this.failure) serviceLog(4, `store: ${error.message}; holding ${this.pending.entries} entries in memory and retrying`);
    this.failure = error;
    this.failures++;
  }

  private retryLater(): void {
    this.ctx.startTimer('retry', { type: 'writeDue' }, backoffDelay(this.failures - 1, RETRY, Math.random()));
  }

  /** After a failure: every few attempts (and at once for a corrupted file), the database is opened afresh. */
  private async reopen(moveAside: boolean): Promise<void> {
    if (!this.client) return;
    if (!this.client.alive) {
      // The worker itself died (out of memory, a native crash): a new one opens the same file.
      serviceLog(4, `store: the writer's worker died; starting another`);
      void this.client.close();
      this.client = new StoreClient();
    }
    try {
      const r = await this.client.request<StoreOpenResult>({ op: 'open', dir: this.opts.dataDir, nowMs: this.ctx.clock.now(), moveAside });
      this.onOpened(r);
      this.failure = undefined;
      this.failures = 0;
      this.write();
    } catch (error) {
      this.setFailure(error as StoreError);
      this.retryLater();
    }
  }

  private async retryWrite(): Promise<void> {
    if (!this.opened || this.failures % 3 === 0) return this.reopen(false);
    this.write();
  }

  private query(q: LogQuery, replyTo: ActorRef<QueryReply>): void {
    const filter = compileFilter(q);
    if (isFilterError(filter)) return void replyTo.tell(filter);
    if (!(Number.isInteger(q.limit) && q.limit >= 1)) return void replyTo.tell(fail('limit', 'limit must be a whole number of at least 1'));
    if (q.order !== undefined && q.order !== 'asc' && q.order !== 'desc') return void replyTo.tell(fail('order', 'order must be asc or desc'));
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    if (q.cursor && !after) return void replyTo.tell(fail('cursor', 'cursor: expected a next_cursor from a previous page'));
    const client = this.readClient;
    if (!client) return void replyTo.tell({ ok: true, result: { entries: [] } });
    const cutoff = this.ctx.clock.now() - this.opts.retentionMs;
    const sq: StoreQuery = {
      ...(q.services ? { services: q.services } : {}),
      ...(q.minLevel !== undefined ? { minLevel: q.minLevel } : {}),
      ...(q.search ? { search: q.search } : {}),
      ...(q.regex ? { regex: q.regex } : {}),
      ...(q.container ? { container: q.container } : {}),
      ...(q.stream ? { stream: q.stream } : {}),
      sinceMs: Math.max(q.sinceMs ?? -Infinity, cutoff),
      untilMs: Math.min(q.untilMs ?? 8.64e15, 8.64e15),
      order: q.order ?? 'desc',
      limit: q.limit,
      ...(after ? { after } : {}),
      budgetMs: this.opts.queryBudgetMs ?? 5000,
      ...(q.maxBytes !== undefined ? { maxBytes: q.maxBytes } : {}),
    };
    const self = this.ctx.self;
    client.request<StoreQueryResult>({ op: 'query', query: sq }).then(
      (result) => self.tell({ type: 'queryDone', replyTo, result, query: q }),
      (error: StoreError) => self.tell({ type: 'queryDone', replyTo, error, query: q }),
    );
  }

  /** An entry and its container's neighbours, from disk (within the retention window, like queries). */
  private around(msg: AroundQuery): void {
    const client = this.readClient;
    if (!client) return void msg.replyTo.tell({ ok: true, result: null });
    const req = { op: 'around' as const, seq: msg.seq, before: msg.before, after: msg.after, sinceMs: this.ctx.clock.now() - this.opts.retentionMs };
    client.request<StoredAround | null>(req).then(
      (result) => msg.replyTo.tell({ ok: true, result }),
      (error: StoreError) => msg.replyTo.tell({ ok: false, parameter: '', error: `store unavailable: ${error.message}`, unavailable: true }),
    );
  }

  private queryDone(msg: Extract<Internal, { type: 'queryDone' }>): void {
    if (!msg.result) {
      // The disk cannot answer: the caller gets an error it can report (a 503), not an empty page.
      msg.replyTo.tell({ ok: false, parameter: '', error: `store unavailable: ${msg.error?.message ?? 'unknown error'}`, unavailable: true });
      return;
    }
    const { entries, more, partial } = msg.result;
    const last = entries[entries.length - 1];
    const result: QueryReply = { ok: true, result: { entries } };
    if (more && last) {
      result.result.nextCursor = cursorAfter(last);
    } else if (more && partial && msg.result.scannedTo) {
      // Nothing matched before the budget ran out: go on after the rows scanned, not from the same place again.
      result.result.nextCursor = encodeCursor(msg.result.scannedTo);
    } else if (more && partial && msg.query.cursor) {
      result.result.nextCursor = msg.query.cursor;
    }
    if (partial) result.result.partial = true;
    msg.replyTo.tell(result);
  }

  private refreshStats(): void {
    if (!this.client || !this.opened) return;
    const self = this.ctx.self;
    this.client.request<StoreStats>({ op: 'stats' }).then(
      (stats) => self.tell({ type: 'statsDone', stats }),
      () => self.tell({ type: 'statsDone' }),
    );
  }

  private retention(): void {
    this.ctx.startTimer('retention', { type: 'retentionDue' }, this.opts.retentionEveryMs ?? 30_000);
    if (!this.client || !this.opened || this.retentionRunning) return;
    this.retentionRunning = true;
    const self = this.ctx.self;
    this.client.request<RetentionResult>({ op: 'retention', cutoffMs: this.ctx.clock.now() - this.opts.retentionMs, maxBytes: this.opts.maxBytes, batch: RETENTION_BATCH }).then(
      (result) => self.tell({ type: 'retentionDone', result }),
      (error: StoreError) => self.tell({ type: 'retentionDone', error }),
    );
  }

  private retentionDone(result: RetentionResult | undefined, error: StoreError | undefined): void {
    this.retentionRunning = false;
    if (error) return serviceLog(4, `store: retention failed: ${error.message}`);
    if (!result) return;
    if (result.deletedBySize > 0) serviceLog(1, `store: ${result.deletedBySize} oldest entries deleted to stay within MAX_STORAGE_MB`);
    // More to delete: go on right after the writes queued meanwhile, in small steps.
    if (result.more) this.ctx.startTimer('retention', { type: 'retentionDue' }, 0);
    // A failing write may have been a full disk that retention just made room on.
    if (this.failure && result.deletedByAge + result.deletedBySize > 0) this.ctx.startTimer('retry', { type: 'writeDue' }, 0);
  }

  /** Feeds the lines stored by earlier runs to the error statistics, a chunk at a time. */
  private async rebuild(afterSeq: number, upToSeq: number): Promise<void> {
    const client = this.readClient;
    if (!client) return;
    let chunk: StoredEntry[];
    try {
      chunk = await client.request<StoredEntry[]>({ op: 'scan', afterSeq, sinceMs: this.ctx.clock.now() - this.opts.retentionMs, limit: REBUILD_CHUNK });
    } catch (error) {
      this.rebuilding = false;
      return serviceLog(4, `store: error statistics not rebuilt from disk: ${(error as Error).message}`);
    }
    const mine = chunk.filter((e) => e.seq <= upToSeq);
    const last = chunk[chunk.length - 1];
    const next = last && last.seq < upToSeq && chunk.length === REBUILD_CHUNK ? ({ type: 'rebuildDue', afterSeq: last.seq, upToSeq } as const) : undefined;
    const to = mine.length > 0 ? (this.opts.rebuildTo ?? []) : [];
    if (!next) this.rebuilding = false;
    if (to.length === 0) {
      if (next) this.ctx.self.tell(next);
      return;
    }
    this.rebuildNext = next;
    this.rebuildWaiting = to.length;
    for (const d of to) d.tell({ type: 'append', entries: mine, ack: this.ctx.self as ActorRef<AppendAck>, sink: 'rebuild' });
  }

  private notifyCommitted(seq: number): void {
    for (const w of this.watchers) w.tell({ type: 'committed', seq });
  }

  /** Forwarders' requests: answered from the worker on disk, from the ring and a map in memory. */
  private forwarding(msg: ForwardStoreMsg): void {
    const memory = !this.client;
    const committed = memory ? this.nextSeq - 1 : this.committedSeq;
    const failed = (error: unknown) => ({ ok: false as const, error: (error as Error)?.message ?? String(error) });
    switch (msg.type) {
      case 'watchCommitted':
        this.watchers.add(msg.watcher);
        if (memory && !this.ring) this.ring = new MemoryForwardRing();
        msg.watcher.tell({ type: 'committed', seq: committed });
        return;
      case 'forwardCursor':
        if (memory) return void msg.replyTo.tell({ ok: true, cursor: this.memoryCursors.get(msg.sink) ?? null, committedSeq: committed });
        if (!this.opened) return void msg.replyTo.tell(failed(this.failure ?? 'store not open'));
        this.client!.request<ForwardCursor | null>({ op: 'forwardCursor', sink: msg.sink }).then(
          (cursor) => msg.replyTo.tell({ ok: true, cursor, committedSeq: this.committedSeq }),
          (e: unknown) => msg.replyTo.tell(failed(e)),
        );
        return;
      case 'forwardCommit':
        if (memory) {
          this.memoryCursors.set(msg.sink, { seq: msg.seq, dropped: msg.dropped });
          return void msg.replyTo.tell({ ok: true });
        }
        if (!this.opened) return void msg.replyTo.tell(failed(this.failure ?? 'store not open'));
        this.client!.request({ op: 'commitForwardCursor', sink: msg.sink, seq: msg.seq, dropped: msg.dropped, nowMs: this.ctx.clock.now() }).then(
          () => msg.replyTo.tell({ ok: true }),
          (e: unknown) => msg.replyTo.tell(failed(e)),
        );
        return;
      case 'forwardRead':
        if (memory) {
          const ring = this.ring ?? (this.ring = new MemoryForwardRing());
          return void msg.replyTo.tell({ ok: true, entries: ring.readAfter(msg.afterSeq, msg.limit), oldestSeq: ring.oldestSeq, committedSeq: committed });
        }
        if (!this.opened) return void msg.replyTo.tell(failed(this.failure ?? 'store not open'));
        this.client!.request<ReadAfterResult>({ op: 'readAfter', afterSeq: msg.afterSeq, upToSeq: committed, limit: msg.limit }).then(
          (r) => msg.replyTo.tell({ ok: true, entries: r.entries, oldestSeq: r.oldestSeq, committedSeq: committed }),
          (e: unknown) => msg.replyTo.tell(failed(e)),
        );
        return;
      default:
        unhandled(msg);
    }
  }

  private health(): StoreHealth {
    const h: StoreHealth = {
      mode: this.opts.mode,
      state: this.failure ? 'failing' : 'ok',
      pending: this.pending.entries,
      pendingBytes: this.pending.bytes,
      lastSeq: this.nextSeq - 1,
      committedSeq: this.committedSeq,
      firstStartMs: this.firstStartMs,
      rebuilding: this.rebuilding,
    };
    if (this.failure) h.error = this.failure.message;
    if (this.stats) h.stats = this.stats;
    if (this.opts.mode === 'disk') h.path = this.opts.dataDir;
    return h;
  }
}
