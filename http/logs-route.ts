import type { ServerResponse } from 'node:http';
import type { QueryReply } from '../actors/buffer-protocol.js';
import type { HttpContext } from './context.js';
import type { DiscoveryMsg, DiscoveryStatus, LogsQueryMsg } from './deps.js';
import { entryJson, type EntryJson } from './entry-json.js';
import { HttpError, ParamError } from './http-error.js';
import { sendJson } from './json-response.js';
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
 * asks the buffer for a page and the discovery for the container count, in parallel.
 */
export async function getLogs(ctx: HttpContext, search: string, res: ServerResponse, service?: string): Promise<void> {
  const query = parseLogQuery(new URLSearchParams(search), ctx.clock.now(), ctx.config);
  if (service !== undefined) query.services = [service];
  const [reply, discovery] = await Promise.all([
    // A page may scan for up to the store's budget (QUERY_BUDGET_MS) before it answers, partial if need be.
    ctx.ask<LogsQueryMsg, QueryReply>(ctx.deps.logs ?? ctx.deps.buffer, (replyTo) => ({ type: 'query', query, replyTo }), ctx.config.queryTimeoutMs ?? ctx.config.askTimeoutMs),
    ctx.ask<DiscoveryMsg, DiscoveryStatus>(ctx.deps.discovery, (replyTo) => ({ type: 'status', replyTo })).catch(() => undefined),
  ]);
  if (!reply.ok) throw reply.unavailable ? new HttpError(503, reply.error, { 'Retry-After': '5' }) : new ParamError(reply.parameter, reply.error);
  const page: LogsPage = {
    logs: reply.result.entries.map(entryJson),
    count: reply.result.entries.length,
    total_containers: discovery ? discovery.containers.length : null,
  };
  if (reply.result.nextCursor !== undefined) page.next_cursor = reply.result.nextCursor;
  if (reply.result.partial) page.partial = true;
  sendJson(res, 200, page);
}
