/**
 * What the store has accepted but not yet written: batches in arrival order, counted in entries and
 * bytes. A batch is acknowledged to its follower as it is accepted while the backlog fits its bound;
 * past it, the acknowledgement waits until writes bring the backlog under the bound again. So a disk
 * that fails or lags makes the followers wait (Docker keeps the lines) instead of the store growing
 * or dropping anything. Writes take batches from the front and, when they fail, put them back there.
 */
import { acknowledge, type CollectCursor, type IngestMsg } from '../model/ingest-protocol.js';
import type { StoredEntry } from './store-protocol.js';

export interface PendingBatch {
  entries: StoredEntry[];
  cursor?: CollectCursor;
  bytes: number;
  /** The append still to acknowledge (the backlog was over its bound when it came). */
  ack?: IngestMsg;
}

/** Rough bytes of an entry held in memory: strings at two bytes a character, plus the object. */
export const entryBytes = (e: StoredEntry): number => 200 + 2 * e.message.length;

export class PendingWrites {
  private batches: PendingBatch[] = [];
  /** Entries and bytes held. */
  entries = 0;
  bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get length(): number {
    return this.batches.length;
  }

  /** Takes a batch; acknowledges `msg` now when the backlog stays within its bound, later otherwise. */
  push(entries: StoredEntry[], msg: IngestMsg): void {
    let bytes = 0;
    for (const e of entries) bytes += entryBytes(e);
    const defer = this.bytes + bytes > this.maxBytes;
    this.batches.push({ entries, ...(msg.cursor ? { cursor: msg.cursor } : {}), bytes, ...(defer ? { ack: msg } : {}) });
    this.bytes += bytes;
    this.entries += entries.length;
    if (!defer) acknowledge(msg);
  }

  /** Batches from the front up to `maxEntries` and `maxBytes` (at least one): one write. */
  take(maxEntries: number, maxBytes = Infinity): PendingBatch[] {
    const out: PendingBatch[] = [];
    let n = 0;
    let bytes = 0;
    while (this.batches.length > 0 && (out.length === 0 || (n + this.batches[0]!.entries.length <= maxEntries && bytes + this.batches[0]!.bytes <= maxBytes))) {
      const b = this.batches.shift()!;
      n += b.entries.length;
      bytes += b.bytes;
      out.push(b);
    }
    return out;
  }

  /** A write failed: its batches go back to the front, in order, to be written once the store is back. */
  putBack(batches: PendingBatch[]): void {
    this.batches.unshift(...batches);
  }

  /**
   * A write succeeded: its batches leave the backlog, and the acknowledgements that waited go out as
   * far as the backlog now fits its bound. Returns the last seq written (0 when none).
   */
  written(batches: PendingBatch[]): number {
    let last = 0;
    for (const b of batches) {
      this.bytes -= b.bytes;
      this.entries -= b.entries.length;
      const e = b.entries[b.entries.length - 1];
      if (e) last = e.seq;
    }
    let bytes = 0;
    for (const b of this.batches) {
      bytes += b.bytes;
      if (b.ack && bytes <= this.maxBytes) {
        acknowledge(b.ack);
        delete b.ack;
      }
    }
    return last;
  }

  /** The cursor of each container's last batch: what those batches, once committed, cover. */
  static cursorsOf(batches: PendingBatch[]): CollectCursor[] {
    const last = new Map<string, CollectCursor>();
    for (const b of batches) if (b.cursor) last.set(b.cursor.containerId, b.cursor);
    return [...last.values()];
  }
}
