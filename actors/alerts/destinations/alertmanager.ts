/**
 * Prometheus Alertmanager, API v2: `POST <base>/api/v2/alerts` with an array of alerts. Labels
 * identify an alert (`alertname` = the rule, `service`, `severity`, `container`, and `group` so that
 * two different lines of one container stay two alerts); annotations carry the text. Events end at
 * startsAt + the cooldown; states have no `endsAt` while active (and are re-posted, see the delivery
 * actor) and get it when they resolve.
 */
import { isoOf, truncate, type AlertNotification } from '../alert-model.js';
import { viewLink, type WireContext, type WireRequest } from './wire-context.js';

export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL: string;
}

export function alertmanagerAlert(n: AlertNotification, ctx: WireContext): AmAlert {
  const labels: Record<string, string> = { alertname: n.rule, service: n.service, severity: n.severity, container: n.container?.name ?? '', group: truncate(n.group, 200), host: ctx.host };
  for (const k of Object.keys(labels)) if (labels[k] === '') delete labels[k];
  const a: AmAlert = {
    labels,
    annotations: { summary: truncate(n.title, 1000), description: truncate(n.message, 8000) + (n.suppressed > 0 ? `\n(${n.suppressed} more suppressed)` : '') },
    startsAt: isoOf(n.startsAtMs),
    generatorURL: viewLink(n, ctx),
  };
  if (n.endsAtMs !== undefined) a.endsAt = isoOf(n.endsAtMs);
  return a;
}

export const alertmanagerRequest = (n: AlertNotification, ctx: WireContext): WireRequest => ({ path: '/api/v2/alerts', body: JSON.stringify([alertmanagerAlert(n, ctx)]), contentType: 'application/json' });
