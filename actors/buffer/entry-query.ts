import { F_STDERR, type EntryStore } from './entry-store.js';
import type { CompiledFilter } from './log-filter.js';
import type { EntryKey } from './query-cursor.js';
import type { SeqDeque } from './seq-deque.js';

/** A validated query, ready to run. Times are inclusive Docker epoch ms. */
export interface QueryPlan {
  filter: CompiledFilter;
  sinceMs: number;
  untilMs: number;
  order: 'asc' | 'desc';
  limit: number;
  /** Continue strictly beyond this entry (in `order`). */
  after?: EntryKey;
}

/** One source's deque and where the merge stands in it, with the current entry's key. */
interface Run {
  q: SeqDeque;
  pos: number;
  seq: number;
  ms: number;
  ns: number;
}

/**
 * Finds up to `limit` matching sequence numbers in query order, by a k-way merge over the matching
 * sources' time-ordered deques: binary search skips to the time range (and cursor) in each, cheap
 * column tests (level, stream) run before the message tests. `more` tells whether another match exists.
 */
export function findEntries(store: EntryStore, plan: QueryPlan): { seqs: number[]; more: boolean } {
  const { filter, sinceMs, untilMs, after, limit } = plan;
  const desc = plan.order === 'desc';
  const seqs: number[] = [];
  if (!(limit > 0) || sinceMs > untilMs) return { seqs, more: false };

  const { dockerMs, nanos, levels, flags, messages, capacity } = store;
  const keyCmp = (seq: number, k: EntryKey): number => {
    const s = seq % capacity;
    return dockerMs[s]! - k.ms || nanos[s]! - k.ns || seq - k.seq;
  };
  // Length of the prefix of q (ascending key order) for which `inPrefix` holds.
  const prefix = (q: SeqDeque, inPrefix: (seq: number) => boolean): number => {
    let lo = 0;
    let hi = q.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (inPrefix(q.at(mid))) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const heap: Run[] = [];
  for (const src of store.sources()) {
    if (!filter.matchesSource(src)) continue;
    const q = src.entries;
    let pos: number;
    if (desc) {
      pos = prefix(q, (seq) => dockerMs[seq % capacity]! <= untilMs && (!after || keyCmp(seq, after) < 0)) - 1;
      if (pos < 0 || dockerMs[q.at(pos) % capacity]! < sinceMs) continue;
    } else {
      pos = prefix(q, (seq) => dockerMs[seq % capacity]! < sinceMs || (after !== undefined && keyCmp(seq, after) <= 0));
      if (pos >= q.length || dockerMs[q.at(pos) % capacity]! > untilMs) continue;
    }
    const seq = q.at(pos);
    heap.push({ q, pos, seq, ms: dockerMs[seq % capacity]!, ns: nanos[seq % capacity]! });
  }

  // Heap order: the run whose current entry comes first in query order on top.
  const sign = desc ? -1 : 1;
  const before = (a: Run, b: Run): boolean => sign * (a.ms - b.ms || a.ns - b.ns || a.seq - b.seq) < 0;
  const siftDown = (i: number): void => {
    const n = heap.length;
    const item = heap[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(heap[r]!, heap[l]!) ? r : l;
      if (!before(heap[c]!, item)) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = item;
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);

  const minLevel = filter.minLevel;
  const wantStderr = filter.stream === undefined ? -1 : filter.stream === 'stderr' ? F_STDERR : 0;
  const testsMessage = filter.testsMessage;
  let more = false;
  while (heap.length > 0) {
    const run = heap[0]!;
    const seq = run.seq;
    const slot = seq % capacity;
    if (levels[slot]! >= minLevel && (wantStderr < 0 || (flags[slot]! & F_STDERR) === wantStderr) && (!testsMessage || filter.matchesMessage(messages[slot]!))) {
      if (seqs.length === limit) {
        more = true;
        break;
      }
      seqs.push(seq);
    }
    // Advance this run; drop it when it leaves the time range.
    const pos = (run.pos += sign);
    let done = pos < 0 || pos >= run.q.length;
    if (!done) {
      const next = run.q.at(pos);
      const s = next % capacity;
      const ms = dockerMs[s]!;
      done = desc ? ms < sinceMs : ms > untilMs;
      run.seq = next;
      run.ms = ms;
      run.ns = nanos[s]!;
    }
    if (done) {
      const last = heap.pop()!;
      if (heap.length === 0) break;
      heap[0] = last;
    }
    if (heap.length > 1) siftDown(0);
  }
  return { seqs, more };
}
