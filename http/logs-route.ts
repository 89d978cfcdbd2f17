import type { ServerResponse } from 'node:http';
import type { LogQuery, QueryReply } from '../actors/model/query-protocol.js';
import type { HttpContext } from './context.js';
import type { DiscoveryMsg, DiscoveryStatus, LogsQueryMsg } from './deps.js';
import type { EntryJson } from './entry-json.js';
import { queryRefused } from './http-error.js';
import { EntryWriter } from './entry-writer.js';
import { entryJson } from './entry-json.js';
import { cursorAfter } from '../actors/buffer/query-cursor.js';
import { PAGE_ENVELOPE_BYTES } from '../actors/buffer/entry-json.js';
import { BUDGET_DEFAULTS } from '../actors/service/budgets.js';
import type { LogEntry } from '../actors/model/log-entry.js';
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
 * `GET /logs` and `GET /logs/service/:name` (`service` from the path replaces the parameter): asks
 * the store (or the buffer) for the page in parts of at most SUB_PAGE_BYTES, each written to the
 * socket with backpressure before the next is asked for, and the discovery for the container count.
 * A page stops at MAX_RESPONSE_MB of JSON and carries next_cursor, so `limit` is a maximum. Pages are
 * produced a few at a time (the query queue): the others wait their turn, and each gets its answer.
 */
export async function getLogs(ctx: HttpContext, search: string, res: ServerResponse, service?: string): Promise<void> {
  const query = parseLogQuery(new URLSearchParams(search), ctx.clock.now(), ctx.config);
  if (service !== undefined) query.services = [service];
  await ctx.queries.run(() => answer(ctx, query, res));
}

async function answer(ctx: HttpContext, query: LogQuery, res: ServerResponse): Promise<void> {
  if (res.destroyed) return;
  const discovery = ctx.ask<DiscoveryMsg, DiscoveryStatus>(ctx.deps.discovery, (replyTo) => ({ type: 'status', replyTo })).catch(() => undefined);
  const page = new EntryWriter(res, ctx.clock, PAGE_STALL_MS, {
    head: '{"logs":[',
    render: (e, first) => (first ? '' : ',') + JSON.stringify(entryJson(e)),
    start: (r) => r.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }),
    maxBytes: ctx.config.maxResponseBytes - PAGE_ENVELOPE_BYTES,
  });
  const started = ctx.clock.now();
  const budgetMs = ctx.config.queryBudgetMs ?? QUERY_BUDGET_FALLBACK_MS;
  let cursor = query.cursor;
  let next: string | undefined;
  let partial = false;
  for (;;) {
    const part: LogQuery = { ...query, limit: query.limit - page.count, maxBytes: Math.min(SUB_PAGE_BYTES, ctx.config.maxResponseBytes - page.bytes), ...(cursor !== undefined ? { cursor } : {}) };
    let reply: QueryReply;
    try {
      // A part may scan for up to the store's budget (QUERY_BUDGET_MS) before it answers, partial if need be.
      reply = await ctx.ask<LogsQueryMsg, QueryReply>(ctx.deps.logs ?? ctx.deps.buffer, (replyTo) => ({ type: 'query', query: part, replyTo }), ctx.config.queryTimeoutMs ?? ctx.config.askTimeoutMs);
    } catch (err) {
      if (page.count === 0) throw err;
      reply = { ok: false, parameter: '', error: (err as Error).message, unavailable: true };
    }
    if (!reply.ok) {
      // Nothing written yet: the status says what went wrong. Later, the page ends where it got to and
      // its cursor continues from there.
      if (page.count === 0) throw queryRefused(reply);
      next = cursor;
      partial = true;
      break;
    }
    const { entries, nextCursor } = reply.result;
    const written = await page.write(entries);
    if (page.gone) return;
    if (written < entries.length) {
      // The cap: the entry that did not fit starts the next page.
      next = written > 0 ? cursorAfter(entries[written - 1] as LogEntry & { seq: number }) : cursor;
      break;
    }
    next = nextCursor;
    if (reply.result.partial) {
      partial = true;
      break;
    }
    if (nextCursor === undefined) break;
    cursor = nextCursor;
    if (page.count >= query.limit || page.bytes >= ctx.config.maxResponseBytes - PAGE_ENVELOPE_BYTES) break;
    if (ctx.clock.now() - started >= budgetMs) {
      partial = true;
      break;
    }
  }
  const d = await discovery;
  const rest: Omit<LogsPage, 'logs'> = { count: page.count, total_containers: d ? d.containers.length : null };
  if (next !== undefined) rest.next_cursor = next;
  if (partial) rest.partial = true;
  page.end(`],${JSON.stringify(rest).slice(1, -1)}}`);
}

/** A page is asked for in parts of this many bytes of JSON at most: what it holds in memory at once. */
export const SUB_PAGE_BYTES = BUDGET_DEFAULTS.subPageBytes;

/** Scan time a page may take over all its parts when the config does not say (the store's budget). */
const QUERY_BUDGET_FALLBACK_MS = 5000;

/** A reader that takes no bytes of its page for this long loses the response (and frees its query slot). */
const PAGE_STALL_MS = 30_000;
