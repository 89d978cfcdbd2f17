import { ask, unhandled, type ActorContext, type ActorFactory, type ActorRef } from '../runtime/index.js';
import { type BufferStats, type LogQuery, type QueryReply } from './model/query-protocol.js';
import { acknowledge, type IngestMsg } from './model/ingest-protocol.js';
import type { LogEntry } from './model/log-entry.js';
import type { ErrorSummary } from './error-summary.js';
import { ErrorStats, type BucketsQuery, type BucketsReply } from './errors/error-stats.js';
import { AlertEngine, type AlertEngineState } from './alerts/alert-engine.js';
import type { LifecycleEvent } from './alerts/alert-model.js';
import type { AlertSettings } from './alerts/alert-settings.js';
import type { AlertStateMsg, NotifierMsg } from './alerts/notifier-actor.js';
import { serviceLog } from './service-log.js';

/** The ErrorAlertActor's protocol: it sees every ingested entry and answers error summaries and bucketed counts. */
export type ErrorAlertMsg =
  | IngestMsg
  | { type: 'summary'; sinceMs?: number; untilMs?: number; replyTo: ActorRef<ErrorSummary> }
  /** Lines and errors per service in contiguous time buckets (GET /errors/buckets). */
  | { type: 'buckets'; query: BucketsQuery; replyTo: ActorRef<BucketsReply> }
  | LifecycleEvent
  | AlertStateMsg;

type Prune = { type: 'prune' } | { type: 'alertTick' };

export interface ErrorAlertOptions {
  /** How long counts are kept (and the default summary window). */
  retentionMs: number;
  /** Most error groups kept; the least recently seen is dropped first. Default 500. */
  maxFingerprints?: number;
  /** Where the lines at a summary window's edges are read one by one (the buffer), for exact windows. */
  edges?: ActorRef<EdgeQuery>;
  /** How long a summary waits for the edges before it answers rounded to whole buckets (default 1 s). */
  edgeTimeoutMs?: number;
  /** Alerting: the rules run here, on every entry and Docker event; their notifications go to the notifier. */
  alerts?: {
    settings: AlertSettings;
    notifier: ActorRef<NotifierMsg>;
    /** This process's start: history read at first contact is older. */
    processStartMs: number;
  };
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
const ALERT_TICK: Prune = { type: 'alertTick' };
const ALERT_TICK_MS = 1000;
/** Rule state is saved at most this often. */
const SAVE_EVERY_TICKS = 2;
/** Entries held while the rule state is being loaded (after a restart of this actor), beyond which they only feed statistics. */
const MAX_HELD = 20_000;

/**
 * The alert rules inside the ErrorAlertActor: the engine, its persisted state (loaded from the
 * notifier before anything is judged), and a tick that ends spikes and sends summaries.
 */
class AlertRules {
  readonly engine: AlertEngine;
  private ready = false;
  private held: { entries: LogEntry[]; live: boolean }[] = [];
  private heldCount = 0;
  private ticks = 0;

  constructor(
    private readonly ctx: ActorContext<ErrorAlertMsg | Prune>,
    private readonly a: NonNullable<ErrorAlertOptions['alerts']>,
    retentionMs: number,
  ) {
    this.engine = new AlertEngine({ settings: a.settings, retentionMs, processStartMs: a.processStartMs });
  }

  start(): void {
    // On a restart of this actor the notifier is bound: it answers with the state; on the first start it pushes it.
    this.a.notifier.tell({ type: 'stateWanted', replyTo: this.ctx.self as ActorRef<AlertStateMsg> });
    this.ctx.startTimer('alertTick', ALERT_TICK, ALERT_TICK_MS);
  }

  loaded(msg: AlertStateMsg): void {
    if (this.ready) return;
    const state: AlertEngineState = {};
    for (const key of ['groups', 'known', 'watermarks', 'states'] as const) {
      const raw = msg.values[key];
      if (raw === undefined) continue;
      try {
        (state as Record<string, unknown>)[key] = JSON.parse(raw);
      } catch {
        serviceLog(3, `alerts: saved rule state "${key}" unreadable; starting it empty`);
      }
    }
    this.engine.restore(state);
    this.engine.setFirstStart(msg.firstStartMs);
    this.ready = true;
    for (const h of this.held) this.entries(h.entries, h.live);
    this.held = [];
  }

  entries(entries: LogEntry[], live: boolean): void {
    if (!this.ready) {
      this.heldCount += entries.length;
      this.held.push({ entries, live: live && this.heldCount <= MAX_HELD });
      return;
    }
    this.send(this.engine.onEntries(entries, live, this.ctx.clock.now()));
  }

  lifecycle(ev: LifecycleEvent): void {
    this.send(this.engine.onLifecycle(ev, this.ctx.clock.now()));
    if (this.engine.statesChanged) this.save();
  }

  tick(): void {
    this.ctx.startTimer('alertTick', ALERT_TICK, ALERT_TICK_MS);
    if (!this.ready) return;
    this.send(this.engine.tick(this.ctx.clock.now()));
    if (++this.ticks % SAVE_EVERY_TICKS === 0 || this.engine.statesChanged) this.save();
  }

  save(): void {
    const dirty = this.engine.dirtyState();
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(dirty)) values[k] = JSON.stringify(v);
    if (Object.keys(values).length > 0) this.a.notifier.tell({ type: 'saveState', values });
  }

  prune(): void {
    this.engine.prune(this.ctx.clock.now());
  }

  private send(notifications: ReturnType<AlertEngine['tick']>): void {
    if (notifications.length > 0) this.a.notifier.tell({ type: 'notify', notifications });
  }
}

/**
 * Error statistics over every ingested entry (not only those still in the buffer): per-service line
 * and error counts, error rate, and the most frequent groups of like errors, for any window within
 * the retention. With `alerts`, it also decides the alerts (alerts/alert-engine.ts) and hands them to
 * the notifier; the rules' state is persisted through it. The statistics are rebuilt from the store.
 */
export function errorAlertActor(opts: ErrorAlertOptions): ActorFactory<ErrorAlertMsg> {
  return (context) => {
    // The prune timer carries an internal message, not part of the exported protocol.
    const ctx = context as ActorContext<ErrorAlertMsg | Prune>;
    const stats = new ErrorStats(opts);
    const rules = opts.alerts ? new AlertRules(ctx, opts.alerts, opts.retentionMs) : undefined;
    return {
      preStart() {
        ctx.startTimer('prune', PRUNE, PRUNE_MS);
        rules?.start();
      },
      postStop() {
        rules?.save();
      },
      receive(msg: ErrorAlertMsg | Prune) {
        switch (msg.type) {
          case 'append':
            stats.record(msg.entries, ctx.clock.now());
            // The store's rebuild (sink 'rebuild') is history: it feeds the statistics, never an alert.
            rules?.entries(msg.entries, msg.sink !== 'rebuild');
            acknowledge(msg);
            return;
          case 'lifecycle':
            rules?.lifecycle(msg);
            return;
          case 'alertState':
            rules?.loaded(msg);
            return;
          case 'alertTick':
            rules?.tick();
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
          case 'buckets':
            msg.replyTo.tell(stats.buckets(ctx.clock.now(), msg.query));
            return;
          case 'prune':
            stats.prune(ctx.clock.now());
            rules?.prune();
            ctx.startTimer('prune', PRUNE, PRUNE_MS);
            return;
          default:
            unhandled(msg);
        }
      },
    };
  };
}
