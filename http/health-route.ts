import type { ServerResponse } from 'node:http';
import type { BufferStats } from '../actors/model/query-protocol.js';
import type { HttpContext } from './context.js';
import type { BufferMsg, DiscoveryMsg, DiscoveryStatus, StoreHealth, StoreMsg } from './deps.js';
import { toHttpError } from './error-response.js';
import { forwardingStatus } from './forwarding-route.js';
import { healthReport } from './health-report.js';
import { sendJson } from './json-response.js';
import type { AlertsStatus, NotifierMsg } from '../actors/alerts/notifier-actor.js';

/**
 * `GET /health` (no token needed): asks the discovery and the buffer in parallel; one that fails
 * or is late degrades the report instead of failing it. 200 when healthy, else 503.
 */
export async function getHealth(ctx: HttpContext, res: ServerResponse): Promise<void> {
  const problems: string[] = [];
  const part = <T>(name: string, p: Promise<T>): Promise<T | undefined> =>
    p.catch((e: unknown) => {
      problems.push(`${name}: ${toHttpError(e).message}`);
      return undefined;
    });
  const store = ctx.deps.store;
  const alerts = ctx.deps.alerts;
  const [discovery, buffer, storeHealth, alertsStatus, forwarding] = await Promise.all([
    part('discovery', ctx.ask<DiscoveryMsg, DiscoveryStatus>(ctx.deps.discovery, (replyTo) => ({ type: 'status', replyTo }))),
    part('buffer', ctx.ask<BufferMsg, BufferStats>(ctx.deps.buffer, (replyTo) => ({ type: 'stats', replyTo }))),
    store ? part('store', ctx.ask<StoreMsg, StoreHealth>(store, (replyTo) => ({ type: 'health', replyTo }))) : undefined,
    alerts ? part('alerts', ctx.ask<NotifierMsg, AlertsStatus>(alerts, (replyTo) => ({ type: 'status', replyTo }))) : undefined,
    ctx.deps.forwarders?.length ? forwardingStatus(ctx) : undefined,
  ]);
  const report = healthReport({
    discovery,
    buffer,
    store: storeHealth,
    alerts: alertsStatus,
    runtime: ctx.deps.stats(),
    liveDropped: ctx.live.dropped,
    problems,
    now: ctx.clock.now(),
    startedAt: ctx.config.startedAt,
    version: ctx.config.version,
    retentionMs: ctx.config.retentionMs,
    ...(forwarding ? { forwarding } : {}),
  });
  sendJson(res, report.status === 'healthy' ? 200 : 503, report);
}
