/**
 * The lines around one entry in the hot window (STORAGE=memory answers `/logs/around` here): the
 * entry found by its store sequence number, then its container's lines just before and after it,
 * by the same k-way merge as pages, so that the order is exactly that of `/logs`.
 */
import type { AroundResult } from '../model/query-protocol.js';
import { findEntries } from './entry-query.js';
import type { EntryStore } from './entry-store.js';
import { compileFilter, isFilterError } from './log-filter.js';

/** null when no live entry has store sequence number `storeSeq` (or it is older than `sinceMs`). */
export function entriesAround(store: EntryStore, storeSeq: number, before: number, after: number, sinceMs: number): AroundResult | null {
  const seq = store.findStoreSeq(storeSeq);
  if (seq < 0) return null;
  const slot = store.slot(seq);
  if (store.dockerMs[slot]! < sinceMs) return null;
  const entry = store.entry(seq);
  // The full id: every source of this container (a rename keeps its lines), no other container.
  const filter = compileFilter({ container: entry.containerId });
  if (isFilterError(filter)) return null;
  const key = { ms: store.dockerMs[slot]!, ns: store.nanos[slot]!, seq };
  const side = (limit: number, order: 'asc' | 'desc') => findEntries(store, { filter, sinceMs, untilMs: Infinity, order, limit, after: key }).seqs.map((s) => store.entry(s));
  return { entry, before: side(before, 'desc').reverse(), after: side(after, 'asc') };
}
