/**
 * Diagnostic twin of main.ts for memory questions: starts the same actor tree and HTTP server from the same
 * environment, and on SIGUSR2 prints one JSON line with process.memoryUsage() before and after a full GC,
 * the V8 heap spaces and the buffer's own estimate. Run with `node --expose-gc`.
 *   LOG_AGGREGATOR_PORT=… DOCKER_HOST=… MAX_LOG_BUFFER=100000 node --expose-gc dist/test/bench/service-memory-probe.js
 */
import v8 from 'node:v8';
import { loadConfig } from '../../actors/config.js';
import { startService } from '../../actors/service.js';
import type { BufferStats } from '../../actors/model/query-protocol.js';
import { createServer } from '../../http/index.js';
import { ask } from '../../runtime/index.js';

const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;
const usage = () => {
  const m = process.memoryUsage();
  return { rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) };
};

const config = loadConfig();
const service = await startService(config);
const http = createServer(
  { buffer: service.buffer, errors: service.errors, discovery: service.discovery, stats: () => service.system.stats },
  { defaultLimit: config.defaultLogLimit, maxLimit: config.maxLogLimit, askTimeoutMs: 5000, version: 'probe', startedAt: Date.now(), maxClientQueue: 1000, retentionMs: config.retentionMs },
);
await http.listen(config.port, config.host);

process.on('SIGUSR2', () => {
  void (async () => {
    const before = usage();
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const after = usage();
    const stats = await ask<unknown, BufferStats>(service.buffer as never, (replyTo) => ({ type: 'stats', replyTo }), 5000);
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, { used: mb(s.space_used_size), size: mb(s.space_size) }]));
    process.stdout.write(
      JSON.stringify({ before, afterGc: after, gcAvailable: !!gc, buffer: { size: stats.size, approxMb: mb(stats.approxBytes) }, spaces, heapLimitMb: mb(v8.getHeapStatistics().heap_size_limit) }) + '\n',
    );
  })();
});
process.on('SIGTERM', () => {
  void (async () => {
    await http.close();
    await service.stop();
    process.exit(0);
  })();
});
