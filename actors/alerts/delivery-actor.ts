/**
 * One DeliveryActor per destination: it sends what the notifier hands it, through a p-queue (one
 * request at a time; Slack's at most one a second), with a timeout, retries with exponential
 * backoff and jitter, and 429/`Retry-After` honoured for the whole destination. It never blocks
 * ingestion: the rules only tell the notifier, which only tells this actor. Every state change is
 * reported to the notifier, which persists it, so that a restart resends what was not delivered.
 * Alertmanager's active states are re-posted every minute, as Alertmanager expects.
 */
import PQueue from 'p-queue';
import { backoffDelay, unhandled, type ActorContext, type ActorFactory, type ActorRef } from '../../runtime/index.js';
import { serviceLog } from '../service-log.js';
import type { NotificationUpdate } from '../store/alert-tables.js';
import type { AlertNotification } from './alert-model.js';
import type { DestinationSettings } from './alert-settings.js';
import { groupKeyOf } from './cooldown-grouper.js';
import { alertmanagerAlert } from './destinations/alertmanager.js';
import { wireRequest, type WireContext } from './destinations/index.js';
import { postJson, type PostOutcome } from './http-post.js';

export interface DeliveryItem {
  rowId: number;
  notification: AlertNotification;
  attempts: number;
  /** Not before (epoch ms): a retry's time, kept across a restart. */
  nextAttemptMs?: number;
}

export type DeliveryReport = { type: 'delivery'; destination: string; update: NotificationUpdate };

/** A destination's figures for /health and GET /alerts. */
export interface DestinationStatus {
  name: string;
  type: DestinationSettings['type'];
  /** Delivered since the service started. */
  sent: number;
  /** Given up on since the service started (a permanent error, or every retry failed). */
  failed: number;
  /** Waiting for a retry now. */
  retrying: number;
  /** Waiting for a first attempt, or being sent, now. */
  pending: number;
  last_error?: string;
  last_error_at?: string;
  last_sent_at?: string;
}

export type TestResult = { destination: string; type: DestinationSettings['type']; ok: boolean; status?: number; error?: string; ms: number };

export type DeliveryMsg =
  | { type: 'send'; item: DeliveryItem; replyTo: ActorRef<DeliveryReport> }
  | { type: 'status'; replyTo: ActorRef<DestinationStatus> }
  | { type: 'test'; notification: AlertNotification; replyTo: ActorRef<TestResult> };

type Internal = { type: 'attempt'; rowId: number } | { type: 'attempted'; rowId: number; outcome: PostOutcome } | { type: 'repost' } | { type: 'reposted'; outcome: PostOutcome };

export interface DeliveryOptions {
  destination: DestinationSettings;
  wire: WireContext;
  /** Attempts before a notification is marked failed (default 20: about 1.5 h with the 5-minute cap). */
  maxAttempts?: number;
  backoff?: { baseMs: number; maxMs: number; jitter: number };
  /** Alertmanager: how often active states are re-posted (default 60 s). */
  repostMs?: number;
  random?: () => number;
}

const DEFAULT_RETRY = { baseMs: 1000, maxMs: 300_000, jitter: 0.2, resetAfterMs: 0 };
const MAX_RETRY_AFTER_MS = 3_600_000;

export function deliveryActor(opts: DeliveryOptions): ActorFactory<DeliveryMsg> {
  return (ctx) => new DeliveryActor(ctx as ActorContext<DeliveryMsg | Internal>, opts);
}

interface Waiting extends DeliveryItem {
  replyTo: ActorRef<DeliveryReport>;
  inFlight: boolean;
}

class DeliveryActor {
  private readonly d: DestinationSettings;
  private readonly queue: PQueue;
  private readonly items = new Map<number, Waiting>();
  private readonly active = new Map<string, AlertNotification>();
  /** Rows finished lately: a sweep that read them before their state was saved does not send them twice. */
  private readonly done = new Set<number>();
  private pausedUntil = 0;
  private sent = 0;
  private failed = 0;
  private lastError: string | undefined;
  private lastErrorAt: number | undefined;
  private lastSentAt: number | undefined;

  constructor(
    private readonly ctx: ActorContext<DeliveryMsg | Internal>,
    private readonly opts: DeliveryOptions,
  ) {
    this.d = opts.destination;
    // Slack takes about one message a second per webhook.
    this.queue = new PQueue(this.d.type === 'slack' ? { concurrency: 1, intervalCap: 1, interval: 1000 } : { concurrency: 1 });
  }

  preStart(): void {
    if (this.d.type === 'alertmanager') this.ctx.startTimer('repost', { type: 'repost' }, this.opts.repostMs ?? 60_000);
  }

  postStop(): void {
    this.queue.clear();
  }

  receive(msg: DeliveryMsg | Internal): void {
    switch (msg.type) {
      case 'send': {
        if (this.items.has(msg.item.rowId) || this.done.has(msg.item.rowId)) return;
        this.items.set(msg.item.rowId, { ...msg.item, replyTo: msg.replyTo, inFlight: false });
        this.schedule(msg.item.rowId, msg.item.nextAttemptMs ?? 0);
        return;
      }
      case 'attempt':
        return this.attempt(msg.rowId);
      case 'attempted':
        return this.attempted(msg.rowId, msg.outcome);
      case 'status':
        msg.replyTo.tell(this.status());
        return;
      case 'test': {
        const started = this.ctx.clock.now();
        void this.post(msg.notification).then((o) =>
          msg.replyTo.tell({ destination: this.d.name, type: this.d.type, ok: o.ok, ...(o.status !== undefined ? { status: o.status } : {}), ...(o.ok ? {} : { error: o.error }), ms: Date.now() - started }),
        );
        return;
      }
      case 'repost':
        this.ctx.startTimer('repost', { type: 'repost' }, this.opts.repostMs ?? 60_000);
        return this.repost();
      case 'reposted':
        if (!msg.outcome.ok) this.noteError(msg.outcome.error);
        return;
      default:
        unhandled(msg);
    }
  }

