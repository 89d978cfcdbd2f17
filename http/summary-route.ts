import type { ServerResponse } from 'node:http';
import type { ErrorSummary } from '../actors/error-summary.js';
import type { HttpContext } from './context.js';
import type { ErrorAlertMsg } from './deps.js';
import { sendJson } from './json-response.js';
import { parseWindow } from './params.js';

/** `GET /errors/summary?since=&until=`: the ErrorAlertActor's summary, written as is. */
export async function getErrorSummary(ctx: HttpContext, search: string, res: ServerResponse): Promise<void> {
  const window = parseWindow(new URLSearchParams(search), ctx.clock.now());
  const summary = await ctx.ask<ErrorAlertMsg, ErrorSummary>(ctx.deps.errors, (replyTo) => ({ type: 'summary', ...window, replyTo }));
  sendJson(res, 200, summary);
}
