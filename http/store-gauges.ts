/**
 * The durable store on /metrics: what is on disk (entries, bytes, the oldest entry's time), what
 * waits in memory for the disk, whether writes fail, and the last sequence numbers. Read from the
 * StoreActor's health at scrape time, like the other gauge providers.
 */
import { ask, type ActorRef } from '../runtime/index.js';
import type { StoreHealth, StoreMsg } from '../actors/store-actor.js';
import type { GaugeProvider } from './metrics.js';

export function storeGauges(store: ActorRef<StoreMsg>, timeoutMs = 5000): GaugeProvider[] {
  const read = async (pick: (h: StoreHealth) => number | undefined) => {
    try {
      const v = pick(await ask<StoreMsg, StoreHealth>(store, (replyTo) => ({ type: 'health', replyTo }), timeoutMs));
      return v === undefined ? [] : [{ value: v }];
    } catch {
      return []; // a store that does not answer is left out of this scrape
    }
  };
  const g = (name: string, help: string, pick: (h: StoreHealth) => number | undefined): GaugeProvider => ({ name, help, read: () => read(pick) });
  return [
    g('logagg_store_entries', 'Entries on disk (the whole retention window).', (h) => h.stats?.entries),
    g('logagg_store_bytes', 'Bytes of database pages in use.', (h) => h.stats?.bytes),
    g('logagg_store_file_bytes', 'Bytes of the database and its WAL file.', (h) => h.stats?.fileBytes),
    g('logagg_store_oldest_entry_timestamp_seconds', 'Docker time of the oldest entry on disk.', (h) => (h.stats?.oldestMs === undefined ? undefined : h.stats.oldestMs / 1000)),
    g('logagg_store_pending_entries', 'Entries accepted but not yet written to disk.', (h) => h.pending),
    g('logagg_store_pending_bytes', 'Bytes of entries accepted but not yet written to disk.', (h) => h.pendingBytes),
    g('logagg_store_failing', '1 while writes to disk fail and are retried (a full disk, a read-only file system).', (h) => (h.state === 'failing' ? 1 : 0)),
    g('logagg_store_last_seq', 'Highest sequence number given out.', (h) => h.lastSeq),
    g('logagg_store_committed_seq', 'Highest sequence number committed to disk.', (h) => h.committedSeq),
  ];
}
