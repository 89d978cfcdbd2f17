import { unhandled, type ActorContext, type ActorFactory, type ActorRef } from '../runtime/index.js';
import { acknowledge, type IngestMsg } from './buffer-protocol.js';
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
          case 'summary':
            msg.replyTo.tell(stats.summary(ctx.clock.now(), msg.sinceMs, msg.untilMs));
            return;
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
