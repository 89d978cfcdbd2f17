import type { ServerResponse } from 'node:http';
import type { LogQuery, QueryReply } from '../actors/buffer-protocol.js';
import type { HttpContext } from './context.js';
import type { DiscoveryMsg, DiscoveryStatus, LogsQueryMsg } from './deps.js';
import type { EntryJson } from './entry-json.js';
import { queryRefused } from './http-error.js';
import { streamLogsPage } from './json-page-stream.js';
import { parseLogQuery } from './params.js';

/** Body of `GET /logs`. */
export interface LogsPage {
  logs: EntryJson[];
  count: number;
  /** Containers the discovery knows of; null when it did not answer in time (the page is still served). */
  total_containers: number | null;
  next_cursor?: string;
  /** The scan stopped at its time budget before the page was full: `next_cursor` continues it. */
  partial?: true;
}

/**
 * `GET /logs` and `GET /logs/service/:name` (`service` from the path replaces the parameter):
 * asks the buffer (or the store) for a page and the discovery for the container count, in parallel.
 * A page stops at MAX_RESPONSE_MB of JSON and carries next_cursor, so `limit` is a maximum. Pages are
 * produced and written a few at a time (the query queue): the others wait their turn, and each gets
 * its answer. The JSON is streamed to the socket with backpressure, never built whole.
 */
export async function getLogs(ctx: HttpContext, search: string, res: ServerResponse, service?: string): Promise<void> {
  const query = parseLogQuery(new URLSearchParams(search), ctx.clock.now(), ctx.config);
  if (service !== undefined) query.services = [service];
  query.maxBytes = ctx.config.maxResponseBytes;
  await ctx.queries.run(() => answer(ctx, query, res));
}

async function answer(ctx: HttpContext, query: LogQuery, res: ServerResponse): Promise<void> {
  if (res.destroyed) return;
  const [reply, discovery] = await Promise.all([
    // A page may scan for up to the store's budget (QUERY_BUDGET_MS) before it answers, partial if need be.
    ctx.ask<LogsQueryMsg, QueryReply>(ctx.deps.logs ?? ctx.deps.buffer, (replyTo) => ({ type: 'query', query, replyTo }), ctx.config.queryTimeoutMs ?? ctx.config.askTimeoutMs),
    ctx.ask<DiscoveryMsg, DiscoveryStatus>(ctx.deps.discovery, (replyTo) => ({ type: 'status', replyTo })).catch(() => undefined),
  ]);
  if (!reply.ok) throw queryRefused(reply);
  const rest: Omit<LogsPage, 'logs'> = {
    count: reply.result.entries.length,
    total_containers: discovery ? discovery.containers.length : null,
  };
  if (reply.result.nextCursor !== undefined) rest.next_cursor = reply.result.nextCursor;
  if (reply.result.partial) rest.partial = true;
  await streamLogsPage(res, reply.result.entries, JSON.stringify(rest).slice(1, -1), ctx.clock, PAGE_STALL_MS);
}

/** A reader that takes no bytes of its page for this long loses the response (and frees its query slot). */
const PAGE_STALL_MS = 30_000;
