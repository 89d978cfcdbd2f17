import type { FilterError, LiveEvent } from '../actors/buffer-protocol.js';
import type { LogEntry } from '../actors/parse/log-entry.js';
import type { ActorRef, Clock, TimerHandle } from '../runtime/index.js';
import { STALL_DROP_FACTOR } from './config.js';
import { entryText } from './entry-json.js';

/** Why a live connection is ended by the server. */
export type EndReason = 'too slow' | 'server shutting down' | 'subscription failed';

/** A live client's connection, as the client queue drives it (a WebSocket, an NDJSON or SSE response). */
export interface LiveTransport {
  /**
   * Hands one framed message to the connection; `done` runs once it has left the process (or failed).
   * `entry` is given when the message is that entry, so that a transport can reuse an encoding shared by all clients.
   */
  send(text: string, done: () => void, entry?: LogEntry): void;
  /** Ends the connection from our side. */
  end(reason: EndReason): void;
  /** Bytes the connection itself holds (ws.bufferedAmount, res.writableLength); for inspection. */
  bufferedBytes(): number;
  /** Holds writes back until `uncork`, so that a batch of entries leaves in one system call. */
  cork?(): void;
  uncork?(): void;
}

export interface LiveClientOptions {
  id: string;
  maxEntries: number;
  maxBytes: number;
  /** A client that keeps dropping this long is disconnected. */
  stallTimeoutMs: number;
  clock: Clock;
  /** Frames one JSON message for the wire: as is (WebSocket), `…\n` (NDJSON), `data: …\n\n` (SSE). */
  frame(json: string): string;
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
 * `tell` never blocks and never throws: an entry is serialised and handed to the connection while
 * what is pending (not yet flushed to the socket) stays within `maxEntries` and `maxBytes`; beyond
 * that, entries are dropped for this client only. Once it has caught up (pending down to half the
 * bound) it gets one `{"notice":"dropped","count":N}` message where the gap is. A client that
 * keeps dropping for `stallTimeoutMs`, or drops more than STALL_DROP_FACTOR × maxEntries in one
 * stall, is disconnected ('too slow'). Before `attach`, messages wait in a backlog under the same bound.
 */
export class LiveClient implements ActorRef<LiveEvent> {
  readonly path: string;
  /** Settles with the buffer's first answer: null once subscribed (or closed), else its FilterError. */
  readonly ready: Promise<FilterError | null>;
  private settle!: (r: FilterError | null) => void;
  private state: 'waiting' | 'open' | 'closed' = 'waiting';
  private transport: LiveTransport | undefined;
  private backlog: { text: string; bytes: number; entry?: LogEntry }[] = [];
  private pendingEntries = 0;
  private pendingBytes = 0;
  /** Entries dropped since the client fell behind; 0 while it keeps up. */
  private behind = 0;
  private stallTimer: TimerHandle | undefined;
  private readonly totals = { peakEntries: 0, peakBytes: 0, dropped: 0, notices: 0 };
  private endedBecause: EndReason | undefined;
  private corked = false;

  constructor(private readonly opts: LiveClientOptions) {
    if (!(opts.maxEntries >= 1) || !(opts.maxBytes >= 1)) throw new RangeError('a live client queue needs room for one entry');
    this.path = `/http/live/${opts.id}`;
    this.ready = new Promise((resolve) => (this.settle = resolve));
  }

  get id(): string {
    return this.opts.id;
  }

  get alive(): boolean {
    return this.state !== 'closed';
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
    const backlog = this.backlog;
    this.backlog = [];
    for (const m of backlog) this.write(m.text, m.bytes, m.entry);
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
    if (ev.type !== 'entries') return;
    this.corkUntilNextTurn();
    for (const e of ev.entries) {
      if (this.state === 'closed') break;
      this.push(e);
    }
  }

  private push(entry: LogEntry): void {
    const { maxEntries, maxBytes } = this.opts;
    if (this.behind === 0 && this.pendingEntries < maxEntries) {
      const text = this.opts.frame(entryText(entry));
      const bytes = Buffer.byteLength(text);
      // One entry larger than the whole bound still goes out when nothing else is pending.
      if (this.pendingEntries === 0 || this.pendingBytes + bytes <= maxBytes) {
        this.enqueue(text, bytes, entry);
        return;
      }
    }
    this.drop();
  }

  private drop(): void {
    this.behind++;
    this.totals.dropped++;
    this.opts.onDropped(1);
    if (this.behind === 1) this.stallTimer = this.opts.clock.setTimeout(() => this.end('too slow'), this.opts.stallTimeoutMs);
    else if (this.behind > STALL_DROP_FACTOR * this.opts.maxEntries) this.end('too slow');
  }

  private enqueue(text: string, bytes: number, entry?: LogEntry): void {
    this.pendingEntries++;
    this.pendingBytes += bytes;
    if (this.pendingEntries > this.totals.peakEntries) this.totals.peakEntries = this.pendingEntries;
    if (this.pendingBytes > this.totals.peakBytes) this.totals.peakBytes = this.pendingBytes;
    if (this.state === 'open') this.write(text, bytes, entry);
    else this.backlog.push({ text, bytes, entry });
  }

  private write(text: string, bytes: number, entry?: LogEntry): void {
    let done = false;
    try {
      this.transport!.send(text, () => {
        if (done) return;
        done = true;
        this.sent(bytes);
      }, entry);
    } catch {
      this.end('subscription failed');
    }
  }

  private sent(bytes: number): void {
    this.pendingEntries--;
    this.pendingBytes -= bytes;
    if (this.state !== 'open' || this.behind === 0) return;
    if (this.pendingEntries * 2 <= this.opts.maxEntries && this.pendingBytes * 2 <= this.opts.maxBytes) {
      const count = this.behind;
      this.behind = 0;
      this.clearStall();
      this.totals.notices++;
      const text = this.opts.frame(JSON.stringify({ notice: 'dropped', count }));
      this.enqueue(text, Buffer.byteLength(text));
    }
  }

  /**
   * Holds this client's writes until the event loop turns: everything the buffer forwards in one turn
   * leaves in one system call. Writes are what a fan-out to many clients spends its time on (measured:
   * ~70% of the CPU in writev when each small batch was written on its own).
   */
  private corkUntilNextTurn(): void {
    const t = this.transport;
    if (this.corked || this.state !== 'open' || !t?.cork || !t.uncork) return;
    this.corked = true;
    t.cork();
    setImmediate(() => {
      this.corked = false;
      t.uncork!();
    });
  }

  private clearStall(): void {
    if (this.stallTimer !== undefined) this.opts.clock.clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }

  private finish(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.clearStall();
    this.backlog = [];
    this.settle(null);
    this.opts.onClosed(this, this.endedBecause);
  }
}
