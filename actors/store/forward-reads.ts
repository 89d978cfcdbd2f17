/**
 * What forwarders ask of the StoreActor (the only owner of the store's worker): their cursor, the
 * entries after it, a commit once their sink accepted a batch, and word of each new committed seq.
 * Forwarders read only committed entries, so a sink never receives a line a crash could take back.
 * With STORAGE=memory there is no disk to read: the StoreActor keeps the newest entries in a bounded
 * ring instead (`MemoryForwardRing`), and a forwarder further behind than the ring counts the rest dropped.
 */
import type { ActorRef } from '../../runtime/index.js';
import type { ForwardCursor, StoredEntry } from './store-protocol.js';

export type CommittedNotice = { type: 'committed'; seq: number };
export type ForwardReadReply = { ok: true; entries: StoredEntry[]; oldestSeq: number; committedSeq: number } | { ok: false; error: string };
export type ForwardCursorReply = { ok: true; cursor: ForwardCursor | null; committedSeq: number } | { ok: false; error: string };
export type ForwardCommitReply = { ok: true } | { ok: false; error: string };

/** The StoreActor's messages for forwarders. */
export type ForwardStoreMsg =
  | { type: 'forwardRead'; afterSeq: number; limit: number; replyTo: ActorRef<ForwardReadReply> }
  | { type: 'forwardCursor'; sink: string; replyTo: ActorRef<ForwardCursorReply> }
  | { type: 'forwardCommit'; sink: string; seq: number; dropped: number; replyTo: ActorRef<ForwardCommitReply> }
  | { type: 'watchCommitted'; watcher: ActorRef<CommittedNotice> };

/** Entries kept for forwarders with STORAGE=memory (about 10–20 MB at typical line sizes). */
export const MEMORY_FORWARD_RING = 20_000;

/** The newest entries in seq order, for forwarders when nothing is on disk. */
export class MemoryForwardRing {
  private entries: StoredEntry[] = [];
  private head = 0;

  constructor(private readonly capacity = MEMORY_FORWARD_RING) {}

  push(batch: StoredEntry[]): void {
    for (const e of batch) this.entries.push(e);
    const excess = this.entries.length - this.head - this.capacity;
    if (excess > 0) this.head += excess;
    // Compact now and then rather than shifting on every push.
    if (this.head > this.capacity) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  get oldestSeq(): number {
    return this.entries[this.head]?.seq ?? 0;
  }

  readAfter(afterSeq: number, limit: number): StoredEntry[] {
    let lo = this.head;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    return this.entries.slice(lo, lo + limit);
  }
}
