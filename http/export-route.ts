import type { ServerResponse } from 'node:http';
import type { LogQuery, QueryReply } from '../actors/model/query-protocol.js';
import type { LogEntry } from '../actors/model/log-entry.js';
import type { HttpContext } from './context.js';
import type { LogsMsg } from './deps.js';
import { entryJson } from './entry-json.js';
import { queryRefused } from './http-error.js';
import { EntryWriter } from './entry-writer.js';
import { parseChoice, parseFilter, parseWindow } from './params.js';
import { BUDGET_DEFAULTS } from '../actors/service/budgets.js';

export const EXPORT_FORMATS = ['ndjson', 'text'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A reader that takes no bytes for this long loses the download (and its place in the query queue). */
const EXPORT_STALL_MS = 30_000;

const FORMATS: Record<ExportFormat, { type: string; ext: string; line(e: LogEntry): string }> = {
  ndjson: { type: 'application/x-ndjson', ext: 'ndjson', line: (e) => `${JSON.stringify(entryJson(e))}\n` },
  text: {
    type: 'text/plain; charset=utf-8',
    ext: 'txt',
    line: (e) => {
      const j = entryJson(e);
      // The further lines of a joined message (a stack trace) stay under their first, indented.
      return `${j.timestamp} ${j.service} ${j.level} ${j.message.replace(/\r?\n/g, '\n  ')}\n`;
    },
  },
};

/** `logagg-20251025T143000Z`: the UTC time without separators, safe in any file system. */
function fileStem(nowMs: number): string {
  return `logagg-${new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}`;
}

/**
 * `GET /logs/export?format=ndjson|text` with every filter of `/logs`: the whole query, oldest first,
 * as a download. It is produced page by page through the same query path as `/logs` (order asc,
 * `next_cursor`, each page at most MAX_LOG_LIMIT entries and 1 MB (BUDGET_DEFAULTS.subPageBytes), so that an export holds no more in memory than a part of a `/logs` page), each page taking a
 * slot of the query queue only while it is read and written, so that an export of millions of
 * lines never holds other queries back for longer than a page. Without `until` it ends at the time
 * of the request (lines arriving meanwhile do not make it endless). A client that goes away stops
 * it before the next page; an error after the first bytes cuts the connection (the file is then
 * visibly incomplete), one before them is answered as JSON like any other.
 */
export async function getExport(ctx: HttpContext, search: string, res: ServerResponse): Promise<void> {
  const params = new URLSearchParams(search);
  const format = FORMATS[parseChoice(params, 'format', EXPORT_FORMATS, 'ndjson')];
  const now = ctx.clock.now();
  const window = parseWindow(params, now);
  const base: LogQuery = { ...parseFilter(params), ...window, untilMs: window.untilMs ?? now, order: 'asc', limit: ctx.config.maxLimit, maxBytes: Math.min(BUDGET_DEFAULTS.subPageBytes, ctx.config.maxResponseBytes) };
  let gone = false;
  res.once('close', () => (gone = true));
  let cursor: string | undefined;
  const out = new EntryWriter(res, ctx.clock, EXPORT_STALL_MS, {
    head: '',
    render: (e) => format.line(e),
    start: (r) => r.writeHead(200, { 'Content-Type': format.type, 'Content-Disposition': `attachment; filename="${fileStem(now)}.${format.ext}"`, 'Cache-Control': 'no-store' }),
  });
  const page = async (): Promise<boolean> => {
    if (gone) return false;
    const query = cursor === undefined ? base : { ...base, cursor };
    const reply = await ctx.ask<LogsMsg, QueryReply>(ctx.deps.logs ?? ctx.deps.buffer, (replyTo) => ({ type: 'query', query, replyTo }), ctx.config.queryTimeoutMs ?? ctx.config.askTimeoutMs);
    if (!reply.ok) throw queryRefused(reply);
    if (gone) return false;
    await out.write(reply.result.entries);
    if (out.gone || !(await out.flush())) return false;
    cursor = reply.result.nextCursor;
    return cursor !== undefined;
  };
  for (let more = true; more; ) more = await ctx.queries.run(page);
  // The first page always starts the response; one that went meanwhile has nothing left to end.
  if (!gone) out.end('');
}
