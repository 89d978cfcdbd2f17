import type { ServerResponse } from 'node:http';
import { sendJson } from './json-response.js';

/**
 * `GET /health/live` (no token needed): liveness, not health. It answers from the HTTP layer alone,
 * asking no actor, so a degraded service that still serves (Docker away, a follower stalled) is not
 * restarted by the image's HEALTHCHECK or an orchestrator's probe; see /shared contracts, "Health".
 */
export function getLiveness(res: ServerResponse): void {
  sendJson(res, 200, { status: 'alive' });
}
