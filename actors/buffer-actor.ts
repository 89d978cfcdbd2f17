import { unhandled, type ActorContext, type ActorFactory, type ActorRef } from '../runtime/index.js';
import { acknowledge } from './model/ingest-protocol.js';
import type { AroundQuery, BufferStats, FilterError, LiveEvent, LogFilter, LogQuery, QueryReply } from './model/query-protocol.js';
import type { IngestMsg } from './model/ingest-protocol.js';
import { entriesAround } from './buffer/entry-around.js';
import { findEntries } from './buffer/entry-query.js';
import { EntryStore } from './buffer/entry-store.js';
import { compileFilter, isFilterError, type CompiledFilter } from './buffer/log-filter.js';
import { decodeCursor, encodeCursor } from './buffer/query-cursor.js';
import type { LogEntry } from './model/log-entry.js';
import { entryJsonBytes, PAGE_ENVELOPE_BYTES } from './buffer/entry-json.js';

/** The BufferActor's protocol: ingest, queries, live subscriptions, stats. */
export type BufferMsg =
  | IngestMsg
  | { type: 'query'; query: LogQuery; replyTo: ActorRef<QueryReply> }
  | AroundQuery
  | { type: 'subscribe'; id: string; filter: LogFilter; tail?: number; tailBytes?: number; subscriber: ActorRef<LiveEvent> }
  | { type: 'unsubscribe'; id: string }
  | { type: 'stats'; replyTo: ActorRef<BufferStats> };

type Sweep = { type: 'sweep' };

export interface BufferOptions {
  /** Most entries held (MAX_LOG_BUFFER). */
  capacity: number;
  /** Most bytes held (MAX_LOG_BUFFER_MB), as EntryStore.approxBytes counts them; default unbounded. */
  maxBytes?: number;
  /** Entries older than this (by Docker time) are evicted and never returned. */
  retentionMs: number;
  /** How often the retention sweep runs; default 30 s (at most the retention). */
  sweepMs?: number;
}

interface Subscription {
  filter: CompiledFilter;
  subscriber: ActorRef<LiveEvent>;
  group: Group;
}

/**
 * Subscribers with identical filters: a batch is matched once per group, and every member is handed
 * the same array, so that the live clients encode it once for all of them.
 */
interface Group {
  key: string;
  filter: CompiledFilter;
  /** An empty filter: every entry matches, nothing is tested. */
  all: boolean;
  members: Map<string, Subscription>;
}

/** The same key for the same filter however it was written (order of services, absent vs undefined). */
function filterKey(f: LogFilter): string {
  return JSON.stringify([f.services ? [...new Set(f.services)].sort() : null, f.minLevel ?? null, f.search ?? null, f.regex ?? null, f.container ?? null, f.stream ?? null]);
}
const MATCH_ALL = filterKey({});

const SWEEP: Sweep = { type: 'sweep' };

const fail = (parameter: string, error: string): FilterError => ({ ok: false, parameter, error });

/**
 * The in-memory log buffer: holds the newest `capacity` entries of the last `retentionMs`, answers
 * paged queries, and forwards new entries to live subscribers whose filter they match.
 * State is not kept across a restart.
 */
