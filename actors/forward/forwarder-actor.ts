/**
 * One ForwarderActor per sink: it reads the durable store by sequence number from its own committed
 * cursor, sends a batch (FORWARD_BATCH_SIZE entries, or what arrived within FORWARD_FLUSH_MS) with one
 * batch in flight, and commits its cursor in the store only once the sink accepted the batch. So a
 * crash resends at most the batch in flight (at least once), and a sink down for an hour holds one
 * batch in memory: the rest waits in the store.
 *
 * A failed batch is retried with exponential backoff and jitter, honouring Retry-After. A batch the
 * sink refuses for good (a 4xx) is bisected until the bad entry is found, which is dead-lettered
 * (counted, logged with its seq) so that it never blocks the sink. Entries retention evicted before
 * the sink got them are counted as dropped for that sink, kept with the cursor.
 */
import PQueue from 'p-queue';
import { ask, unhandled, type ActorContext, type ActorFactory, type ActorRef } from '../../runtime/index.js';
import { asDeliveryError, retryDelay, type DeliveryError } from '../delivery/delivery-error.js';
import { serviceLog } from '../service-log.js';
import type { CommittedNotice, ForwardCommitReply, ForwardCursorReply, ForwardReadReply, ForwardStoreMsg } from '../store/forward-reads.js';
import type { StoredEntry } from '../store/store-protocol.js';
import type { SinkConfig } from './sink-config.js';
import { matchesSink, type LabelsOf } from './sink-filter.js';
import type { SendResult, Sink } from './sink.js';

/** What GET /forwarding and /health show of one sink. */
export interface ForwardStatus {
  name: string;
  kind: string;
  /** The sink's URL without credentials. */
  url: string;
  state: 'starting' | 'idle' | 'sending' | 'retrying';
  /** The last seq the sink accepted (committed in the store). */
  cursor: number;
  /** Entries committed in the store and not yet behind the cursor. */
  lagEntries: number;
  /** How far behind the oldest undelivered entry is (s); 0 when caught up, null when not known yet. */
  lagSeconds: number | null;
  sent: number;
  retried: number;
  dropped: number;
  deadLettered: number;
  lastSuccessMs?: number;
  lastError?: string;
  lastErrorMs?: number;
}

export type ForwarderMsg = CommittedNotice | { type: 'status'; replyTo: ActorRef<ForwardStatus> };

type Internal =
  | { type: 'init' }
  | { type: 'cursorLoaded'; reply: ForwardCursorReply }
  | { type: 'flushDue' }
  | { type: 'read'; reply: ForwardReadReply }
  | { type: 'prefetched'; afterSeq: number; reply: ForwardReadReply }
  | { type: 'sent'; result: SendResult | void }
  | { type: 'sendFailed'; error: DeliveryError }
  | { type: 'retryDue' }
  | { type: 'committedCursor'; seq: number; reply: ForwardCommitReply };

export interface ForwarderOptions {
  config: SinkConfig;
  store: ActorRef<ForwardStoreMsg>;
  /** Makes the sink for one incarnation (closed when it ends). */
  makeSink: () => Sink;
  batchSize: number;
  flushMs: number;
  /** Container labels, for sinks that filter on them. */
  labelsOf?: LabelsOf;
  random?: () => number;
  askTimeoutMs?: number;
}

/** A gap in seqs this large is a renumbering (a store that could not open jumps ahead), not lost entries. */
const MAX_REAL_GAP = 1e9;

export function forwarderActor(opts: ForwarderOptions): ActorFactory<ForwarderMsg> {
  return (ctx) => new ForwarderActor(ctx as ActorContext<ForwarderMsg | Internal>, opts);
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '***';
      u.password = '';
    }
    return u.toString();
  } catch {
    return url;
  }
}

class ForwarderActor {
  private readonly name: string;
  private sink!: Sink;
  private readonly queue = new PQueue({ concurrency: 1 });
  private started = false;
  private cursor = 0;
  private committed = 0;
  private dropped = 0;
  private sent = 0;
  private retried = 0;
  private deadLettered = 0;
  private lastSuccessMs: number | undefined;
  private lastError: string | undefined;
  private lastErrorMs: number | undefined;
  private busy: 'idle' | 'reading' | 'sending' | 'waiting' | 'committing' = 'idle';
  private flushArmed = false;
  private flushDue = false;
  /** The batch in flight: what is left to send of it, and the seq its commit moves the cursor to. */
  private chunks: StoredEntry[][] = [];
  private batchEndSeq = 0;
  private pendingCommit: number | undefined;
  private oldestUndeliveredMs: number | undefined;
  private attempt = 0;
  private bisecting = false;
  /**
   * The next batch, read while the current one is being sent (never sent before the current one is
   * committed: still one batch in flight). Holds at most one more batch in memory.
   */
  private prefetch: { afterSeq: number; reply?: ForwardReadReply; awaited: boolean } | undefined;

