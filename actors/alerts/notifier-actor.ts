/**
 * The NotifierActor: the outbox between the rules and the destinations. Each decided notification
 * becomes one row per destination in the store (pending), then goes to that destination's
 * DeliveryActor; delivery reports update the row (retrying, sent, failed). At start it loads the
 * rules' persisted state for the ErrorAlertActor and resends every row still pending, so a restart
 * loses nothing that was decided. It also answers GET /alerts, the destinations' figures and
 * POST /alerts/test.
 */
import { ask, unhandled, type ActorContext, type ActorFactory, type ActorRef } from '../../runtime/index.js';
import { serviceLog } from '../service-log.js';
import type { AlertStoreReply, StoreHealth } from '../store-actor.js';
import type { AlertStoreRequest, NotificationRow, NotificationState } from '../store/alert-tables.js';
import type { AlertNotification } from './alert-model.js';
import type { DestinationSettings } from './alert-settings.js';
import type { DeliveryMsg, DeliveryReport, DestinationStatus, TestResult } from './delivery-actor.js';

/** The persisted rule state handed to the ErrorAlertActor at its (re)start. */
export type AlertStateMsg = { type: 'alertState'; values: Record<string, string>; firstStartMs: number };

export interface AlertsStatus {
  destinations: DestinationStatus[];
  /** STORAGE=memory: notifications and cooldowns do not survive a restart. */
  persistent: boolean;
  /** Notifications decided since start (before fan-out to destinations). */
  decided: number;
}

export interface AlertListQuery {
  service?: string;
  rule?: string;
  state?: NotificationState;
  limit: number;
}

export type AlertListReply = { ok: true; rows: NotificationRow[] } | { ok: false; error: string };

export type NotifierMsg =
  | { type: 'notify'; notifications: AlertNotification[] }
  | { type: 'saveState'; values: Record<string, string> }
  | { type: 'stateWanted'; replyTo: ActorRef<AlertStateMsg> }
  | { type: 'list'; query: AlertListQuery; replyTo: ActorRef<AlertListReply> }
  | { type: 'status'; replyTo: ActorRef<AlertsStatus> }
  | { type: 'test'; notification: AlertNotification; replyTo: ActorRef<TestResult[]> };

type Internal = DeliveryReport | { type: 'sweep' };

/** How often rows still pending are handed to their destination again (a restarted DeliveryActor forgot them; the others ignore repeats). */
const SWEEP_MS = 60_000;

/** What the notifier asks of the store (the StoreActor answers both). */
export type NotifierStoreMsg = { type: 'alerts'; req: AlertStoreRequest; replyTo: ActorRef<AlertStoreReply> } | { type: 'health'; replyTo: ActorRef<StoreHealth> };

export interface NotifierOptions {
  store: ActorRef<NotifierStoreMsg>;
  destinations: { settings: DestinationSettings; ref: ActorRef<DeliveryMsg> }[];
  /** Where the persisted rule state goes at start. */
  rules: ActorRef<AlertStateMsg>;
  /** Sent and failed notifications older than this are pruned (the retention window). */
  retentionMs: number;
  persistent: boolean;
  askTimeoutMs?: number;
  sweepMs?: number;
}

export function notifierActor(opts: NotifierOptions): ActorFactory<NotifierMsg> {
  return (ctx) => new NotifierActor(ctx as ActorContext<NotifierMsg | Internal>, opts);
}

class NotifierActor {
  private decided = 0;
  private firstStartMs = 0;
  /** Ids handed out when the store cannot record a row: delivered all the same, from memory. */
  private volatileId = -1;

  constructor(
    private readonly ctx: ActorContext<NotifierMsg | Internal>,
    private readonly opts: NotifierOptions,
  ) {}

  private async store<T>(req: AlertStoreRequest): Promise<T> {
    const reply = await ask<NotifierStoreMsg, AlertStoreReply>(this.opts.store, (replyTo) => ({ type: 'alerts', req, replyTo }), this.opts.askTimeoutMs ?? 10_000, this.ctx.clock);
    if (!reply.ok) throw new Error(reply.error);
    return reply.result as T;
  }

  async preStart(): Promise<void> {
    await this.sendState(this.opts.rules);
    let pending: NotificationRow[] = [];
    try {
      pending = await this.store<NotificationRow[]>({ op: 'notificationPending' });
    } catch (error) {
      serviceLog(4, `alerts: pending notifications not read from the store: ${(error as Error).message}`);
    }
    for (const row of pending) this.dispatch(row);
    if (pending.length > 0) serviceLog(2, `alerts: resending ${pending.length} notification(s) not delivered before the restart`);
    this.ctx.startTimer('sweep', { type: 'sweep' }, this.opts.sweepMs ?? SWEEP_MS);
  }

  private async sweep(): Promise<void> {
    this.ctx.startTimer('sweep', { type: 'sweep' }, this.opts.sweepMs ?? SWEEP_MS);
    try {
      for (const row of await this.store<NotificationRow[]>({ op: 'notificationPending' })) this.dispatch(row);
    } catch {
      // the store is failing: the next sweep tries again
    }
  }

