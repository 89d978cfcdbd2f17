/**
 * `GET /alerts`: recent notifications, newest first, with their delivery state per destination,
 * filterable by service, rule and state, plus each destination's figures. `POST /alerts/test`: one
 * test notification to every destination, answered with each one's result; one call per 10 s.
 */
import type { ServerResponse } from 'node:http';
import { testNotification } from '../actors/alerts/alert-engine.js';
import type { AlertNotification } from '../actors/alerts/alert-model.js';
import type { TestResult } from '../actors/alerts/delivery-actor.js';
import type { AlertListReply, AlertsStatus, NotifierMsg } from '../actors/alerts/notifier-actor.js';
import type { NotificationRow, NotificationState } from '../actors/store/alert-tables.js';
import type { HttpContext } from './context.js';
import { HttpError, ParamError } from './http-error.js';
import type { GaugeProvider } from './metrics.js';
import { ask, type ActorRef } from '../runtime/index.js';
import { sendJson } from './json-response.js';

const STATES = ['pending', 'retrying', 'sent', 'failed'];
export const TEST_INTERVAL_MS = 10_000;
const MAX_LIMIT = 1000;
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export interface NotificationJson {
  id: number;
  destination: string;
  state: NotificationState;
  attempts: number;
  created_at: string;
  sent_at: string | null;
  next_attempt_at: string | null;
  last_error: string | null;
  rule: string;
  service: string | null;
  status: 'firing' | 'resolved';
  severity: string;
  title: string;
  count: number;
  suppressed: number;
  container: string | null;
  summary: 'cooldown' | 'storm' | null;
}

function rowJson(r: NotificationRow): NotificationJson {
  let n: Partial<AlertNotification> = {};
  try {
    n = JSON.parse(r.payload) as AlertNotification;
  } catch {
    // an unreadable payload still shows its delivery state
  }
  return {
    id: r.id,
    destination: r.destination,
    state: r.state,
    attempts: r.attempts,
    created_at: iso(r.createdMs)!,
    sent_at: iso(r.sentMs),
    next_attempt_at: iso(r.nextAttemptMs),
    last_error: r.lastError,
    rule: r.rule,
    service: r.service,
    status: n.status ?? 'firing',
    severity: n.severity ?? 'info',
    title: n.title ?? '',
    count: n.count ?? 0,
    suppressed: n.suppressed ?? 0,
    container: n.container?.name ?? null,
    summary: n.summary ?? null,
  };
}

export async function getAlerts(ctx: HttpContext, search: string, res: ServerResponse): Promise<void> {
  const ref = ctx.deps.alerts;
  const p = new URLSearchParams(search);
  for (const k of ['service', 'rule', 'state', 'limit']) if (p.getAll(k).length > 1) throw new ParamError(k, `${k} may be given once`);
  const state = p.get('state') ?? undefined;
  if (state !== undefined && !STATES.includes(state)) throw new ParamError('state', `expected one of ${STATES.join(', ')}`);
  const rawLimit = p.get('limit');
  if (rawLimit !== null && !/^\d+$/.test(rawLimit)) throw new ParamError('limit', `expected a whole number from 1 to ${MAX_LIMIT}`);
  const limit = rawLimit === null ? 100 : Math.max(1, Math.min(MAX_LIMIT, Number(rawLimit)));
  // Alerting not wired (an embedding without it): nothing decided, no destinations.
  if (!ref) return sendJson(res, 200, { notifications: [], count: 0, destinations: [], persistent: false });
  const query = { limit, ...(p.get('service') ? { service: p.get('service')! } : {}), ...(p.get('rule') ? { rule: p.get('rule')! } : {}), ...(state ? { state: state as NotificationState } : {}) };
  const [list, status] = await Promise.all([
    ctx.ask<NotifierMsg, AlertListReply>(ref, (replyTo) => ({ type: 'list', query, replyTo })),
    ctx.ask<NotifierMsg, AlertsStatus>(ref, (replyTo) => ({ type: 'status', replyTo })),
  ]);
  if (!list.ok) throw new HttpError(503, `alert history unavailable: ${list.error}`);
  sendJson(res, 200, { notifications: list.rows.map(rowJson), count: list.rows.length, destinations: status.destinations, persistent: status.persistent });
}

/** The last POST /alerts/test per server (rate limit). */
const lastTest = new WeakMap<HttpContext, number>();

export async function postAlertTest(ctx: HttpContext, res: ServerResponse): Promise<void> {
  const ref = ctx.deps.alerts;
  const now = ctx.clock.now();
  const last = lastTest.get(ctx);
  if (last !== undefined && now - last < TEST_INTERVAL_MS) {
    const wait = Math.ceil((TEST_INTERVAL_MS - (now - last)) / 1000);
    throw new HttpError(429, `one test per ${TEST_INTERVAL_MS / 1000} s; try again in ${wait} s`, { 'Retry-After': String(wait) });
  }
  lastTest.set(ctx, now);
  if (!ref) return sendJson(res, 200, { results: [], ok: true });
  const results = await ctx.ask<NotifierMsg, TestResult[]>(ref, (replyTo) => ({ type: 'test', notification: testNotification(now), replyTo }));
  sendJson(res, 200, { results, ok: results.every((r) => r.ok) });
}

/** `logagg_alert_notifications{destination, state}` for GET /metrics: sent and failed since start, retrying and pending now. */
export function alertMetricsProvider(ref: ActorRef<NotifierMsg>): GaugeProvider {
  return {
    name: 'logagg_alert_notifications',
    help: 'Alert notifications per destination: sent and failed since the service started; retrying and pending now.',
    labelNames: ['destination', 'state'],
    async read() {
      const s = await ask<NotifierMsg, AlertsStatus>(ref, (replyTo) => ({ type: 'status', replyTo }), 2000);
      return s.destinations.flatMap((d) => (['sent', 'failed', 'retrying', 'pending'] as const).map((state) => ({ labels: { destination: d.name, state }, value: d[state] })));
    },
  };
}