  constructor(
    private readonly ctx: ActorContext<ForwarderMsg | Internal>,
    private readonly opts: ForwarderOptions,
  ) {
    this.name = opts.config.name;
  }

  preStart(): void {
    this.sink = this.opts.makeSink();
    this.opts.store.tell({ type: 'watchCommitted', watcher: this.ctx.self as ActorRef<CommittedNotice> });
    this.ctx.self.tell({ type: 'init' });
  }

  async postStop(): Promise<void> {
    this.queue.clear();
    await this.sink?.close().catch(() => undefined);
  }

  private ask<R>(make: (replyTo: ActorRef<R>) => ForwardStoreMsg): Promise<R> {
    return ask<ForwardStoreMsg, R>(this.opts.store, make, this.opts.askTimeoutMs ?? 30_000, this.ctx.clock);
  }

  async receive(msg: ForwarderMsg | Internal): Promise<void> {
    switch (msg.type) {
      case 'init': {
        const self = this.ctx.self;
        this.ask<ForwardCursorReply>((replyTo) => ({ type: 'forwardCursor', sink: this.name, replyTo })).then(
          (reply) => self.tell({ type: 'cursorLoaded', reply }),
          (e: unknown) => self.tell({ type: 'cursorLoaded', reply: { ok: false, error: String((e as Error)?.message ?? e) } }),
        );
        return;
      }
      case 'cursorLoaded':
        return this.cursorLoaded(msg.reply);
      case 'committed':
        this.committed = Math.max(this.committed, msg.seq);
        return this.schedule();
      case 'flushDue':
        this.flushArmed = false;
        this.flushDue = true;
        return this.schedule();
      case 'read':
        return this.onRead(msg.reply);
      case 'prefetched': {
        const p = this.prefetch;
        if (!p || p.afterSeq !== msg.afterSeq) return;
        p.reply = msg.reply;
        if (!p.awaited) return;
        this.prefetch = undefined;
        return this.onRead(msg.reply);
      }
      case 'sent':
        return this.onSent(msg.result);
      case 'sendFailed':
        return this.onSendFailed(msg.error);
      case 'retryDue':
        this.busy = 'idle';
        if (this.pendingCommit !== undefined) return this.commit(this.pendingCommit);
        if (this.chunks.length > 0) return this.sendNext();
        return this.schedule();
      case 'committedCursor':
        return this.onCommitted(msg.seq, msg.reply);
      case 'status':
        msg.replyTo.tell(this.status());
        return;
      default:
        unhandled(msg);
    }
  }

  private failed(error: string): void {
    if (this.lastError !== error) serviceLog(3, `forward ${this.name}: ${error}; retrying`);
    this.lastError = error;
    this.lastErrorMs = this.ctx.clock.now();
  }

  private retryLater(error?: unknown): void {
    this.busy = 'waiting';
    this.ctx.startTimer('retry', { type: 'retryDue' }, retryDelay(this.attempt++, error, (this.opts.random ?? Math.random)()));
  }

  private cursorLoaded(reply: ForwardCursorReply): void {
    if (!reply.ok) {
      this.failed(`cannot read the sink's cursor from the store: ${reply.error}`);
      this.ctx.startTimer('init', { type: 'init' }, retryDelay(this.attempt++, undefined, (this.opts.random ?? Math.random)()));
      return;
    }
    this.attempt = 0;
    this.started = true;
    this.committed = Math.max(this.committed, reply.committedSeq);
    if (reply.cursor) {
      this.cursor = reply.cursor.seq;
      this.dropped = reply.cursor.dropped;
      serviceLog(2, `forward ${this.name}: resuming after seq ${this.cursor} (${Math.max(0, this.committed - this.cursor)} entries behind)`);
      return this.schedule();
    }
    // Seen for the first time: from the newest entry (or the oldest with start: oldest), committed at once
    // so that a crash before the first delivery does not move it past lines never sent.
    const start = this.opts.config.start === 'oldest' ? 0 : reply.committedSeq;
    serviceLog(2, `forward ${this.name}: new sink, starting ${start === 0 ? 'from the oldest stored entry' : `after seq ${start}`}`);
    this.cursor = start;
    this.commit(start);
  }

