/**
 * store: the durable store at 1M entries on disk. The entries (realistic mixed lines, see
 * query-entries.ts) are written straight into a DATA_DIR with the store's own database code, then a
 * service process is started on it: restart time to /health 200, bytes on disk per entry, query
 * latency over HTTP (indexed, keyword, full scans), /health latency while scans run, and the
 * process's peak RSS (VmHWM) throughout.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreDb } from '../../actors/store/store-db.js';
import type { StoredEntry } from '../../actors/store/store-protocol.js';
import { log, nowMs, round, size, summary, type BenchRow } from './bench-util.js';
import { makeQueryEntries } from './query-entries.js';
import type { BenchContext } from './scenario-context.js';
import { httpGet, startServiceProcess, type ServiceProcess } from './service-process.js';

const CHUNK = 50_000;

/** Writes `count` entries spread over the last 23 hours into `dir`; returns the services and ms taken. */
function fill(dir: string, count: number): { services: string[]; ms: number; rowsPerSec: number } {
  const db = new StoreDb();
  db.open(dir, Date.now() - 24 * 3_600_000);
  const end = Date.now() - 60_000;
  const span = 23 * 3_600_000;
  let seq = 0;
  let services: string[] = [];
  const t0 = nowMs();
  for (let i = 0; i < count; i += CHUNK) {
    const n = Math.min(CHUNK, count - i);
    const set = makeQueryEntries(n, end - span + ((i + n) * span) / count, (n * span) / count, 1000 + i);
    services = set.services;
    for (let k = 0; k < set.entries.length; k += 500) {
      db.write(set.entries.slice(k, k + 500).map((e) => ({ ...e, seq: ++seq }) as StoredEntry), []);
    }
  }
  const ms = nowMs() - t0;
  db.close();
  return { services, ms, rowsPerSec: (count / ms) * 1000 };
}

