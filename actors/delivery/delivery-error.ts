/**
 * How an outbound delivery failed, and what to do about it: retry later (network errors, timeouts,
 * 408, 429, 5xx; after Retry-After when the peer gave one), or not: 400, 413 and 422 say the content
 * itself is refused, so the same request would fail again and the caller splits it or sets it aside.
 * Any other 4xx (401, 403, 404, …) is a destination an operator must fix: retried, never a reason to
 * drop what is being delivered. Shared by forwarding and alerts.
 */
import { backoffDelay, type BackoffOptions } from '../../runtime/index.js';

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    /** True when the same request may succeed later. */
    readonly retryable: boolean,
    /** The HTTP status, when there was an answer. */
    readonly status?: number,
    /** The peer's Retry-After, in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Statuses that refuse the content itself: retrying the same request cannot succeed. */
const CONTENT_REFUSED = new Set([400, 413, 422]);

/** Statuses worth retrying: the peer is busy, limiting, failing, or misconfigured for now (not the content's fault). */
export function isRetryableStatus(status: number): boolean {
  return !CONTENT_REFUSED.has(status);
}

/** Retry-After as seconds or an HTTP date, in ms from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** The retry policy of outbound deliveries: 500 ms doubling to 30 s, ±30 % jitter (a sink that is back waits at most ~40 s). */
export const DELIVERY_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000, jitter: 0.3, resetAfterMs: 0 };

/** Delay before retry number `attempt` (0-based): exponential with jitter, never shorter than the peer's Retry-After (capped at an hour). */
export function retryDelay(attempt: number, error: unknown, random: number, policy: BackoffOptions = DELIVERY_BACKOFF): number {
  const backoff = backoffDelay(attempt, policy, random);
  const after = error instanceof DeliveryError ? error.retryAfterMs : undefined;
  return after === undefined ? backoff : Math.max(backoff, Math.min(after, 3_600_000));
}

/** A failure as a DeliveryError: anything that is not one (a socket error, a timeout) is retryable. */
export function asDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const e = error as { message?: string; code?: string };
  return new DeliveryError(`${e?.code ? `${e.code}: ` : ''}${e?.message ?? String(error)}`, true);
}
