import { STATUS_CODES, type ServerResponse } from 'node:http';
import { ActorStoppedError, AskTimeoutError, MailboxFullError } from '../runtime/index.js';
import { HttpError } from './http-error.js';
import { sendJson } from './json-response.js';

/**
 * Maps any thrown value to the HTTP error answered for it. Only HttpErrors and the runtime's
 * ask failures keep their message; anything else is a 500 whose details stay in the service log.
 */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof AskTimeoutError) return new HttpError(504, `${err.target} did not answer within ${err.timeoutMs} ms`);
  if (err instanceof MailboxFullError) return new HttpError(503, `${err.target} is overloaded, try again later`, { 'Retry-After': '1' });
  if (err instanceof ActorStoppedError) return new HttpError(503, `${err.target} is not running`);
  return new HttpError(500, 'internal error');
}

/** Whether an error is unexpected (a bug or an I/O failure) and deserves a log line. */
export function isUnexpected(err: unknown): boolean {
  return toHttpError(err).status === 500;
}

/** Answers `err` as JSON, or cuts the connection when a (streaming) response has already started. */
export function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const e = toHttpError(err);
  sendJson(res, e.status, e.body(), e.headers);
}

/** Raw HTTP/1.1 response text, for sockets that never reached a ServerResponse (upgrades, parse errors). */
export function rawErrorResponse(err: HttpError): string {
  const text = JSON.stringify(err.body());
  const head = [
    `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(text)}`,
    'Cache-Control: no-store',
    'Connection: close',
    ...Object.entries(err.headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return `${head.join('\r\n')}\r\n\r\n${text}`;
}