  private schedule(rowId: number, notBeforeMs: number): void {
    const delay = Math.max(0, notBeforeMs - this.ctx.clock.now(), this.pausedUntil - this.ctx.clock.now());
    if (delay === 0) this.attempt(rowId);
    else this.ctx.startTimer(`retry:${rowId}`, { type: 'attempt', rowId }, delay);
  }

  private post(n: AlertNotification): Promise<PostOutcome> {
    const req = wireRequest(this.d, n, this.opts.wire);
    const url = req.url ?? (req.path ? this.d.url.replace(/\/+$/, '') + req.path : this.d.url);
    return this.queue.add(() => postJson(url, req.body, req.contentType, { headers: { ...this.d.headers, ...req.headers }, ...(this.d.ca ? { ca: this.d.ca } : {}), timeoutMs: this.d.timeoutMs })) as Promise<PostOutcome>;
  }

  private attempt(rowId: number): void {
    const it = this.items.get(rowId);
    if (!it || it.inFlight) return;
    const wait = this.pausedUntil - this.ctx.clock.now();
    if (wait > 0) return void this.ctx.startTimer(`retry:${rowId}`, { type: 'attempt', rowId }, wait);
    it.inFlight = true;
    const self = this.ctx.self;
    void this.post(it.notification).then((outcome) => self.tell({ type: 'attempted', rowId, outcome }));
  }

  private attempted(rowId: number, outcome: PostOutcome): void {
    const it = this.items.get(rowId);
    if (!it) return;
    it.inFlight = false;
    it.attempts++;
    const now = this.ctx.clock.now();
    const report = (u: Omit<NotificationUpdate, 'id' | 'attempts'>): void => {
      if (u.state === 'sent' || u.state === 'failed') {
        this.done.add(rowId);
        if (this.done.size > 1000) this.done.delete(this.done.values().next().value!);
      }
      it.replyTo.tell({ type: 'delivery', destination: this.d.name, update: { id: rowId, attempts: it.attempts, ...u } });
    };
    if (outcome.ok) {
      this.items.delete(rowId);
      this.sent++;
      this.lastSentAt = now;
      this.trackActive(it.notification);
      return report({ state: 'sent', nextAttemptMs: null, sentMs: now, lastError: null });
    }
    this.noteError(outcome.error);
    const max = this.opts.maxAttempts ?? 20;
    if (!outcome.retry || it.attempts >= max) {
      this.items.delete(rowId);
      this.failed++;
      serviceLog(4, `alerts: ${this.d.name} (${this.d.type}) gave up on notification ${rowId} after ${it.attempts} attempt(s): ${outcome.error}`);
      return report({ state: 'failed', nextAttemptMs: null, sentMs: null, lastError: outcome.error });
    }
    let delay = backoffDelay(it.attempts - 1, { ...DEFAULT_RETRY, ...this.opts.backoff }, (this.opts.random ?? Math.random)());
    if (outcome.retryAfterMs !== undefined) {
      // 429/503 with Retry-After: the whole destination waits that long.
      delay = Math.min(MAX_RETRY_AFTER_MS, Math.max(outcome.retryAfterMs, 0));
      this.pausedUntil = now + delay;
    }
    it.nextAttemptMs = now + delay;
    if (it.attempts === 1) serviceLog(3, `alerts: ${this.d.name} (${this.d.type}) failed, retrying in ${delay} ms: ${outcome.error}`);
    report({ state: 'retrying', nextAttemptMs: it.nextAttemptMs, sentMs: null, lastError: outcome.error });
    this.ctx.startTimer(`retry:${rowId}`, { type: 'attempt', rowId }, delay);
  }

  private noteError(error: string): void {
    this.lastError = error;
    this.lastErrorAt = this.ctx.clock.now();
  }

  /** Alertmanager: a firing state is re-posted until its resolution is delivered. */
  private trackActive(n: AlertNotification): void {
    if (this.d.type !== 'alertmanager' || n.kind !== 'state') return;
    const key = groupKeyOf(n) + '\u0000' + (n.container?.id ?? '');
    if (n.status === 'firing') this.active.set(key, n);
    else this.active.delete(key);
  }

  private repost(): void {
    if (this.active.size === 0) return;
    const body = JSON.stringify([...this.active.values()].map((n) => alertmanagerAlert(n, this.opts.wire)));
    const self = this.ctx.self;
    void (this.queue.add(() => postJson(this.d.url.replace(/\/+$/, '') + '/api/v2/alerts', body, 'application/json', { headers: this.d.headers, ...(this.d.ca ? { ca: this.d.ca } : {}), timeoutMs: this.d.timeoutMs })) as Promise<PostOutcome>).then((outcome) =>
      self.tell({ type: 'reposted', outcome }),
    );
  }

  private status(): DestinationStatus {
    let retrying = 0;
    for (const it of this.items.values()) if (it.attempts > 0 && !it.inFlight) retrying++;
    const s: DestinationStatus = { name: this.d.name, type: this.d.type, sent: this.sent, failed: this.failed, retrying, pending: this.items.size - retrying };
    if (this.lastError !== undefined) s.last_error = this.lastError;
    if (this.lastErrorAt !== undefined) s.last_error_at = new Date(this.lastErrorAt).toISOString();
    if (this.lastSentAt !== undefined) s.last_sent_at = new Date(this.lastSentAt).toISOString();
    return s;
  }
}
