import { ask, unhandled, type ActorContext, type ActorFactory, type ActorRef } from '../runtime/index.js';
import { acknowledge, type BufferStats, type IngestMsg, type LogQuery, type QueryReply } from './buffer-protocol.js';
import type { LogEntry } from './parse/log-entry.js';
import type { ErrorSummary } from './error-summary.js';
import { ErrorStats } from './errors/error-stats.js';

/** The ErrorAlertActor's protocol: it sees every ingested entry and answers error summaries. */
export type ErrorAlertMsg =
  | IngestMsg
  | { type: 'summary'; sinceMs?: number; untilMs?: number; replyTo: ActorRef<ErrorSummary> };

type Prune = { type: 'prune' };

export interface ErrorAlertOptions {
  /** How long counts are kept (and the default summary window). */
  retentionMs: number;
  /** Most error groups kept; the least recently seen is dropped first. Default 500. */
  maxFingerprints?: number;
  /** Where the lines at a summary window's edges are read one by one (the buffer), for exact windows. */
  edges?: ActorRef<EdgeQuery>;
  /** How long a summary waits for the edges before it answers rounded to whole buckets (default 1 s). */
  edgeTimeoutMs?: number;
}

/** What the ErrorAlertActor asks of the store of entries (the BufferActor answers both). */
export type EdgeQuery = { type: 'query'; query: LogQuery; replyTo: ActorRef<QueryReply> } | { type: 'stats'; replyTo: ActorRef<BufferStats> };

/**
 * Every line whose Docker time lies in `ranges`, or why they cannot all be had: the store no longer
 * reaches back that far, a page is cut, or it does not answer in time.
 */
async function edgeEntries(ctx: ActorContext<unknown>, store: ActorRef<EdgeQuery>, ranges: { sinceMs: number; untilMs: number }[], timeoutMs: number): Promise<LogEntry[] | string> {
  if (ranges.length === 0) return [];
  try {
    const stats = await ask<EdgeQuery, BufferStats>(store, (replyTo) => ({ type: 'stats', replyTo }), timeoutMs, ctx.clock);
    const from = Math.min(...ranges.map((r) => r.sinceMs));
    if (stats.evicted > 0 && !(stats.oldestMs !== undefined && stats.oldestMs <= from)) return 'the lines at the window\'s edges have left the buffer';
    const out: LogEntry[] = [];
    for (const r of ranges) {
      const reply = await ask<EdgeQuery, QueryReply>(store, (replyTo) => ({ type: 'query', query: { ...r, limit: Math.max(1, stats.capacity), order: 'asc' }, replyTo }), timeoutMs, ctx.clock);
      if (!reply.ok || reply.result.nextCursor !== undefined) return 'the lines at the window\'s edges could not all be read';
      out.push(...reply.result.entries);
    }
    return out;
  } catch {
    return 'the buffer did not answer in time for the window\'s edges';
  }
}

const PRUNE: Prune = { type: 'prune' };
const PRUNE_MS = 60_000;

/**
 * Error statistics over every ingested entry (not only those still in the buffer): per-service line
 * and error counts, error rate, and the most frequent groups of like errors, for any window within
 * the retention. Alert delivery comes later. State is not kept across a restart.
 */
export function errorAlertActor(opts: ErrorAlertOptions): ActorFactory<ErrorAlertMsg> {
  return (context) => {
    // The prune timer carries an internal message, not part of the exported protocol.
    const ctx = context as ActorContext<ErrorAlertMsg | Prune>;
    const stats = new ErrorStats(opts);
    return {
      preStart() {
        ctx.startTimer('prune', PRUNE, PRUNE_MS);
      },
      receive(msg: ErrorAlertMsg | Prune) {
        switch (msg.type) {
          case 'append':
            stats.record(msg.entries, ctx.clock.now());
            acknowledge(msg);
            return;
          case 'summary': {
            const now = ctx.clock.now();
            if (!opts.edges) return void msg.replyTo.tell(stats.summary(now, msg.sinceMs, msg.untilMs));
            // The edges are read without holding the mailbox: appends go on meanwhile (the whole
            // buckets are then counted a moment later than the edges were read).
            const ranges = stats.edgeRanges(now, msg.sinceMs, msg.untilMs);
            void edgeEntries(ctx as ActorContext<unknown>, opts.edges, ranges, opts.edgeTimeoutMs ?? 1000)
              .then((edges) => msg.replyTo.tell(typeof edges === 'string' ? stats.summary(now, msg.sinceMs, msg.untilMs, undefined, edges) : stats.summary(now, msg.sinceMs, msg.untilMs, edges)))
              .catch(() => undefined);
            return;
          }
          case 'prune':
            stats.prune(ctx.clock.now());
            ctx.startTimer('prune', PRUNE, PRUNE_MS);
            return;
          default:
            unhandled(msg);
        }
      },
    };
  };
}
