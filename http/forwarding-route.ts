/**
 * `GET /forwarding`: per sink, its cursor, lag, counts, last success and last error, asked of every
 * forwarder in parallel. `/health` carries the same list. A forwarder that does not answer in time is
 * listed by name with state `unknown`.
 */
import type { ServerResponse } from 'node:http';
import type { ForwarderMsg, ForwardStatus } from '../actors/forward/forwarder-actor.js';
import { ask } from '../runtime/index.js';
import type { HttpContext } from './context.js';
import type { HttpDeps } from './deps.js';
import type { GaugeProvider } from './metrics.js';
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

/** Gauges of GET /metrics per sink (labels: the configured sink names, bounded). */
export function forwardingGauges(forwarders: NonNullable<HttpDeps['forwarders']>, timeoutMs = 5000): GaugeProvider[] {
  const read = async (pick: (s: ForwardStatus) => number | null) => {
    const out: { labels: Record<string, string>; value: number }[] = [];
    for (const f of forwarders) {
      try {
        const s = await ask<ForwarderMsg, ForwardStatus>(f.ref, (replyTo) => ({ type: 'status', replyTo }), timeoutMs);
        const v = pick(s);
        if (v !== null) out.push({ labels: { sink: f.name, type: f.kind }, value: v });
      } catch {
        // a forwarder that does not answer is left out of this scrape
      }
    }
    return out;
  };
  const g = (name: string, help: string, pick: (s: ForwardStatus) => number | null): GaugeProvider => ({ name, help, labelNames: ['sink', 'type'], read: () => read(pick) });
  return [
    g('logagg_forward_lag_entries', 'Stored entries not yet accepted by the sink.', (s) => s.lagEntries),
    g('logagg_forward_lag_seconds', 'Age of the oldest entry the sink has not accepted yet (0 when caught up).', (s) => s.lagSeconds),
    g('logagg_forward_cursor', 'The last sequence number the sink accepted.', (s) => s.cursor),
    g('logagg_forward_dropped_entries', 'Entries deleted by retention before the sink received them (kept with the cursor).', (s) => s.dropped),
    g('logagg_forward_retrying', '1 while the sink is failing and being retried.', (s) => (s.state === 'retrying' ? 1 : 0)),
  ];
}