  private schedule(): void {
    if (!this.started || this.busy !== 'idle') return;
    if (this.committed <= this.cursor) {
      this.ctx.cancelTimer('flush');
      this.flushArmed = false;
      this.flushDue = false;
      this.oldestUndeliveredMs = undefined;
      return;
    }
    if (this.flushDue || this.committed - this.cursor >= this.opts.batchSize || this.opts.flushMs === 0) return this.read();
    if (!this.flushArmed) {
      this.flushArmed = true;
      this.ctx.startTimer('flush', { type: 'flushDue' }, this.opts.flushMs);
    }
  }

  private read(): void {
    this.busy = 'reading';
    this.flushDue = false;
    const p = this.prefetch;
    if (p && p.afterSeq === this.cursor) {
      if (p.reply) {
        this.prefetch = undefined;
        void this.onRead(p.reply);
      } else {
        p.awaited = true;
      }
      return;
    }
    this.prefetch = undefined;
    this.readFrom(this.cursor, (reply) => ({ type: 'read', reply }));
  }

  private readFrom(afterSeq: number, wrap: (reply: ForwardReadReply) => Internal): void {
    const self = this.ctx.self;
    this.ask<ForwardReadReply>((replyTo) => ({ type: 'forwardRead', afterSeq, limit: this.opts.batchSize, replyTo })).then(
      (reply) => self.tell(wrap(reply)),
      (e: unknown) => self.tell(wrap({ ok: false, error: String((e as Error)?.message ?? e) })),
    );
  }

  /** While a full batch is sent, the next one is read if it is already committed. */
  private maybePrefetch(): void {
    if (this.prefetch || this.committed - this.batchEndSeq < this.opts.batchSize) return;
    const afterSeq = this.batchEndSeq;
    this.prefetch = { afterSeq, awaited: false };
    this.readFrom(afterSeq, (reply) => ({ type: 'prefetched', afterSeq, reply }));
  }

  private async onRead(reply: ForwardReadReply): Promise<void> {
    this.busy = 'idle';
    if (!reply.ok) {
      this.failed(`cannot read the store: ${reply.error}`);
      return this.retryLater();
    }
    this.committed = Math.max(this.committed, reply.committedSeq);
    const entries = reply.entries;
    // Retention evicted what lies between the cursor and the first entry still there (and any hole between entries).
    let lost = 0;
    let expected = this.cursor + 1;
    const end = entries.length > 0 ? entries[entries.length - 1]!.seq : reply.committedSeq;
    for (const e of entries) {
      const gap = e.seq - expected;
      if (gap > 0 && gap < MAX_REAL_GAP) lost += gap;
      expected = e.seq + 1;
    }
    if (entries.length === 0 && end - this.cursor > 0 && end - this.cursor < MAX_REAL_GAP) lost += end - this.cursor;
    if (lost > 0) {
      this.dropped += lost;
      serviceLog(3, `forward ${this.name}: ${lost} entries after seq ${this.cursor} were no longer stored (deleted by retention; with STORAGE=memory, past the in-memory ring) before this sink received them (${this.dropped} dropped in all)`);
    }
    this.batchEndSeq = Math.max(this.cursor, end);
    if (entries[0]) this.oldestUndeliveredMs = entries[0].dockerMs;
    const chosen = await this.choose(entries);
    if (chosen.length === 0) return this.commit(this.batchEndSeq);
    this.chunks = [chosen];
    this.attempt = 0;
    this.sendNext();
  }

  private async choose(entries: StoredEntry[]): Promise<StoredEntry[]> {
    const f = this.opts.config.filter;
    if (!f.services && !f.containers && f.minLevel === undefined && !f.labels) return entries;
    const labels = new Map<string, Record<string, string> | undefined>();
    if (f.labels && this.opts.labelsOf) {
      for (const id of new Set(entries.map((e) => e.containerId))) labels.set(id, await this.opts.labelsOf(id).catch(() => undefined));
    }
    return entries.filter((e) => matchesSink(f, e, labels.get(e.containerId)));
  }