export function bufferActor(opts: BufferOptions): ActorFactory<BufferMsg> {
  return (context) => {
    // Timers carry the internal sweep message, which is not part of the exported protocol.
    const ctx = context as ActorContext<BufferMsg | Sweep>;
    const store = new EntryStore(opts.capacity, opts.maxBytes);
    const subs = new Map<string, Subscription>();
    const groups = new Map<string, Group>();
    const sweepMs = Math.max(1, Math.min(opts.sweepMs ?? 30_000, opts.retentionMs));
    let evicted = 0;
    let appended = 0;

    const cutoff = (): number => ctx.clock.now() - opts.retentionMs;

    /** Runs a query; the time window never reaches before the retention cutoff. */
    const query = (q: LogQuery): QueryReply => {
      const filter = compileFilter(q);
      if (isFilterError(filter)) return filter;
      if (!(Number.isInteger(q.limit) && q.limit >= 1)) return fail('limit', 'limit must be a whole number of at least 1');
      if (q.sinceMs !== undefined && !Number.isFinite(q.sinceMs)) return fail('since', 'since must be a time');
      if (q.untilMs !== undefined && !Number.isFinite(q.untilMs)) return fail('until', 'until must be a time');
      if (q.order !== undefined && q.order !== 'asc' && q.order !== 'desc') return fail('order', 'order must be asc or desc');
      const after = q.cursor ? decodeCursor(q.cursor) : undefined;
      if (q.cursor && !after) return fail('cursor', 'cursor: expected a next_cursor from a previous page');
      const order = q.order ?? 'desc';
      const plan = { filter, sinceMs: Math.max(q.sinceMs ?? -Infinity, cutoff()), untilMs: q.untilMs ?? Infinity, order, limit: q.limit, ...(after ? { after } : {}) };
      const found = findEntries(store, plan);
      let { seqs, more } = found;
      const entries: LogEntry[] = [];
      // The byte cap: the page stops before it would pass maxBytes (one entry alone may) and continues by cursor.
      let bytes = 0;
      for (let i = 0; i < seqs.length; i++) {
        const e = store.entry(seqs[i]!);
        bytes += entryJsonBytes(e);
        if (q.maxBytes !== undefined && bytes > q.maxBytes - PAGE_ENVELOPE_BYTES && i > 0) {
          seqs = seqs.slice(0, i);
          more = true;
          break;
        }
        entries.push(e);
      }
      const last = seqs[seqs.length - 1];
      if (!more || last === undefined) return { ok: true, result: { entries } };
      const slot = store.slot(last);
      return { ok: true, result: { entries, nextCursor: encodeCursor({ ms: store.dockerMs[slot]!, ns: store.nanos[slot]!, seq: last }) } };
    };

    const unsubscribe = (id: string, sub?: Subscription): void => {
      const current = subs.get(id);
      if (!current || (sub && current !== sub)) return;
      subs.delete(id);
      current.group.members.delete(id);
      if (current.group.members.size === 0) groups.delete(current.group.key);
    };

    /** Tells a subscriber; one that refuses or is gone loses its subscription. */
    const deliver = (id: string, sub: Subscription, event: LiveEvent): boolean => {
      if (sub.subscriber.alive && sub.subscriber.tell(event)) return true;
      unsubscribe(id, sub);
      return false;
    };

    const subscribe = (id: string, filterIn: LogFilter, tail: number | undefined, tailBytes: number | undefined, subscriber: ActorRef<LiveEvent>): void => {
      const key = filterKey(filterIn);
      const existing = groups.get(key);
      const filter = existing ? existing.filter : compileFilter(filterIn);
      if (isFilterError(filter)) {
        subscriber.tell(filter);
        return;
      }
      if (tail !== undefined && !(Number.isInteger(tail) && tail >= 0)) {
        subscriber.tell(fail('tail', 'tail must be a whole number of entries'));
        return;
      }
      unsubscribe(id); // a repeated id replaces the earlier subscription
      let group = existing;
      if (!group) {
        group = { key, filter, all: key === MATCH_ALL, members: new Map() };
        groups.set(key, group);
      }
      const sub: Subscription = { filter, subscriber, group };
      subs.set(id, sub);
      group.members.set(id, sub);
      if (!deliver(id, sub, { type: 'subscribed' })) return;
      if (tail) {
        // The newest `tail` entries that fit `tailBytes` (the client's queue): never more than it can take.
        const { seqs } = findEntries(store, { filter, sinceMs: cutoff(), untilMs: Infinity, order: 'desc', limit: tail });
        const newestFirst: LogEntry[] = [];
        let bytes = 0;
        for (const seq of seqs) {
          const e = store.entry(seq);
          bytes += entryJsonBytes(e) + 16; // the frame around it
          if (tailBytes !== undefined && bytes > tailBytes && newestFirst.length > 0) break;
          newestFirst.push(e);
        }
        if (newestFirst.length > 0) deliver(id, sub, { type: 'entries', entries: newestFirst.reverse(), tail: true });
      }
    };

    const append = (entries: LogEntry[]): void => {
      const min = cutoff();
      // Entries already past retention would be invisible and only take room: they count as evicted.
      const kept = entries.filter((e) => e.dockerMs >= min);
      evicted += entries.length - kept.length;
      appended += kept.length;
      for (const e of kept) evicted += store.append(e);
      if (kept.length === 0) return;
      for (const group of groups.values()) {
        const matching = group.all ? kept : kept.filter(group.filter);
        if (matching.length === 0) continue;
        const event: LiveEvent = { type: 'entries', entries: matching };
        for (const [id, sub] of group.members) deliver(id, sub, event);
      }
    };

    const stats = (): BufferStats => {
      const range = store.timeRange();
      return {
        size: store.size,
        capacity: store.capacity,
        retentionMs: opts.retentionMs,
        evicted,
        appended,
        subscribers: subs.size,
        ...(range ? { oldestMs: range.oldestMs, newestMs: range.newestMs } : {}),
        approxBytes: store.approxBytes,
        maxBytes: store.maxBytes,
      };
    };

    return {
      preStart() {
        ctx.startTimer('sweep', SWEEP, sweepMs);
      },
      receive(msg: BufferMsg | Sweep) {
        switch (msg.type) {
          case 'append':
            append(msg.entries);
            acknowledge(msg);
            return;
          case 'query':
            msg.replyTo.tell(query(msg.query));
            return;
          case 'around':
            msg.replyTo.tell({ ok: true, result: entriesAround(store, msg.seq, Math.max(0, msg.before), Math.max(0, msg.after), cutoff()) });
            return;
          case 'subscribe':
            subscribe(msg.id, msg.filter, msg.tail, msg.tailBytes, msg.subscriber);
            return;
          case 'unsubscribe':
            unsubscribe(msg.id);
            return;
          case 'stats':
            msg.replyTo.tell(stats());
            return;
          case 'sweep':
            evicted += store.evictBefore(cutoff());
            for (const [id, sub] of subs) if (!sub.subscriber.alive) unsubscribe(id, sub);
            ctx.startTimer('sweep', SWEEP, sweepMs);
            return;
          default:
            unhandled(msg);
        }
      },
    };
  };
}
