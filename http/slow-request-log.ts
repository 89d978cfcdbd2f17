import type { Middleware } from 'polka';
import { serviceLog } from '../actors/service-log.js';
import { Level } from '../actors/model/log-entry.js';
import type { HttpContext } from './context.js';
import { STREAM_PATH } from './ws-upgrade.js';

/** A download of a whole query takes as long as it is big: not a slow query. */
const EXPORT_PATH = /^\/logs\/export\/?$/i;

/**
 * Writes one WARNING line to the service's own log for every request answered slower than
 * `slowRequestMs` (1 s): the route, its parameters (a live stream's `?token=` is never among them,
 * streams and exports are long by nature and skipped), the status and the time. Timed with the context's clock.
 */
export function slowRequestLog(ctx: HttpContext): Middleware {
  return (req, res, next) => {
    if (STREAM_PATH.test(req.path) || EXPORT_PATH.test(req.path)) return next();
    const started = ctx.clock.now();
    res.once('finish', () => {
      const ms = ctx.clock.now() - started;
      if (ms < ctx.config.slowRequestMs) return;
      const target = `${req.path.slice(0, 200)}${req.search ? req.search.slice(0, 500) : ''}`;
      serviceLog(Level.WARNING, `slow query: ${req.method} ${target} took ${Math.round(ms)} ms (status ${res.statusCode})`, {
        event: 'http.slow_query',
        method: req.method,
        path: req.path.slice(0, 200),
        query: req.search?.slice(1, 500) || undefined,
        status: res.statusCode,
        duration_ms: Math.round(ms),
      });
    });
    return next();
  };
}