  private sendNext(): void {
    const chunk = this.chunks[0];
    if (!chunk) return this.commit(this.batchEndSeq);
    this.busy = 'sending';
    this.maybePrefetch();
    const self = this.ctx.self;
    void this.queue
      .add(() => this.sink.send(chunk))
      .then(
        (result) => self.tell({ type: 'sent', result: result ?? undefined }),
        (e: unknown) => self.tell({ type: 'sendFailed', error: asDeliveryError(e) }),
      );
  }

  private onSent(result: SendResult | void): void {
    this.busy = 'idle';
    const chunk = this.chunks.shift() ?? [];
    const retry = result?.retry ?? [];
    const dead = result?.deadLetters ?? [];
    this.sent += chunk.length - retry.length - dead.length;
    this.lastSuccessMs = this.ctx.clock.now();
    for (const d of dead) this.deadLetter(d.entry, d.reason);
    if (retry.length > 0) {
      // Refused for now (429, 5xx items): retried alone, after a backoff.
      this.retried += retry.length;
      this.chunks.unshift(retry);
      this.failed(`${retry.length} of ${chunk.length} entries refused for now`);
      return this.retryLater();
    }
    this.attempt = 0;
    this.sendNext();
  }

  private onSendFailed(error: DeliveryError): void {
    this.busy = 'idle';
    const chunk = this.chunks[0]!;
    this.failed(error.message);
    if (error.retryable) {
      this.retried += chunk.length;
      return this.retryLater(error);
    }
    // Refused for good: bisect to find the entry at fault instead of blocking the sink.
    if (chunk.length === 1) {
      this.chunks.shift();
      this.deadLetter(chunk[0]!, error.message);
    } else {
      if (!this.bisecting) serviceLog(3, `forward ${this.name}: a batch of ${chunk.length} was refused (${error.message}); bisecting to find the entry at fault`);
      this.bisecting = true;
      const half = Math.ceil(chunk.length / 2);
      this.chunks.splice(0, 1, chunk.slice(0, half), chunk.slice(half));
    }
    this.sendNext();
  }

  private deadLetter(entry: StoredEntry, reason: string): void {
    this.deadLettered++;
    serviceLog(4, `forward ${this.name}: entry seq ${entry.seq} (${entry.service}, ${entry.containerName}) dead-lettered, never retried: ${reason.slice(0, 500)}`);
  }

  private commit(seq: number): void {
    this.busy = 'committing';
    this.pendingCommit = seq;
    const self = this.ctx.self;
    const dropped = this.dropped;
    this.ask<ForwardCommitReply>((replyTo) => ({ type: 'forwardCommit', sink: this.name, seq, dropped, replyTo })).then(
      (reply) => self.tell({ type: 'committedCursor', seq, reply }),
      (e: unknown) => self.tell({ type: 'committedCursor', seq, reply: { ok: false, error: String((e as Error)?.message ?? e) } }),
    );
  }

  private onCommitted(seq: number, reply: ForwardCommitReply): void {
    this.busy = 'idle';
    if (!reply.ok) {
      this.failed(`cannot commit the cursor: ${reply.error}`);
      return this.retryLater();
    }
    this.pendingCommit = undefined;
    this.cursor = Math.max(this.cursor, seq);
    this.chunks = [];
    this.bisecting = false;
    this.attempt = 0;
    if (this.committed <= this.cursor) this.oldestUndeliveredMs = undefined;
    this.schedule();
  }

  private status(): ForwardStatus {
    const now = this.ctx.clock.now();
    const lagEntries = Math.max(0, this.committed - this.cursor);
    const s: ForwardStatus = {
      name: this.name,
      kind: this.opts.config.kind,
      url: redactUrl(this.opts.config.url),
      state: !this.started ? 'starting' : this.busy === 'waiting' ? 'retrying' : this.busy === 'idle' ? 'idle' : 'sending',
      cursor: this.cursor,
      lagEntries: lagEntries < MAX_REAL_GAP ? lagEntries : 0,
      lagSeconds: lagEntries === 0 ? 0 : this.oldestUndeliveredMs === undefined ? null : Math.max(0, (now - this.oldestUndeliveredMs) / 1000),
      sent: this.sent,
      retried: this.retried,
      dropped: this.dropped,
      deadLettered: this.deadLettered,
    };
    if (this.lastSuccessMs !== undefined) s.lastSuccessMs = this.lastSuccessMs;
    if (this.lastError !== undefined) s.lastError = this.lastError;
    if (this.lastErrorMs !== undefined) s.lastErrorMs = this.lastErrorMs;
    return s;
  }
}
