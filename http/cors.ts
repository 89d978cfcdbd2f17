import type { IncomingMessage, ServerResponse } from 'node:http';

export const ALLOWED_METHODS = 'GET, HEAD, OPTIONS';

/** Whether a browser page from `origin` may read our answers: listed, or `*` in the list. */
export function originAllowed(origin: string, allowed: readonly string[] | undefined): boolean {
  if (!allowed) return false;
  const o = origin.replace(/\/$/, '').toLowerCase();
  return allowed.some((a) => a === '*' || a.replace(/\/$/, '').toLowerCase() === o);
}

/**
 * Whether a WebSocket handshake may proceed: browsers send `Origin` and do not apply CORS to
 * WebSockets, so a foreign page is refused unless listed. Same-origin pages and non-browser
 * clients (no Origin) pass.
 */
export function upgradeOriginAllowed(req: IncomingMessage, allowed: readonly string[] | undefined): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (originAllowed(origin, allowed)) return true;
  try {
    return new URL(origin).host.toLowerCase() === (req.headers.host ?? '').toLowerCase();
  } catch {
    return false;
  }
}

/** Sets `Access-Control-Allow-Origin` for an allowed `Origin` (echoed, so that `Vary: Origin` caches right). */
export function applyCors(req: IncomingMessage, res: ServerResponse, allowed: readonly string[] | undefined): void {
  const origin = req.headers.origin;
  if (!allowed?.length) return;
  res.setHeader('Vary', 'Origin');
  if (origin === undefined || !originAllowed(origin, allowed)) return;
  res.setHeader('Access-Control-Allow-Origin', allowed.includes('*') ? '*' : origin);
}

/** Answers a CORS preflight: 204 with the methods and headers a page may use. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse, allowed: readonly string[] | undefined): void {
  const origin = req.headers.origin;
  const headers: Record<string, string> = { Allow: ALLOWED_METHODS, 'Content-Length': '0' };
  if (origin !== undefined && originAllowed(origin, allowed)) {
    headers['Access-Control-Allow-Methods'] = ALLOWED_METHODS;
    headers['Access-Control-Allow-Headers'] = 'Authorization, Content-Type, Last-Event-ID';
    headers['Access-Control-Max-Age'] = '600';
  }
  res.writeHead(204, headers);
  res.end();
}
