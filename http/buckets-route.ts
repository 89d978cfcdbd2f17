import type { ServerResponse } from 'node:http';
import type { BucketsQuery, BucketsReply } from '../actors/errors/error-stats.js';
import type { HttpContext } from './context.js';
import type { ErrorAlertMsg } from './deps.js';
import { queryRefused } from './http-error.js';
import { sendJson } from './json-response.js';
import { parseIntParam, parseServiceParam, parseWindow } from './params.js';

/** The default window: the last hour (or the hour before `until`). */
const DEFAULT_WINDOW_MS = 3_600_000;
/** Largest `bucket` read (seconds): a year; the statistics refuse what does not fit them. */
const MAX_BUCKET_SECONDS = 366 * 86_400;

/** Body of `GET /errors/buckets`. */
export interface ErrorBucketsPage {
  bucket_seconds: number;
  since: string;
  until: string;
  services: { service: string; buckets: { start: string; lines: number; errors: number }[] }[];
}

/**
 * `GET /errors/buckets?service=&since=&until=&bucket=`: lines and errors per service in contiguous
 * buckets, from the error statistics (the ErrorAlertActor), which count every line collected within
 * the retention. The actor decides what a valid bucket is (a multiple of its own width; at most
 * 1000 in the window) and names `bucket` when it refuses one.
 */
export async function getErrorBuckets(ctx: HttpContext, search: string, res: ServerResponse): Promise<void> {
  const params = new URLSearchParams(search);
  const now = ctx.clock.now();
  const window = parseWindow(params, now);
  const untilMs = window.untilMs ?? now;
  const query: BucketsQuery = { sinceMs: window.sinceMs ?? untilMs - DEFAULT_WINDOW_MS, untilMs };
  if (params.has('bucket')) query.bucketMs = parseIntParam(params, 'bucket', 1, MAX_BUCKET_SECONDS, 0) * 1000;
  const services = parseServiceParam(params);
  if (services) query.services = services;
  const reply = await ctx.ask<ErrorAlertMsg, BucketsReply>(ctx.deps.errors, (replyTo) => ({ type: 'buckets', query, replyTo }));
  if (!reply.ok) throw queryRefused(reply);
  const { bucketMs, sinceMs, untilMs: end, services: series } = reply.result;
  const page: ErrorBucketsPage = {
    bucket_seconds: bucketMs / 1000,
    since: new Date(sinceMs).toISOString(),
    until: new Date(end).toISOString(),
    services: series.map((s) => ({
      service: s.service,
      buckets: s.lines.map((lines, i) => ({ start: new Date(sinceMs + i * bucketMs).toISOString(), lines, errors: s.errors[i]! })),
    })),
  };
  sendJson(res, 200, page);
}
