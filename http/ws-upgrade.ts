import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { authorize } from './auth.js';
import { CLOSE_GRACE_MS } from './config.js';
import type { HttpContext } from './context.js';
import { upgradeOriginAllowed } from './cors.js';
import { isUnexpected, rawErrorResponse, toHttpError } from './error-response.js';
import { every } from './every.js';
import { HttpError } from './http-error.js';
import type { EndReason, LiveClient } from './live-client.js';
import { subscribeLive } from './live-subscribe.js';
import { parseLiveParams } from './params.js';

/** The one path that accepts WebSocket upgrades. */
export const STREAM_PATH = /^\/logs\/stream\/?$/i;

const CLOSE_CODES: Record<EndReason, number> = {
  'too slow': 1008,
  'server shutting down': 1001,
  'subscription failed': 1011,
};

/** Handles `upgrade` events: WebSocket live tails on /logs/stream; every refusal is an HTTP JSON answer. */
export interface UpgradeHandler {
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Destroys sockets still between request and handshake (shutdown). */
  destroyPending(): void;
}

/**
 * Checks an upgrade request (URL length, token from the header or `?token=`, path, Origin,
 * parameters), subscribes to the buffer, and only then completes the handshake, so that every
 * refusal (400 naming the parameter, 401, 403, 404, 504) is a plain HTTP answer.
 */
export function createUpgradeHandler(ctx: HttpContext, wss: WebSocketServer): UpgradeHandler {
  const pending = new Set<Duplex>();

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, onClient: (c: LiveClient) => void): Promise<void> {
    const url = req.url ?? '/';
    if (url.length > ctx.config.maxUrlLength) throw new HttpError(414, `request target longer than ${ctx.config.maxUrlLength} characters`);
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    authorize(req, ctx.config.apiToken, query.get('token'));
    if (!STREAM_PATH.test(path)) throw new HttpError(404, `no WebSocket endpoint at ${path.slice(0, 200)}; use /logs/stream`);
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') throw new HttpError(400, 'only WebSocket upgrades are supported');
    if (!upgradeOriginAllowed(req, ctx.config.corsOrigins)) throw new HttpError(403, 'origin not allowed');
    const client = await subscribeLive(ctx, parseLiveParams(query, ctx.config.maxLimit), 'ws');
    onClient(client);
    if (socket.destroyed) {
      client.close();
      return;
    }
    pending.delete(socket);
    wss.handleUpgrade(req, socket, head, (ws) => attach(client, ws, socket));
  }

  function attach(client: LiveClient, ws: WebSocket, socket: Duplex): void {
    let answered = true;
    const stopPing = every(ctx.clock, ctx.config.pingIntervalMs, () => {
      if (!answered) return ws.terminate();
      answered = false;
      try {
        ws.ping();
      } catch {
        ws.terminate();
      }
    });
    ws.on('pong', () => (answered = true));
    ws.on('error', () => {}); // 'close' follows
    ws.on('close', () => {
      stopPing();
      client.close();
    });
    client.attach({
      // Frames are built once per entry (and per batch of a filter group) and written as bytes to the
      // socket ws was handed; its own frames (pings, close) go to the same socket, whole and in order.
      send: (data, done) => {
        if (ws.readyState === ws.OPEN) socket.write(data, () => done());
        else done();
      },
      end: (reason) => {
        stopPing();
        ws.close(CLOSE_CODES[reason], reason);
        if (reason === 'server shutting down') ws.terminate();
        else setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
      },
      bufferedBytes: () => ws.bufferedAmount,
    });
  }

  return {
    handle(req, socket, head) {
      pending.add(socket);
      let client: LiveClient | undefined;
      socket.on('error', () => socket.destroy());
      // Whenever the socket goes (peer left, handshake refused by ws, WebSocket closed), the subscription goes.
      socket.once('close', () => {
        pending.delete(socket);
        client?.close();
      });
      upgrade(req, socket, head, (c) => (client = c)).catch((err: unknown) => {
        pending.delete(socket);
        // The path only: the query may carry a token.
        if (isUnexpected(err)) ctx.log(`http upgrade ${(req.url ?? '').split('?')[0]!.slice(0, 200)}: ${(err as Error)?.stack ?? String(err)}`);
        if (socket.destroyed) return;
        socket.end(rawErrorResponse(toHttpError(err)));
        setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
      });
    },
    destroyPending() {
      for (const s of pending) s.destroy();
      pending.clear();
    },
  };
}
