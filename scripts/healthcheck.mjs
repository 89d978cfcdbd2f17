/**
 * The image's HEALTHCHECK: GET /health/live on the port and address the service listens on
 * (LOG_AGGREGATOR_PORT, LOG_AGGREGATOR_HOST; a wildcard host is probed on loopback). Liveness only:
 * a degraded service that still serves is not restarted. Exit 0 when alive, 1 otherwise.
 */
const port = process.env.LOG_AGGREGATOR_PORT?.trim() || '8015';
const configured = process.env.LOG_AGGREGATOR_HOST?.trim() || '0.0.0.0';
const host = configured === '0.0.0.0' ? '127.0.0.1' : configured === '::' ? '::1' : configured;
const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/health/live`;
fetch(url, { signal: AbortSignal.timeout(4000) }).then(
  (r) => process.exit(r.ok ? 0 : 1),
  (e) => {
    process.stderr.write(`healthcheck ${url}: ${e?.message ?? e}\n`);
    process.exit(1);
  },
);