  private async sendState(to: ActorRef<AlertStateMsg>): Promise<void> {
    let values: Record<string, string> = {};
    try {
      const health = await ask<NotifierStoreMsg, StoreHealth>(this.opts.store, (replyTo) => ({ type: 'health', replyTo }), this.opts.askTimeoutMs ?? 10_000, this.ctx.clock);
      this.firstStartMs = health.firstStartMs;
      values = await this.store<Record<string, string>>({ op: 'alertStateGet' });
    } catch (error) {
      serviceLog(4, `alerts: rule state not read from the store (cooldowns and known exception groups start empty): ${(error as Error).message}`);
    }
    to.tell({ type: 'alertState', values, firstStartMs: this.firstStartMs });
  }

  private dispatch(row: NotificationRow): void {
    const d = this.opts.destinations.find((x) => x.settings.name === row.destination);
    if (!d) return;
    let n: AlertNotification;
    try {
      n = JSON.parse(row.payload) as AlertNotification;
    } catch {
      return;
    }
    d.ref.tell({ type: 'send', item: { rowId: row.id, notification: n, attempts: row.attempts, ...(row.nextAttemptMs !== null ? { nextAttemptMs: row.nextAttemptMs } : {}) }, replyTo: this.ctx.self as ActorRef<DeliveryReport> });
  }

  private targets(n: AlertNotification): DestinationSettings[] {
    const all = this.opts.destinations.map((d) => d.settings);
    if (n.destinations) return all.filter((d) => n.destinations!.includes(d.name));
    return all.filter((d) => !d.rules || d.rules.includes(n.rule));
  }

  async receive(msg: NotifierMsg | Internal): Promise<void> {
    switch (msg.type) {
      case 'notify':
        return this.notify(msg.notifications);
      case 'saveState':
        try {
          await this.store({ op: 'alertStatePut', values: msg.values, nowMs: this.ctx.clock.now() });
        } catch (error) {
          serviceLog(3, `alerts: rule state not saved: ${(error as Error).message}`);
        }
        return;
      case 'stateWanted':
        return this.sendState(msg.replyTo);
      case 'sweep':
        return this.sweep();
      case 'delivery':
        try {
          await this.store({ op: 'notificationUpdate', update: msg.update });
        } catch (error) {
          serviceLog(3, `alerts: delivery state of notification ${msg.update.id} not saved: ${(error as Error).message}`);
        }
        return;
      case 'list': {
        try {
          const rows = await this.store<NotificationRow[]>({ op: 'notificationList', ...msg.query });
          msg.replyTo.tell({ ok: true, rows });
        } catch (error) {
          msg.replyTo.tell({ ok: false, error: (error as Error).message });
        }
        return;
      }
      case 'status': {
        const destinations = await Promise.all(
          this.opts.destinations.map((d) =>
            ask<DeliveryMsg, DestinationStatus>(d.ref, (replyTo) => ({ type: 'status', replyTo }), 2000, this.ctx.clock).catch(
              (): DestinationStatus => ({ name: d.settings.name, type: d.settings.type, sent: 0, failed: 0, retrying: 0, pending: 0, last_error: 'the delivery actor did not answer' }),
            ),
          ),
        );
        msg.replyTo.tell({ destinations, persistent: this.opts.persistent, decided: this.decided });
        return;
      }
      case 'test': {
        const n = msg.notification;
        const replyTo = msg.replyTo;
        const timeout = Math.max(...this.opts.destinations.map((d) => d.settings.timeoutMs), 1000) + 2000;
        void Promise.all(
          this.opts.destinations.map((d) =>
            ask<DeliveryMsg, TestResult>(d.ref, (r) => ({ type: 'test', notification: n, replyTo: r }), timeout, this.ctx.clock).catch(
              (e: unknown): TestResult => ({ destination: d.settings.name, type: d.settings.type, ok: false, error: String((e as Error)?.message ?? e), ms: timeout }),
            ),
          ),
        ).then((results) => replyTo.tell(results));
        return;
      }
      default:
        unhandled(msg);
    }
  }

  private async notify(notifications: AlertNotification[]): Promise<void> {
    const now = this.ctx.clock.now();
    for (const n of notifications) {
      this.decided++;
      const targets = this.targets(n);
      if (targets.length === 0) continue;
      const payload = JSON.stringify(n);
      const rows: Omit<NotificationRow, 'id'>[] = targets.map((d) => ({ destination: d.name, rule: n.rule, service: n.service, payload, state: 'pending', attempts: 0, nextAttemptMs: null, createdMs: now, sentMs: null, lastError: null }));
      let ids: number[];
      try {
        ids = await this.store<number[]>({ op: 'notificationInsert', rows, keepAfterMs: now - this.opts.retentionMs });
      } catch (error) {
        serviceLog(4, `alerts: notification not recorded in the store (delivered from memory, not resent after a restart): ${(error as Error).message}`);
        ids = rows.map(() => this.volatileId--);
      }
      rows.forEach((r, i) => this.dispatch({ ...r, id: ids[i]! }));
    }
  }
}
