import type { ServerResponse } from 'node:http';
import type { AroundReply } from '../actors/model/query-protocol.js';
import type { HttpContext } from './context.js';
import type { LogsMsg } from './deps.js';
import { entryJson, type EntryJson } from './entry-json.js';
import { HttpError, ParamError, queryRefused } from './http-error.js';
import { sendJson } from './json-response.js';
import { parseIntParam } from './params.js';

/** Lines asked for on either side at most, and by default. */
export const MAX_AROUND = 500;
export const DEFAULT_AROUND = 25;

/** Body of `GET /logs/around/{seq}`. */
export interface AroundPage {
  entry: EntryJson;
  /** Lines of the same container just before the entry, oldest first. */
  before: EntryJson[];
  /** Lines of the same container just after it, oldest first. */
  after: EntryJson[];
}

/**
 * `GET /logs/around/{seq}?before=&after=`: an entry and its container's lines just before and after
 * it by (Docker time, seq), the order of `/logs`. Asked of whoever answers `/logs` (the store on disk,
 * the buffer with STORAGE=memory), in the query queue like a page; 404 when no entry has that seq.
 */
export async function getAround(ctx: HttpContext, seqText: string, search: string, res: ServerResponse): Promise<void> {
  if (!/^[1-9]\d{0,15}$/.test(seqText)) throw new ParamError('seq', `seq: expected an entry's seq (a whole number from 1); got ${JSON.stringify(seqText.slice(0, 32))}`);
  const seq = Number(seqText);
  const params = new URLSearchParams(search);
  const before = parseIntParam(params, 'before', 0, MAX_AROUND, DEFAULT_AROUND);
  const after = parseIntParam(params, 'after', 0, MAX_AROUND, DEFAULT_AROUND);
  const reply = await ctx.queries.run(() =>
    ctx.ask<LogsMsg, AroundReply>(ctx.deps.logs ?? ctx.deps.buffer, (replyTo) => ({ type: 'around', seq, before, after, replyTo }), ctx.config.queryTimeoutMs ?? ctx.config.askTimeoutMs),
  );
  if (!reply.ok) throw queryRefused(reply);
  if (!reply.result) throw new HttpError(404, `no entry has seq ${seq} (it may have left the retention window)`);
  const body: AroundPage = { entry: entryJson(reply.result.entry), before: reply.result.before.map(entryJson), after: reply.result.after.map(entryJson) };
  sendJson(res, 200, body);
}
