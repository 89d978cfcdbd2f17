/** A valid AlertNotification for tests: a critical line of service `api`, overridden by `over`. */
import type { AlertNotification } from '../../actors/alerts/alert-model.js';

export function makeNotification(over: Partial<AlertNotification> = {}): AlertNotification {
  const now = Date.now();
  return {
    id: 'critical_line|api|g|1',
    rule: 'critical_line',
    kind: 'event',
    status: 'firing',
    severity: 'critical',
    service: 'api',
    group: 'g',
    title: 'CRITICAL in api: boom',
    message: 'boom',
    count: 1,
    suppressed: 0,
    firstSeenMs: now,
    lastSeenMs: now,
    startsAtMs: now,
    query: { service: 'api' },
    ...over,
  };
}
