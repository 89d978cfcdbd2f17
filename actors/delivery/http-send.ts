/**
 * One outbound HTTP request with a deadline, optional gzip, and per-destination TLS (a CA file to
 * trust, or verification explicitly skipped). A non-2xx answer becomes a DeliveryError saying whether
 * to retry and after how long (Retry-After). No retry loop here: the caller owns its schedule (an
 * actor's timer), so that waiting never holds a promise or a socket open.
 */
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { DeliveryError, isRetryableStatus, parseRetryAfter } from './delivery-error.js';

export interface TlsOptions {
  /** A PEM file of CA certificates to trust for this destination (in addition to none: it replaces the system's). */
  caFile?: string;
  /** The same, as PEM text already read (an alert destination's `ca`). */
  ca?: string;
  /** Skip certificate verification: explicit, and logged at startup. */
  insecureSkipVerify?: boolean;
}

export interface HttpRequest {
  url: string;
  method?: 'POST' | 'PUT';
  headers?: Record<string, string>;
  body: string | Buffer;
  gzip?: boolean;
  timeoutMs?: number;
  tls?: TlsOptions;
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
const agents = new Map<string, https.Agent>();
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function httpsAgent(tls: TlsOptions | undefined): https.Agent {
  const key = `${tls?.caFile ?? ''}|${tls?.ca ?? ''}|${tls?.insecureSkipVerify ? 1 : 0}`;
  let a = agents.get(key);
  if (!a) {
    const ca = tls?.ca ?? (tls?.caFile ? readFileSync(tls.caFile) : undefined);
    a = new https.Agent({ keepAlive: true, maxSockets: 4, ...(ca ? { ca } : {}), rejectUnauthorized: !tls?.insecureSkipVerify });
    agents.set(key, a);
  }
  return a;
}

/** Basic auth from the URL's user info (removed from the URL); an explicit Authorization header wins. */
function authOf(u: URL): string | undefined {
  if (!u.username && !u.password) return undefined;
  const token = Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
  u.username = '';
  u.password = '';
  return `Basic ${token}`;
}

/** Sends one request; resolves with a 2xx answer, rejects with a DeliveryError otherwise. */
export function httpSend(req: HttpRequest, nowMs: () => number = Date.now): Promise<HttpAnswer> {
  const u = new URL(req.url);
  const basic = authOf(u);
  const body = req.gzip ? gzipSync(req.body) : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body);
  const headers: Record<string, string> = { 'content-length': String(body.length), ...(basic ? { authorization: basic } : {}), ...req.headers };
  if (req.gzip) headers['content-encoding'] = 'gzip';
  const secure = u.protocol === 'https:';
  const lib = secure ? https : http;
  return new Promise<HttpAnswer>((resolve, reject) => {
    const r = lib.request(u, { method: req.method ?? 'POST', headers, agent: secure ? httpsAgent(req.tls) : httpAgent }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_ANSWER_BYTES) chunks.push(c);
      });
      res.on('error', (e) => reject(new DeliveryError(`${u.host}: answer cut: ${e.message}`, true)));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8');
        if (status >= 200 && status < 300) return resolve({ status, headers: res.headers, body: text });
        const retryable = isRetryableStatus(status);
        reject(new DeliveryError(`${u.host} answered ${status}: ${text.slice(0, 300).trim()}`, retryable, status, retryable ? parseRetryAfter(res.headers['retry-after'], nowMs()) : undefined));
      });
    });
    r.setTimeout(req.timeoutMs ?? 30_000, () => r.destroy(new Error(`no answer within ${req.timeoutMs ?? 30_000} ms`)));
    r.on('error', (e: NodeJS.ErrnoException) => reject(new DeliveryError(`${u.host}: ${e.code ? `${e.code} ` : ''}${e.message}`, true)));
    r.end(body);
  });
}
