import type { ServerResponse } from 'node:http';
import type { Metrics } from './metrics.js';

/** `GET /metrics`: the Prometheus text exposition (token as for every route but /health). */
export async function getMetrics(metrics: Metrics, res: ServerResponse): Promise<void> {
  const text = await metrics.scrape();
  res.writeHead(200, { 'Content-Type': metrics.contentType, 'Content-Length': String(Buffer.byteLength(text)), 'Cache-Control': 'no-store' });
  res.end(text);
}
