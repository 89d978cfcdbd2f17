import type { FilterError, LiveEvent } from '../actors/model/query-protocol.js';
import type { LogEntry } from '../actors/model/log-entry.js';
import type { ActorRef, Clock, TimerHandle } from '../runtime/index.js';
import { STALL_DROP_FACTOR } from './config.js';
import { encodeBatch, encodeEntry, frameJson, type LiveFormat } from './live-format.js';

/** Why a live connection is ended by the server. */
export type EndReason = 'too slow' | 'server shutting down' | 'subscription failed';

/** A live client's connection, as the client queue drives it (a WebSocket, an NDJSON or SSE response). */
export interface LiveTransport {
  /** Hands bytes (one or more framed messages) to the connection; `done` runs once they have left the process (or failed). */
  send(data: Buffer, done: () => void): void;
  /** Ends the connection from our side. */
  end(reason: EndReason): void;
  /** Bytes the connection itself holds (ws.bufferedAmount, res.writableLength); for inspection. */
  bufferedBytes(): number;
}

/** The memory all live clients share (MAX_LIVE_BYTES); see LiveRegistry. */
export interface LiveBudget {
  /** Takes `bytes` for `client`, shedding clients further behind if needed; false when there is no room. */
  reserve(client: LiveClient, bytes: number): boolean;
  release(bytes: number): void;
}

export interface LiveClientOptions {
  id: string;
  maxEntries: number;
  maxBytes: number;
  /** A client that keeps dropping this long is disconnected. */
  stallTimeoutMs: number;
  clock: Clock;
  /** How entries and notices are framed: WebSocket frames, NDJSON lines, SSE events. */
  format: LiveFormat;
  /** The budget shared with every other live client; none: only this client's own bounds. */
  budget?: LiveBudget;
  /** Runs the write of what this turn queued; default setImmediate (tests run it at once). */
  defer?: (fn: () => void) => void;
  /** Counts entries dropped for this client (the service-wide counter of /health). */
  onDropped(count: number): void;
  /** The client is gone (peer closed, kicked with `reason`, refused): unsubscribe. Called once. */
  onClosed(client: LiveClient, reason: EndReason | undefined): void;
}

/** What a live client has queued and lost; the bound holds when peak ≤ max (one oversized entry aside). */
export interface LiveClientStats {
  id: string;
  pendingEntries: number;
  pendingBytes: number;
  peakEntries: number;
  peakBytes: number;
  /** Entries dropped for this client in all. */
  dropped: number;
  /** Dropped notices sent. */
  notices: number;
  /** Bytes held by the connection itself right now. */
  transportBytes: number;
  endedBecause?: EndReason;
}

/**
 * The subscriber ref handed to the BufferActor for one live client, and that client's bounded queue.
 *
 * `tell` never blocks and never throws: entries are queued while what is pending (queued or handed
 * to the connection and not yet sent) stays within `maxEntries` and `maxBytes`, and within the
 * budget all live clients share (which sheds the clients furthest behind first); beyond that,
 * entries are dropped for this client only. Once it has caught up (pending down to half the bound)
 * it gets one `{"notice":"dropped","count":N}` message where the gap is. A client that keeps
 * dropping for `stallTimeoutMs`, or drops more than STALL_DROP_FACTOR × maxEntries in one stall, is
 * disconnected ('too slow').
 *
 * Cost per entry: what one event-loop turn queues for a client leaves in one write with one
 * completion callback, and a batch the buffer hands to a whole filter group is encoded once for all.
 */
export class LiveClient implements ActorRef<LiveEvent> {
  readonly path: string;
  /** Settles with the buffer's first answer: null once subscribed (or closed), else its FilterError. */
  readonly ready: Promise<FilterError | null>;
  private settle!: (r: FilterError | null) => void;
  private state: 'waiting' | 'open' | 'closed' = 'waiting';
  private transport: LiveTransport | undefined;
  /** Queued and not yet handed to the connection (the whole backlog before attach). */
  private out: Buffer[] = [];
  private outBytes = 0;
  private outEntries = 0;
  private flushScheduled = false;
  private pendingEntries = 0;
  private pendingBytes = 0;
  /** Entries dropped since the client fell behind; 0 while it keeps up. */
  private behind = 0;
  private stallTimer: TimerHandle | undefined;
  private readonly totals = { peakEntries: 0, peakBytes: 0, dropped: 0, notices: 0 };
  private endedBecause: EndReason | undefined;
  private readonly defer: (fn: () => void) => void;

  constructor(private readonly opts: LiveClientOptions) {
    if (!(opts.maxEntries >= 1) || !(opts.maxBytes >= 1)) throw new RangeError('a live client queue needs room for one entry');
    this.path = `/http/live/${opts.id}`;
    this.ready = new Promise((resolve) => (this.settle = resolve));
    this.defer = opts.defer ?? setImmediate;
  }

  get id(): string {
    return this.opts.id;
  }

  get alive(): boolean {
    return this.state !== 'closed';
  }

  /** Bytes pending for this client: how far behind it is. */
  get backlogBytes(): number {
    return this.pendingBytes;
  }

  tell(ev: LiveEvent): boolean {
    if (this.state === 'closed') return false;
    try {
      this.receive(ev);
    } catch {
      // A bug here must not crash the BufferActor that called us: this client alone goes.
      this.end('subscription failed');
    }
    return true;
  }

