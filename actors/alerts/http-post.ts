/**
 * Alert delivery's view of the one outbound HTTP client (../delivery/http-send.ts, shared with
 * forwarding): a POST whose outcome is a value the delivery actor stores with the notification —
 * delivered, or failed with whether to retry (the shared policy: 400, 413 and 422 refuse the content
 * and are not retried; network failures, timeouts and every other status are, after `Retry-After`
 * when the peer gives one) and the error as the operator reads it (`HTTP 503: …`).
 */
import { DeliveryError } from '../delivery/delivery-error.js';
import { httpSend } from '../delivery/http-send.js';

export type PostOutcome =
  | { ok: true; status: number }
  | { ok: false; retry: boolean; status?: number; retryAfterMs?: number; error: string };

export interface PostOptions {
  headers?: Record<string, string>;
  /** PEM text of the CA certificates to trust. */
  ca?: string;
  timeoutMs: number;
}

export async function postJson(url: string, body: string, contentType: string, opts: PostOptions): Promise<PostOutcome> {
  try {
    new URL(url);
  } catch {
    return { ok: false, retry: false, error: `invalid URL ${url}` };
  }
  try {
    const headers = { 'user-agent': 'logagg-alerts', ...lowerKeys(opts.headers), 'content-type': contentType };
    const a = await httpSend({ url, body, headers, timeoutMs: opts.timeoutMs, ...(opts.ca ? { tls: { ca: opts.ca } } : {}) });
    return { ok: true, status: a.status };
  } catch (e) {
    if (!(e instanceof DeliveryError)) return { ok: false, retry: true, error: (e as Error).message };
    const error = e.status !== undefined ? `HTTP ${e.status}: ${e.message}` : e.message;
    return { ok: false, retry: e.retryable, ...(e.status !== undefined ? { status: e.status } : {}), ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}), error };
  }
}

/** Header names in lower case, so that a destination's `Content-Type` cannot sit beside ours. */
function lowerKeys(h: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}
