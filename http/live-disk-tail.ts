/**
 * A live stream's `tail=N` from the whole retention window, not only the hot window (which starts
 * empty when the service starts, and holds MAX_LOG_BUFFER_MB at most). Stands between the buffer and
 * one live client: the buffer's tail (lines accepted, some perhaps not yet on disk) and the store's
 * newest N (everything committed, from before a restart too) are merged by (Docker time, seq), the
 * newest N that fit the client's queue kept, and sent as the tail; live entries that arrive while the
 * store answers are held, then passed on without those the tail already has. Without an answer from
 * the store (a failing disk, a time-out), the buffer's tail alone goes, as before.
 */
import type { LogEntry } from '../actors/model/log-entry.js';
import type { LiveEvent } from '../actors/model/query-protocol.js';
import { entryJsonBytes } from '../actors/buffer/entry-json.js';
import type { ActorRef } from '../runtime/index.js';

type Seqd = LogEntry & { seq?: number };

/** Order of a tail: Docker time (fixed-width RFC 3339 text, so it sorts as the time), then seq. */
function older(a: Seqd, b: Seqd): number {
  return a.dockerMs - b.dockerMs || (a.dockerTs < b.dockerTs ? -1 : a.dockerTs > b.dockerTs ? 1 : (a.seq ?? 0) - (b.seq ?? 0));
}

export class DiskTailGate implements ActorRef<LiveEvent> {
  readonly path: string;
  private subscribed = false;
  private bufferTail: Seqd[] = [];
  private disk: Seqd[] | undefined | null = null; // null: not answered yet
  private held: LiveEvent[] = [];
  private heldEntries = 0;
  private open = false;
  /** Seqs of the tail sent, while a live entry may still repeat one of them. */
  private sent: Set<number> | undefined;
  private maxSent = 0;

  constructor(
    private readonly client: ActorRef<LiveEvent>,
    private readonly tail: number,
    private readonly tailBytes: number,
    /** Live entries held at most while the store answers; beyond, the tail goes without the disk's part. */
    private readonly maxHeld: number,
  ) {
    this.path = `${client.path}/disk-tail`;
  }

  get alive(): boolean {
    return this.client.alive;
  }

  tell(ev: LiveEvent): boolean {
    if (this.open) return this.pass(ev);
    if ('ok' in ev) return this.client.tell(ev);
    if (ev.type === 'subscribed') {
      this.subscribed = true;
      const ok = this.client.tell(ev);
      this.release();
      return ok;
    }
    if (ev.tail) {
      this.bufferTail = ev.entries;
      return this.client.alive;
    }
    this.held.push(ev);
    this.heldEntries += ev.entries.length;
    if (this.heldEntries > this.maxHeld) this.answered(undefined);
    return this.client.alive;
  }

  /** The store's newest entries for the filter, newest first; undefined when it could not answer. */
  answered(entries: Seqd[] | undefined): void {
    if (this.disk !== null) return;
    this.disk = entries;
    this.release();
  }

  private release(): void {
    if (this.open || !this.subscribed || this.disk === null) return;
    this.open = true;
    const bySeq = new Map<number, Seqd>();
    const loose: Seqd[] = [];
    for (const e of [...(this.disk ?? []), ...this.bufferTail]) {
      if (e.seq === undefined) loose.push(e);
      else bySeq.set(e.seq, e);
    }
    const all = [...bySeq.values(), ...loose].sort(older);
    const tail: Seqd[] = [];
    let bytes = 0;
    for (let i = all.length - 1; i >= 0 && tail.length < this.tail; i--) {
      bytes += entryJsonBytes(all[i]!) + 16; // the frame around it
      if (bytes > this.tailBytes && tail.length > 0) break;
      tail.push(all[i]!);
    }
    tail.reverse();
    this.sent = new Set();
    for (const e of tail) {
      if (e.seq === undefined) continue;
      this.sent.add(e.seq);
      if (e.seq > this.maxSent) this.maxSent = e.seq;
    }
    if (tail.length > 0) this.client.tell({ type: 'entries', entries: tail });
    const held = this.held;
    this.held = [];
    this.bufferTail = [];
    for (const ev of held) this.pass(ev);
  }

  /** A live event, without the entries the tail already sent. */
  private pass(ev: LiveEvent): boolean {
    if (!this.sent || 'ok' in ev || ev.type !== 'entries') return this.client.tell(ev);
    const sent = this.sent;
    const fresh = ev.entries.filter((e) => e.seq === undefined || !sent.has(e.seq));
    const last = ev.entries[ev.entries.length - 1];
    // Live entries come in seq order: past the tail's highest, none can repeat it.
    if (last?.seq !== undefined && last.seq > this.maxSent) this.sent = undefined;
    if (fresh.length === 0) return this.client.alive;
    return this.client.tell(fresh.length === ev.entries.length ? ev : { type: 'entries', entries: fresh });
  }
}
