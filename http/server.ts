import http from 'node:http';
import type { AddressInfo } from 'node:net';
import polka, { type Middleware, type NextHandler, type Request } from 'polka';
import { WebSocketServer } from 'ws';
import { getAlerts, postAlertTest } from './alerts-route.js';
import { getAround } from './around-route.js';
import { getErrorBuckets } from './buckets-route.js';
import { getContainers } from './containers-route.js';
import { getExport } from './export-route.js';
import { authorize } from './auth.js';
import { CLOSE_GRACE_MS, type HttpConfig } from './config.js';
import { createContext, type HttpContext } from './context.js';
import { answerPreflight, applyCors, ALLOWED_METHODS } from './cors.js';
import type { HttpDeps } from './deps.js';
import { isUnexpected, rawErrorResponse, sendError } from './error-response.js';
import { getForwarding } from './forwarding-route.js';
import { getHealth } from './health-route.js';
import { getLiveness } from './liveness-route.js';
import { slowRequestLog } from './slow-request-log.js';
import { HttpError } from './http-error.js';
import type { LiveStats } from './live-registry.js';
import { getLogs } from './logs-route.js';
import { createMetrics } from './metrics.js';
import { getMetrics } from './metrics-route.js';
import { getOpenApi } from './openapi-route.js';
import { loadPage, PAGE_PATH } from './page-route.js';
import { getLiveStream } from './stream-route.js';
import { getErrorSummary } from './summary-route.js';
import { createUpgradeHandler, STREAM_PATH } from './ws-upgrade.js';

/** The HTTP API of the service: REST routes, live streams over WebSocket, NDJSON and SSE. */
export interface HttpServer {
  readonly server: http.Server;
  /** Listens (port 0: an ephemeral port) and resolves with the bound address. */
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Ends live streams, closes every connection and stops listening. */
  close(): Promise<void>;
  /** Queue figures of the open live clients and the cost of slow ones (for inspection and tests). */
  liveStats(): LiveStats;
  /** Page queries running and waiting for a slot of the query queue (for inspection and tests). */
  queryLoad(): { running: number; waiting: number };
}

/** Routes that need no token: health and liveness probes; the web page and its assets (`/`, `/ui/…`). */
const PUBLIC_PATH = /^\/health(\/live)?\/?$/i;
const isPublic = (path: string): boolean => PUBLIC_PATH.test(path) || PAGE_PATH.test(path);

type Handler = (req: Request, res: http.ServerResponse) => Promise<void>;

/**
 * Builds the HTTP server on the given actors. The layer is thin: each route parses its
 * parameters, asks one actor (askTimeoutMs; 504 on no answer) and writes the reply as JSON.
 * Every error is JSON `{"error", "parameter"?}`; a malformed request never throws out of here.
 */
