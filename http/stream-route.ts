import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLOSE_GRACE_MS } from './config.js';
import type { HttpContext } from './context.js';
import { every } from './every.js';
import { frameJson } from './live-format.js';
import { parseLiveParams } from './params.js';
import { subscribeLive } from './live-subscribe.js';

/** Whether the client asked for Server-Sent Events rather than NDJSON. */
export function wantsEventStream(req: IncomingMessage): boolean {
  return /\btext\/event-stream\b/i.test(req.headers.accept ?? '');
}

/**
 * `GET /logs/stream` without an upgrade: newline-delimited JSON, or Server-Sent Events
 * (`data: {json}\n\n`, a `: keepalive` comment every sseKeepaliveMs) when `Accept: text/event-stream`.
 * The status is sent once the buffer has accepted the subscription, so that a refusal is still a 400.
 * Notices share the stream: `{"notice":"dropped","count":N}` after a gap, and
 * `{"notice":"disconnected","reason":"too slow"}` before the server ends a stalled stream.
 */
export async function getLiveStream(ctx: HttpContext, search: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const params = parseLiveParams(new URLSearchParams(search), ctx.config.maxLimit);
  const sse = wantsEventStream(req);
  const headers = {
    'Content-Type': sse ? 'text/event-stream; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    'X-Accel-Buffering': 'no', // nginx: do not buffer the stream
    // A stream ends only when one side gives up: the connection is not reused after it.
    Connection: 'close',
  };
  if (req.method === 'HEAD') {
    res.writeHead(200, headers);
    res.end();
    return;
  }
  const format = sse ? 'sse' : 'ndjson';
  const client = await subscribeLive(ctx, params, format);
  if (res.destroyed || !res.socket || res.socket.destroyed) {
    client.close();
    return;
  }
  res.writeHead(200, headers);
  res.socket.setNoDelay(true);
  res.flushHeaders();
  // Keepalives only on an idle connection: a stalled client must not pile them up.
  const stopKeepalive = sse ? every(ctx.clock, ctx.config.sseKeepaliveMs, () => res.writableLength < 1024 && res.write(': keepalive\n\n')) : () => {};
  res.once('close', () => {
    stopKeepalive();
    client.close();
  });
  client.attach({
    send: (data, done) => void res.write(data, () => done()),
    end: (reason) => {
      stopKeepalive();
      if (reason !== 'server shutting down') res.write(frameJson(format, JSON.stringify({ notice: 'disconnected', reason })));
      res.end();
      const socket = res.socket;
      setTimeout(() => socket?.destroy(), CLOSE_GRACE_MS).unref();
    },
    bufferedBytes: () => res.writableLength,
  });
}
