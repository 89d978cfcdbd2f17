import { unhandled, type ActorContext, type ActorFactory, type ActorRef } from '../runtime/index.js';
import { acknowledge } from './buffer-protocol.js';
import type { BufferStats, FilterError, IngestMsg, LiveEvent, LogFilter, LogQuery, QueryReply } from './buffer-protocol.js';
import { findEntries } from './buffer/entry-query.js';
import { EntryStore } from './buffer/entry-store.js';
import { compileFilter, isFilterError, type CompiledFilter } from './buffer/log-filter.js';
import { decodeCursor, encodeCursor } from './buffer/query-cursor.js';
import type { LogEntry } from './parse/log-entry.js';

/** The BufferActor's protocol: ingest, queries, live subscriptions, stats. */
export type BufferMsg =
  | IngestMsg
  | { type: 'query'; query: LogQuery; replyTo: ActorRef<QueryReply> }
  | { type: 'subscribe'; id: string; filter: LogFilter; tail?: number; subscriber: ActorRef<LiveEvent> }
  | { type: 'unsubscribe'; id: string }
  | { type: 'stats'; replyTo: ActorRef<BufferStats> };

type Sweep = { type: 'sweep' };

export interface BufferOptions {
  /** Most entries held (MAX_LOG_BUFFER). */
  capacity: number;
  /** Entries older than this (by Docker time) are evicted and never returned. */
  retentionMs: number;
  /** How often the retention sweep runs; default 30 s (at most the retention). */
  sweepMs?: number;
}

interface Subscription {
  filter: CompiledFilter;
  subscriber: ActorRef<LiveEvent>;
}

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
    const store = new EntryStore(opts.capacity);
    const subs = new Map<string, Subscription>();
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
      if (q.cursor && !after) return fail('cursor', 'cursor must be a next_cursor from a previous page');
      const order = q.order ?? 'desc';
      const plan = { filter, sinceMs: Math.max(q.sinceMs ?? -Infinity, cutoff()), untilMs: q.untilMs ?? Infinity, order, limit: q.limit, ...(after ? { after } : {}) };
      const { seqs, more } = findEntries(store, plan);
      const entries = seqs.map((seq) => store.entry(seq));
      const last = seqs[seqs.length - 1];
      if (!more || last === undefined) return { ok: true, result: { entries } };
      const slot = store.slot(last);
      return { ok: true, result: { entries, nextCursor: encodeCursor({ ms: store.dockerMs[slot]!, ns: store.nanos[slot]!, seq: last }) } };
    };

    /** Tells a subscriber; one that refuses or is gone loses its subscription. */
    const deliver = (id: string, sub: Subscription, event: LiveEvent): boolean => {
      if (sub.subscriber.alive && sub.subscriber.tell(event)) return true;
      if (subs.get(id) === sub) subs.delete(id);
      return false;
    };

    const subscribe = (id: string, filterIn: LogFilter, tail: number | undefined, subscriber: ActorRef<LiveEvent>): void => {
      const filter = compileFilter(filterIn);
      if (isFilterError(filter)) {
        subscriber.tell(filter);
        return;
      }
      if (tail !== undefined && !(Number.isInteger(tail) && tail >= 0)) {
        subscriber.tell(fail('tail', 'tail must be a whole number of entries'));
        return;
      }
      const sub: Subscription = { filter, subscriber };
      subs.set(id, sub); // a repeated id replaces the earlier subscription
      if (!deliver(id, sub, { type: 'subscribed' })) return;
      if (tail) {
        const { seqs } = findEntries(store, { filter, sinceMs: cutoff(), untilMs: Infinity, order: 'desc', limit: tail });
        const entries: LogEntry[] = [];
        for (let i = seqs.length - 1; i >= 0; i--) entries.push(store.entry(seqs[i]!));
        if (entries.length > 0) deliver(id, sub, { type: 'entries', entries });
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
      for (const [id, sub] of subs) {
        const matching = kept.filter(sub.filter);
        if (matching.length > 0) deliver(id, sub, { type: 'entries', entries: matching });
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
          case 'subscribe':
            subscribe(msg.id, msg.filter, msg.tail, msg.subscriber);
            return;
          case 'unsubscribe':
            subs.delete(msg.id);
            return;
          case 'stats':
            msg.replyTo.tell(stats());
            return;
          case 'sweep':
            evicted += store.evictBefore(cutoff());
            for (const [id, sub] of subs) if (!sub.subscriber.alive) subs.delete(id);
            ctx.startTimer('sweep', SWEEP, sweepMs);
            return;
          default:
            unhandled(msg);
        }
      },
    };
  };
}
