import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Compares a presented token with the expected one in constant time; hashing first hides the length. */
export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

/**
 * Checks the request's credentials when `expected` is set: the bearer header, or (`queryToken`,
 * for clients that cannot set headers: browser WebSockets and EventSource) a `token` parameter.
 * @throws HttpError 401 with `WWW-Authenticate: Bearer`.
 */
export function authorize(req: IncomingMessage, expected: string | undefined, queryToken?: string | null): void {
  if (expected === undefined || expected === '') return;
  const presented = bearerToken(req) ?? queryToken ?? undefined;
  if (presented !== undefined && tokenMatches(presented, expected)) return;
  throw new HttpError(401, 'missing or invalid bearer token', {
    'WWW-Authenticate': presented === undefined ? 'Bearer' : 'Bearer error="invalid_token"',
  });
}