  /** Starts writing to the connection: the backlog first, then live entries. */
  attach(transport: LiveTransport): void {
    if (this.state !== 'waiting') {
      if (this.state === 'closed') transport.end(this.endedBecause ?? 'subscription failed');
      return;
    }
    this.state = 'open';
    this.transport = transport;
    this.scheduleFlush();
  }

  /** The peer went away (or the request failed): forget everything pending. */
  close(): void {
    this.finish();
  }

  /** Ends the connection from our side with a reason. */
  end(reason: EndReason): void {
    if (this.state === 'closed') return;
    this.endedBecause = reason;
    const t = this.transport;
    this.finish();
    t?.end(reason);
  }

  stats(): LiveClientStats {
    const s: LiveClientStats = {
      id: this.opts.id,
      pendingEntries: this.pendingEntries,
      pendingBytes: this.pendingBytes,
      ...this.totals,
      transportBytes: this.transport?.bufferedBytes() ?? 0,
    };
    if (this.endedBecause) s.endedBecause = this.endedBecause;
    return s;
  }

  private receive(ev: LiveEvent): void {
    if ('ok' in ev) {
      // A refusal after the start cannot be answered with a status any more: end the stream.
      if (this.state === 'waiting') this.settle(ev);
      else this.end('subscription failed');
      return;
    }
    this.settle(null);
    if (ev.type !== 'entries' || ev.entries.length === 0) return;
    if (!this.pushBatch(ev.entries)) {
      for (const e of ev.entries) {
        if (this.state === 'closed') return;
        this.push(e);
      }
    }
    this.scheduleFlush();
  }

  /** The whole batch in one piece, shared with the rest of its filter group, when it fits. */
  private pushBatch(entries: readonly LogEntry[]): boolean {
    const { maxEntries, maxBytes } = this.opts;
    if (this.behind !== 0 || entries.length === 1 || this.pendingEntries + entries.length > maxEntries) return false;
    const data = encodeBatch(this.opts.format, entries);
    if (this.pendingBytes + data.length > maxBytes || !this.reserve(data.length)) return false;
    this.enqueue(data, entries.length);
    return true;
  }

  private push(entry: LogEntry): void {
    const { maxEntries, maxBytes } = this.opts;
    if (this.behind === 0 && this.pendingEntries < maxEntries) {
      const data = encodeEntry(this.opts.format, entry);
      // One entry larger than the whole bound still goes out when nothing else is pending.
      if ((this.pendingEntries === 0 || this.pendingBytes + data.length <= maxBytes) && this.reserve(data.length)) {
        this.enqueue(data, 1);
        return;
      }
    }
    if (this.state !== 'closed') this.drop();
  }

  private reserve(bytes: number): boolean {
    return !this.opts.budget || this.opts.budget.reserve(this, bytes);
  }

  private drop(): void {
    this.behind++;
    this.totals.dropped++;
    this.opts.onDropped(1);
    if (this.behind === 1) this.stallTimer = this.opts.clock.setTimeout(() => this.end('too slow'), this.opts.stallTimeoutMs);
    else if (this.behind > STALL_DROP_FACTOR * this.opts.maxEntries) this.end('too slow');
  }

  private enqueue(data: Buffer, entries: number): void {
    this.pendingEntries += entries;
    this.pendingBytes += data.length;
    if (this.pendingEntries > this.totals.peakEntries) this.totals.peakEntries = this.pendingEntries;
    if (this.pendingBytes > this.totals.peakBytes) this.totals.peakBytes = this.pendingBytes;
    this.out.push(data);
    this.outBytes += data.length;
    this.outEntries += entries;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.state !== 'open' || this.out.length === 0) return;
    this.flushScheduled = true;
    this.defer(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Everything queued leaves in one write, with one completion callback. */
  private flush(): void {
    if (this.state !== 'open' || this.out.length === 0) return;
    const data = this.out.length === 1 ? this.out[0]! : Buffer.concat(this.out, this.outBytes);
    const bytes = this.outBytes;
    const entries = this.outEntries;
    this.out = [];
    this.outBytes = 0;
    this.outEntries = 0;
    let done = false;
    try {
      this.transport!.send(data, () => {
        if (done) return;
        done = true;
        this.sent(bytes, entries);
      });
    } catch {
      this.end('subscription failed');
    }
  }

  private sent(bytes: number, entries: number): void {
    // A closed client gave its bytes back to the budget when it closed.
    if (this.state !== 'open') return;
    this.pendingEntries -= entries;
    this.pendingBytes -= bytes;
    this.opts.budget?.release(bytes);
    if (this.behind === 0) return;
    if (this.pendingEntries * 2 <= this.opts.maxEntries && this.pendingBytes * 2 <= this.opts.maxBytes) {
      const count = this.behind;
      const notice = frameJson(this.opts.format, JSON.stringify({ notice: 'dropped', count }));
      // The notice needs room like an entry; without it the client stays behind and tries again on the next write.
      if (!this.reserve(notice.length)) return;
      this.behind = 0;
      this.clearStall();
      this.totals.notices++;
      this.enqueue(notice, 0);
      this.scheduleFlush();
    }
  }

  private clearStall(): void {
    if (this.stallTimer !== undefined) this.opts.clock.clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }

  private finish(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.clearStall();
    this.out = [];
    this.opts.budget?.release(this.pendingBytes);
    this.pendingBytes = 0;
    this.pendingEntries = 0;
    this.settle(null);
    this.opts.onClosed(this, this.endedBecause);
  }
}
