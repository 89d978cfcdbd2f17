/**
 * The small outbound HTTP client of alert delivery: one POST with a timeout, extra headers and a CA
 * to trust, classified for retrying — 2xx delivered; 429 (with `Retry-After`), 408 and 5xx or a
 * network failure retried; any other status a permanent failure. (Forwarding's actors/delivery/
 * could share this: see the report.)
 */
import http from 'node:http';
import https from 'node:https';

export type PostOutcome =
  | { ok: true; status: number }
  | { ok: false; retry: boolean; status?: number; retryAfterMs?: number; error: string };

export interface PostOptions {
  headers?: Record<string, string>;
  ca?: string;
  timeoutMs: number;
}

/** `Retry-After`: seconds, or an HTTP date; ms from `nowMs`. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, t - nowMs) : undefined;
}

export function postJson(url: string, body: string, contentType: string, opts: PostOptions): Promise<PostOutcome> {
  return new Promise((resolve) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return resolve({ ok: false, retry: false, error: `invalid URL ${url}` });
    }
    const lib = u.protocol === 'https:' ? https : http;
    const headers = { 'User-Agent': 'logagg-alerts', ...opts.headers, 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(body)) };
    let done = false;
    const finish = (o: PostOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(o);
    };
    const req = lib.request(u, { method: 'POST', headers, ...(opts.ca ? { ca: opts.ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 2048) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return finish({ ok: true, status });
        const text = Buffer.concat(chunks).toString('utf8').slice(0, 300).replace(/\s+/g, ' ').trim();
        const retryAfterMs = parseRetryAfter(res.headers['retry-after'] as string | undefined, Date.now());
        const retry = status === 429 || status === 408 || status >= 500;
        finish({ ok: false, retry, status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), error: `HTTP ${status}${text ? `: ${text}` : ''}` });
      });
      res.on('error', (e) => finish({ ok: false, retry: true, error: e.message }));
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    req.on('error', (e) => finish({ ok: false, retry: true, error: e.message }));
    req.end(body);
  });
}
