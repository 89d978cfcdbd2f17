/**
 * query: p50/p99 of HTTP queries against a server holding 100k entries (the service started in process on the
 * rig's engine with no container included, its buffer and error statistics filled through `append`).
 * The kinds of query are interleaved in every round; one keep-alive connection, one request at a time.
 */
import http from 'node:http';
import { ask } from '../../runtime/index.js';
import type { BufferStats } from '../../actors/model/query-protocol.js';
import { startService } from '../../actors/service.js';
import { createServer } from '../../http/index.js';
import { log, round, size, summary, type BenchRow } from './bench-util.js';
import { makeQueryEntries } from './query-entries.js';
import type { BenchContext } from './scenario-context.js';
import { httpGet } from './service-process.js';

interface QueryKind {
  key: string;
  path: string;
  /** ≤ 5 ms (indexed) or ≤ 30 ms (message scans); 0: reported only. */
  targetMs: number;
  /** The answer must hold at least one entry (a sanity check of the query). */
  nonEmpty: boolean;
}

export async function benchQuery(ctx: BenchContext): Promise<BenchRow[]> {
  const count = 100_000;
  const perKind = size(600, 150);
  const rounds = 3;
  const retentionMs = 24 * 3_600_000;
  const service = await startService({
    dockerHost: ctx.dockerHost,
    maxLogBuffer: count,
    retentionMs,
    batchSize: 100,
    maxLineBytes: 256 * 1024,
    multilineQuietMs: 300,
    multilineMaxLines: 500,
    redactPatterns: [],
    includeContainers: [/^bench-query-nothing$/],
    excludeContainers: [],
    backfillConcurrency: 4,
    followerStallMs: 30_000,
    storage: 'memory',
    dataDir: '',
    maxStorageBytes: 1 << 30,
  });
  const server = createServer(
    { buffer: service.buffer, errors: service.errors, discovery: service.discovery, stats: () => service.system.stats },
    { defaultLimit: 100, maxLimit: 1000, askTimeoutMs: 5000, version: 'bench', startedAt: Date.now(), maxClientQueue: 1000, retentionMs },
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const set = makeQueryEntries(count, Date.now(), 30 * 60_000);
    for (let i = 0; i < count; i += 1000) {
      const entries = set.entries.slice(i, i + 1000);
      service.buffer.tell({ type: 'append', entries });
      service.errors.tell({ type: 'append', entries });
    }
    const stats = await ask<unknown, BufferStats>(service.buffer as never, (replyTo) => ({ type: 'stats', replyTo }), 30_000);
    if (stats.size !== count) throw new Error(`buffer holds ${stats.size} entries, expected ${count}`);
    const { port } = await server.listen(0, '127.0.0.1');

    const kinds: QueryKind[] = [
      { key: 'most recent /logs', path: '/logs', targetMs: 5, nonEmpty: true },
      { key: 'by service', path: '/logs?service=billing', targetMs: 5, nonEmpty: true },
      { key: 'by service (route)', path: '/logs/service/websocket-ingestion', targetMs: 5, nonEmpty: true },
      { key: 'level=ERROR', path: '/logs?level=ERROR', targetMs: 5, nonEmpty: true },
      { key: 'service+level', path: '/logs?service=api&level=warning&limit=50', targetMs: 5, nonEmpty: true },
      { key: '/errors/summary', path: '/errors/summary', targetMs: 5, nonEmpty: false },
      { key: 'keyword search=timeout', path: '/logs?search=timeout', targetMs: 30, nonEmpty: true },
      { key: 'regex', path: `/logs?regex=${encodeURIComponent('user_id=4\\d{3}\\b')}`, targetMs: 30, nonEmpty: true },
      { key: 'keyword, no match (full scan)', path: '/logs?search=zebra-unicorn', targetMs: 0, nonEmpty: false },
      { key: 'regex, no match (full scan)', path: `/logs?regex=${encodeURIComponent('(?i)zebra\\d+')}`, targetMs: 0, nonEmpty: false },
    ];
    const times = new Map<string, number[]>(kinds.map((k) => [k.key, []]));
    const counts = new Map<string, number>();
    // Warm-up (JIT, caches), and the sanity checks.
    for (const k of kinds) {
      for (let i = 0; i < 20; i++) {
        const res = await httpGet(port, k.path, 10_000, agent);
        if (res.status !== 200) throw new Error(`${k.path}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
        if (i === 0) {
          const body = JSON.parse(res.body) as { count?: number; total_errors?: number };
          counts.set(k.key, body.count ?? body.total_errors ?? -1);
          if (k.nonEmpty && !(body.count! > 0)) throw new Error(`${k.path} matched nothing`);
        }
      }
    }
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < perKind / rounds; i++) {
        for (const k of kinds) {
          // The full scans are slow and only reported: a quarter as many requests.
          if (!k.targetMs && i % 4 !== 0) continue;
          const t0 = performance.now();
          const res = await httpGet(port, k.path, 10_000, agent);
          const dt = performance.now() - t0;
          if (res.status !== 200) throw new Error(`${k.path}: HTTP ${res.status}`);
          times.get(k.key)!.push(dt);
        }
      }
    }
    const rows: BenchRow[] = [];
    const details: Record<string, unknown> = { entries: count, requestsPerKind: perKind, timeoutShare: round(set.timeoutShare, 4), errorShare: round(set.errorShare, 4) };
    for (const k of kinds) {
      const s = summary(times.get(k.key)!);
      details[k.key] = { path: k.path, ...s, firstPageCount: counts.get(k.key) };
      log(`query ${k.key}: p50 ${s.p50} p99 ${s.p99} max ${s.max} ms`);
      rows.push({
        scenario: 'query',
        metric: `${k.key} p50/p99`,
        value: s.p99,
        unit: `ms (p50 ${s.p50})`,
        target: k.targetMs ? `p99 ≤ ${k.targetMs} ms` : '',
        pass: k.targetMs ? s.p99 <= k.targetMs : null,
      });
    }
    rows[0]!.detail = details;
    return rows;
  } finally {
    agent.destroy();
    await server.close();
    await service.stop();
  }
}