async function timeQuery(svc: ServiceProcess, path: string, rounds: number, agent: http.Agent): Promise<{ p50: number; p99: number; max: number; count: number; partial: boolean }> {
  const times: number[] = [];
  let count = 0;
  let partial = false;
  for (let i = 0; i < rounds; i++) {
    const t0 = nowMs();
    const r = await httpGet(svc.port, path, 60_000, agent);
    times.push(nowMs() - t0);
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.body.slice(0, 200)}`);
    const body = JSON.parse(r.body) as { count: number; partial?: boolean };
    count = body.count;
    partial ||= body.partial === true;
  }
  const s = summary(times);
  return { p50: round(s.p50, 2), p99: round(s.p99, 2), max: round(s.max, 2), count, partial };
}

export async function benchStore(ctx: BenchContext): Promise<BenchRow[]> {
  const count = size(1_000_000, 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'logagg-bench-store-'));
  const rows: BenchRow[] = [];
  let svc: ServiceProcess | undefined;
  try {
    log(`store: writing ${count} entries into ${dir}`);
    const filled = fill(dir, count);
    log(`store: written in ${filled.ms.toFixed(0)} ms (${filled.rowsPerSec.toFixed(0)} rows/s, one thread, 500-row transactions)`);
    svc = await startServiceProcess({ dockerHost: ctx.dockerHost, include: 'bench-store-nothing', maxLogBuffer: 10_000, env: { DATA_DIR: dir }, pollMs: 5, nodeFlags: process.env.STORE_NODE_FLAGS ? process.env.STORE_NODE_FLAGS.split(' ') : [] });
    log(`store: restart to /health 200 with ${count} entries: ${svc.readyMs.toFixed(0)} ms`);
    rows.push({ scenario: 'store', metric: `restart to /health 200, ${count / 1000}k entries on disk`, value: round(svc.readyMs, 0), unit: 'ms', target: '≤ 2000', pass: svc.readyMs <= 2000 });
    // The error statistics are rebuilt from disk in the background after a start: measured apart, then waited for.
    const r0 = nowMs();
    for (;;) {
      const h = JSON.parse((await httpGet(svc.port, '/health')).body) as { store?: { rebuilding_statistics?: boolean } };
      if (h.store?.rebuilding_statistics === false) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const rebuildMs = nowMs() - r0 + svc.readyMs;
    log(`store: error statistics rebuilt from ${count} entries ${rebuildMs.toFixed(0)} ms after the start`);
    rows.push({ scenario: 'store', metric: `error statistics rebuilt from disk, ${count / 1000}k entries (from process start)`, value: round(rebuildMs, 0), unit: 'ms', target: '', pass: null });
    const startPeak = svc.memory().hwmMb;
    rows.push({ scenario: 'store', metric: `peak RSS (VmHWM) through the restart and rebuild, ${count / 1000}k on disk`, value: round(startPeak, 1), unit: 'MB', target: '≤ 128', pass: startPeak <= 128 });
    const health = JSON.parse((await httpGet(svc.port, '/health')).body) as { store?: { entries?: number; bytes?: number } };
    const bytesPerEntry = (health.store?.bytes ?? NaN) / (health.store?.entries ?? NaN);
    rows.push({ scenario: 'store', metric: 'bytes on disk per entry (B-tree pages in use / entries)', value: round(bytesPerEntry, 0), unit: 'B', target: '', pass: null, detail: { entries: health.store?.entries, bytes: health.store?.bytes, writeRowsPerSec: round(filled.rowsPerSec, 0) } });

    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const svcName = filled.services[0]!;
    const peaks: Record<string, number> = {};
    const fast = size(200, 40);
    const slow = size(10, 3);
    const kinds: { name: string; path: string; rounds: number; target: number }[] = [
      { name: 'recent (no filter)', path: '/logs?limit=100', rounds: fast, target: 10 },
      { name: `service=${svcName}`, path: `/logs?service=${svcName}&limit=100`, rounds: fast, target: 10 },
      { name: 'level=ERROR', path: '/logs?level=error&limit=100', rounds: fast, target: 10 },
      { name: 'service + level=ERROR', path: `/logs?service=${filled.services[5]}&level=error&limit=100`, rounds: fast, target: 10 },
      { name: 'keyword matching recent lines (timeout)', path: '/logs?search=timeout&limit=100', rounds: fast, target: 20 },
      { name: 'keyword matching nothing (full scan)', path: '/logs?search=zzzyqx-nothing&limit=100', rounds: slow, target: 500 },
      { name: '(?i) regex matching nothing (full scan)', path: `/logs?regex=${encodeURIComponent('(?i)zz+yq[0-9]x')}&limit=100`, rounds: slow, target: 3000 },
    ];
    for (const k of kinds) {
      svc.resetPeak();
      // /health is polled alongside every query: scans run off the event loop.
      const healthTimes: number[] = [];
      let polling = true;
      const poller = (async () => {
        while (polling) {
          const t0 = nowMs();
          await httpGet(svc!.port, '/health', 10_000, false);
          healthTimes.push(nowMs() - t0);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const r = await timeQuery(svc, k.path, k.rounds, agent);
      polling = false;
      await poller;
      const h = summary(healthTimes);
      log(`store query ${k.name}: p50 ${r.p50} ms, p99 ${r.p99} ms (${r.count} entries${r.partial ? ', PARTIAL' : ''}); /health p99 ${round(h.p99, 2)} ms`);
      rows.push({ scenario: 'store', metric: `/logs ${k.name}, p99 (p50), ${count / 1000}k on disk`, value: r.p99, unit: 'ms', target: `≤ ${k.target}`, pass: r.p99 <= k.target && !r.partial, detail: { p50: r.p50, max: r.max, rounds: k.rounds, entries: r.count, partial: r.partial, healthP99: round(h.p99, 2), healthP50: round(h.p50, 2) } });
      rows.push({ scenario: 'store', metric: `/health p99 during "${k.name}"`, value: round(h.p99, 2), unit: 'ms', target: '≤ 20', pass: h.p99 <= 20 });
      const peak = svc.memory().hwmMb;
      peaks[k.name] = round(peak, 1);
      log(`store: peak RSS during "${k.name}": ${peak.toFixed(1)} MB`);
    }
    agent.destroy();
    const worst = Math.max(...Object.values(peaks));
    rows.push({ scenario: 'store', metric: `peak RSS (VmHWM) during the queries, ${count / 1000}k on disk`, value: worst, unit: 'MB', target: '≤ 128', pass: worst <= 128, detail: { byQuery: peaks, rssMb: round(svc.memory().rssMb, 1) } });
  } finally {
    await svc?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
