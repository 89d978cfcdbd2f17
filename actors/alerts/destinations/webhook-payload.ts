/**
 * The generic webhook's payload, version 1 (documented in the README): a stable JSON object with
 * snake_case fields and RFC 3339 times. New fields may be added within a version; a change to a
 * field's meaning or a removal makes version 2.
 */
import { isoOf, type AlertNotification } from '../alert-model.js';
import { viewLink, type WireContext, type WireRequest } from './wire-context.js';

export const WEBHOOK_PAYLOAD_VERSION = 1;

export interface WebhookPayload {
  version: 1;
  id: string;
  status: 'firing' | 'resolved';
  rule: string;
  kind: 'event' | 'state';
  severity: string;
  title: string;
  service: string;
  container: { id: string; name: string } | null;
  host: string;
  level: string | null;
  message: string;
  count: number;
  suppressed: number;
  suppressed_since: string | null;
  first_seen: string;
  last_seen: string;
  starts_at: string;
  ends_at: string | null;
  summary: 'cooldown' | 'storm' | null;
  link: string;
  test: boolean;
}

export function webhookPayload(n: AlertNotification, ctx: WireContext): WebhookPayload {
  return {
    version: WEBHOOK_PAYLOAD_VERSION,
    id: n.id,
    status: n.status,
    rule: n.rule,
    kind: n.kind,
    severity: n.severity,
    title: n.title,
    service: n.service,
    container: n.container ? { id: n.container.id.slice(0, 12), name: n.container.name } : null,
    host: ctx.host,
    level: n.level ?? null,
    message: n.message,
    count: n.count,
    suppressed: n.suppressed,
    suppressed_since: n.suppressedSinceMs !== undefined ? isoOf(n.suppressedSinceMs) : null,
    first_seen: isoOf(n.firstSeenMs),
    last_seen: isoOf(n.lastSeenMs),
    starts_at: isoOf(n.startsAtMs),
    ends_at: n.endsAtMs !== undefined ? isoOf(n.endsAtMs) : null,
    summary: n.summary ?? null,
    link: viewLink(n, ctx),
    test: n.test === true,
  };
}

export function webhookRequest(n: AlertNotification, ctx: WireContext): WireRequest {
  return { path: '', body: JSON.stringify(webhookPayload(n, ctx)), contentType: 'application/json' };
}
