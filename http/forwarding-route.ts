/**
 * `GET /forwarding`: per sink, its cursor, lag, counts, last success and last error, asked of every
 * forwarder in parallel. `/health` carries the same list. A forwarder that does not answer in time is
 * listed by name with state `unknown`.
 */
import type { ServerResponse } from 'node:http';
import type { ForwarderMsg, ForwardStatus } from '../actors/forward/forwarder-actor.js';
import type { HttpContext } from './context.js';
import { sendJson } from './json-response.js';

/** One sink as the API writes it. */
export interface SinkJson {
  name: string;
  type: string;
  url: string;
  state: ForwardStatus['state'] | 'unknown';
  cursor?: number;
  lag_entries?: number;
  lag_seconds?: number | null;
  sent?: number;
  retried?: number;
  dropped?: number;
  dead_lettered?: number;
  last_success?: string;
  last_error?: string;
  last_error_at?: string;
}

export function sinkJson(s: ForwardStatus): SinkJson {
  const out: SinkJson = {
    name: s.name,
    type: s.kind,
    url: s.url,
    state: s.state,
    cursor: s.cursor,
    lag_entries: s.lagEntries,
    lag_seconds: s.lagSeconds === null ? null : Math.round(s.lagSeconds * 1000) / 1000,
    sent: s.sent,
    retried: s.retried,
    dropped: s.dropped,
    dead_lettered: s.deadLettered,
  };
  if (s.lastSuccessMs !== undefined) out.last_success = new Date(s.lastSuccessMs).toISOString();
  if (s.lastError !== undefined) out.last_error = s.lastError;
  if (s.lastErrorMs !== undefined) out.last_error_at = new Date(s.lastErrorMs).toISOString();
  return out;
}

/** Every forwarder's status; one that does not answer is `unknown`. */
export async function forwardingStatus(ctx: HttpContext): Promise<SinkJson[]> {
  return Promise.all(
    (ctx.deps.forwarders ?? []).map((f) =>
      ctx
        .ask<ForwarderMsg, ForwardStatus>(f.ref, (replyTo) => ({ type: 'status', replyTo }))
        .then(sinkJson, (): SinkJson => ({ name: f.name, type: f.kind, url: '', state: 'unknown' })),
    ),
  );
}

export async function getForwarding(ctx: HttpContext, res: ServerResponse): Promise<void> {
  sendJson(res, 200, { sinks: await forwardingStatus(ctx), ...(ctx.config.storageMode === 'memory' ? { note: 'STORAGE=memory: cursors and undelivered entries do not survive a restart; forwarders read from the newest 20000 entries kept in memory' } : {}) });
}