export function createServer(deps: HttpDeps, config: HttpConfig): HttpServer {
  const ctx = createContext(deps, config);
  const server = http.createServer({ maxHeaderSize: ctx.config.maxHeaderSize });
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false, maxPayload: 4096 });
  const upgrades = createUpgradeHandler(ctx, wss);
  const metrics = createMetrics(ctx);
  const page = loadPage(config.pageDir);

  const app = polka({
    onNoMatch: (req, res) => sendError(res, new HttpError(404, `no route for ${req.method} ${req.path.slice(0, 200)}`)),
    onError: (err, req, res) => {
      if (isUnexpected(err)) ctx.log(`http ${req.method} ${req.path?.slice(0, 200)}: ${(err as Error)?.stack ?? String(err)}`);
      sendError(res, err);
    },
  });
  app.use(slowRequestLog(ctx));
  app.use(guard(ctx));
  const routes: Record<string, Handler> = {
    '/logs': (req, res) => getLogs(ctx, req.search, res),
    '/logs/stream': (req, res) => getLiveStream(ctx, req.search, req, res),
    '/logs/service/:name': (req, res) => getLogs(ctx, req.search, res, req.params.name),
    '/logs/export': (req, res) => getExport(ctx, req.search, res),
    '/logs/around/:seq': (req, res) => getAround(ctx, req.params.seq ?? '', req.search, res),
    '/errors/summary': (req, res) => getErrorSummary(ctx, req.search, res),
    '/errors/buckets': (req, res) => getErrorBuckets(ctx, req.search, res),
    '/containers': (_req, res) => getContainers(ctx, res),
    '/health': (_req, res) => getHealth(ctx, res),
    '/forwarding': (_req, res) => getForwarding(ctx, res),
    '/metrics': (_req, res) => getMetrics(metrics, res),
    '/openapi.json': (_req, res) => getOpenApi(res, ctx.config.version),
    '/health/live': async (_req, res) => getLiveness(res),
    '/alerts': (req, res) => getAlerts(ctx, req.search, res),
  };
  for (const [path, handler] of Object.entries(routes)) {
    app.get(path, handler);
    app.options(path, (req, res) => answerPreflight(req, res, ctx.config.corsOrigins));
    app.all(path, (req, res) => sendError(res, new HttpError(405, `${req.method} is not allowed on ${req.path.slice(0, 200)}; use GET`, { Allow: ALLOWED_METHODS })));
  }

  // The web page: GET and HEAD only (trouter answers HEAD with the GET route).
  for (const path of ['/', '/ui/*']) {
    app.get(path, async (req, res) => page.serve(req, res, req.path));
    app.all(path, (req, res) => sendError(res, new HttpError(405, `${req.method} is not allowed on ${req.path.slice(0, 200)}; use GET`, { Allow: 'GET, HEAD' })));
  }

  app.post('/alerts/test', (_req, res) => postAlertTest(ctx, res));
  app.options('/alerts/test', (req, res) => answerPreflight(req, res, ctx.config.corsOrigins));
  app.all('/alerts/test', (req, res) => sendError(res, new HttpError(405, `${req.method} is not allowed on /alerts/test; use POST`, { Allow: 'POST, OPTIONS' })));

  server.on('request', (req, res) => {
    try {
      metrics.observe(req, res, (req.url ?? '').split('?')[0]!);
      app.handler(req as Request, res, undefined as unknown as NextHandler);
    } catch (err) {
      sendError(res, err);
    }
  });
  server.on('upgrade', upgrades.handle);
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const e = err.code === 'HPE_HEADER_OVERFLOW' ? new HttpError(431, `request head larger than ${ctx.config.maxHeaderSize} bytes`) : new HttpError(400, 'malformed HTTP request');
    socket.end(rawErrorResponse(e));
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  });

  return {
    server,
    listen: (port, host) =>
      new Promise<AddressInfo>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      ctx.live.endAll();
      metrics.close();
      upgrades.destroyPending();
      wss.close();
      server.closeAllConnections();
      await closed;
    },
    liveStats: () => ctx.live.stats(),
    queryLoad: () => ctx.queries.load,
  };
}

/** Runs before every route: URL length (414), CORS headers, preflights, the bearer token (401). */
function guard(ctx: HttpContext): Middleware {
  return (req, res, next) => {
    if (req.url.length > ctx.config.maxUrlLength) throw new HttpError(414, `request target longer than ${ctx.config.maxUrlLength} characters`);
    applyCors(req, res, ctx.config.corsOrigins);
    // Preflights carry no credentials; /health and /health/live are for probes without any; a browser loads the page without one.
    if (req.method !== 'OPTIONS' && !isPublic(req.path)) {
      // Browsers' EventSource cannot set headers either: the stream also takes ?token=.
      const queryToken = STREAM_PATH.test(req.path) ? new URLSearchParams(req.search).get('token') : undefined;
      authorize(req, ctx.config.apiToken, queryToken);
    }
    return next();
  };
}
