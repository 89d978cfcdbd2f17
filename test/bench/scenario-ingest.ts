/**
 * ingest: a container floods N realistic lines; time from `container.start()` until the last line is (A) in the
 * aggregator (a live NDJSON subscription filtered on the last line's marker) or (B) printed by
 * `docker logs -f --timestamps` (the CLI, spawned right after the start). A and B alternate over the rounds;
 * which one goes first alternates too.
 */
import { procCpuMs, dockerdPid } from './bench-docker.js';
import { log, median, nowMs, round, size, sleep, type BenchRow } from './bench-util.js';
import { openNdjsonProbe } from './live-clients.js';
import { floodScript, markerOf } from './log-scripts.js';
import { markerOrExit, profDir, type BenchContext } from './scenario-context.js';
import { httpGet, startServiceProcess } from './service-process.js';

export interface RunResult {
  /** Start → last line committed to disk (aggregator) or printed (CLI). */
  ms: number;
  /** Aggregator: start → last line seen on a live subscription (in memory, before the disk). */
  liveMs?: number;
  /** Container StartedAt → FinishedAt: how long the flood itself took. */
  floodMs: number;
  stored: number;
  readerCpuMs: number;
  dockerdCpuMs: number;
}

const TIMEOUT_MS = 180_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

/** Polls /health until everything accepted is on disk; returns when (nowMs). */
async function untilCommitted(port: number, timeoutMs: number): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await httpGet(port, '/health', 5000);
    const store = (JSON.parse(r.body) as { store?: { pending_entries: number; last_seq: number; committed_seq: number } }).store;
    if (!store || (store.pending_entries === 0 && store.committed_seq === store.last_seq)) return nowMs();
    if (Date.now() > end) throw new Error('the flood was never committed to disk');
    await sleep(5);
  }
}

async function floodMsOf(ctx: BenchContext, id: string): Promise<number> {
  const info = await ctx.bd.docker.getContainer(id).inspect();
  return Date.parse(info.State.FinishedAt) - Date.parse(info.State.StartedAt);
}

async function runAggregator(ctx: BenchContext, lines: number, tag: string): Promise<RunResult> {
  const name = `bench-ingest-${tag}`;
  const svc = await startServiceProcess({
    dockerHost: ctx.dockerHost,
    include: name,
    // The default window: the bench counts lines committed to disk (the first read is the whole retention window).
    maxLogBuffer: 10_000,
    cpuProfDir: profDir(ctx, `ingest-${tag}`),
  });
  try {
    const { script, env } = floodScript({ lines, tag });
    const c = await ctx.bd.create(name, script, env);
    const marker = markerOf(tag);
    const probe = await openNdjsonProbe(svc.port, `container=${name}&search=${encodeURIComponent(marker)}`, { marker });
    await sleep(100);
    const dpid = dockerdPid(ctx.rig.pidFile);
    const cpu0 = procCpuMs(svc.pid);
    const d0 = dpid ? procCpuMs(dpid) : NaN;
    const t0 = nowMs();
    await c.start();
    const got = await markerOrExit(probe.marker, c.wait(), 30_000, TIMEOUT_MS);
    const liveMs = (got === 'incomplete' ? NaN : got) - t0;
    // The flood counts as ingested once it is committed to disk, not only held in memory.
    const committed = await untilCommitted(svc.port, TIMEOUT_MS);
    const ms = Number.isNaN(liveMs) ? NaN : committed - t0;
    const readerCpuMs = procCpuMs(svc.pid) - cpu0;
    const dockerdCpuMs = dpid ? procCpuMs(dpid) - d0 : NaN;
    probe.close();
    await c.wait();
    const health = await svc.health();
    // Each run has its own DATA_DIR, so the committed sequence number is the count of lines on disk (the hot window holds fewer).
    const store = (health as unknown as { store?: { committed_seq: number } }).store;
    return { ms, liveMs, floodMs: await floodMsOf(ctx, c.id), stored: store ? store.committed_seq : (health.log_buffer_size ?? -1), readerCpuMs, dockerdCpuMs };
  } finally {
    await svc.stop();
    await ctx.bd.removeAll(name);
  }
}

export async function runCli(ctx: BenchContext, lines: number, tag: string): Promise<RunResult> {
  const name = `bench-ingest-${tag}`;
  try {
    const { script, env } = floodScript({ lines, tag });
    const c = await ctx.bd.create(name, script, env);
    const marker = markerOf(tag);
    await sleep(100);
    const dpid = dockerdPid(ctx.rig.pidFile);
    const d0 = dpid ? procCpuMs(dpid) : NaN;
    const t0 = nowMs();
    await c.start();
    const cli = ctx.bd.followWithCli(c.id, marker);
    const got = await markerOrExit(cli.marker, cli.exited, 2000, TIMEOUT_MS);
    const ms = (got === 'incomplete' ? NaN : got) - t0;
    const readerCpuMs = procCpuMs(cli.child.pid!);
    const dockerdCpuMs = dpid ? procCpuMs(dpid) - d0 : NaN;
    await withTimeout(cli.exited, 10_000, 'docker logs -f to exit');
    return { ms, floodMs: await floodMsOf(ctx, c.id), stored: cli.lines, readerCpuMs, dockerdCpuMs };
  } finally {
    await ctx.bd.removeAll(name);
  }
}

export async function benchIngest(ctx: BenchContext): Promise<BenchRow[]> {
  const lines = size(200_000, 20_000);
  const rounds = size(5, 2);
  const agg: RunResult[] = [];
  const cli: RunResult[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const order: ('agg' | 'cli')[] = r % 2 === 0 ? ['agg', 'cli'] : ['cli', 'agg'];
    const round: Partial<Record<'agg' | 'cli', RunResult>> = {};
    for (const which of order) {
      const tag = `r${r}${which}${Date.now().toString(36)}`;
      const res = which === 'agg' ? await runAggregator(ctx, lines, tag) : await runCli(ctx, lines, tag);
      round[which] = res;
      (which === 'agg' ? agg : cli).push(res);
      log(`ingest round ${r + 1}/${rounds} ${which === 'agg' ? 'aggregator' : 'docker CLI'}: ${Number.isNaN(res.ms) ? 'LAST LINE NEVER ARRIVED' : res.ms.toFixed(0) + ' ms'} (flood ${res.floodMs} ms, ${res.stored} lines, reader CPU ${res.readerCpuMs.toFixed(0)} ms)`);
      if (res.stored !== lines + 1) log(`  WARNING: expected ${lines + 1} lines, got ${res.stored}`);
    }
    if (Number.isFinite(round.agg!.ms) && Number.isFinite(round.cli!.ms)) ratios.push(round.agg!.ms / round.cli!.ms);
  }
  const aggMed = median(agg.map((x) => x.ms).filter(Number.isFinite));
  const cliMed = median(cli.map((x) => x.ms).filter(Number.isFinite));
  const ratio = median(ratios);
  const complete = agg.every((x) => x.stored === lines + 1) && cli.every((x) => x.stored === lines + 1);
  const detail = {
    lines,
    rounds,
    aggregatorMs: agg.map((x) => round(x.ms, 0)),
    aggregatorLiveMs: agg.map((x) => round(x.liveMs ?? NaN, 0)),
    cliMs: cli.map((x) => round(x.ms, 0)),
    ratios: ratios.map((x) => round(x, 3)),
    ratioOfMedians: round(aggMed / cliMed, 3),
    floodMsAggRuns: agg.map((x) => x.floodMs),
    floodMsCliRuns: cli.map((x) => x.floodMs),
    storedAgg: agg.map((x) => x.stored),
    linesCli: cli.map((x) => x.stored),
    aggregatorCpuMs: agg.map((x) => round(x.readerCpuMs, 0)),
    cliCpuMs: cli.map((x) => round(x.readerCpuMs, 0)),
    dockerdCpuMsAggRuns: agg.map((x) => round(x.dockerdCpuMs, 0)),
    dockerdCpuMsCliRuns: cli.map((x) => round(x.dockerdCpuMs, 0)),
    aggregatorLinesPerSec: round((lines / aggMed) * 1000, 0),
    aggregatorCpuUsPerLine: round((median(agg.map((x) => x.readerCpuMs)) * 1000) / lines, 2),
    cliCpuUsPerLine: round((median(cli.map((x) => x.readerCpuMs)) * 1000) / lines, 2),
    complete,
  };
  return [
    { scenario: 'ingest', metric: `aggregator, ${lines / 1000}k lines committed to disk (median of ${rounds})`, value: round(aggMed, 0), unit: 'ms', target: '', pass: null, detail },
    { scenario: 'ingest', metric: `docker logs -f CLI (median of ${rounds})`, value: round(cliMed, 0), unit: 'ms', target: '', pass: null },
    { scenario: 'ingest', metric: `aggregator / CLI (median of ${ratios.length} complete rounds)`, value: round(ratio, 3), unit: '×', target: '≤ 1.15', pass: ratios.length > 0 && ratio <= 1.15 },
    {
      scenario: 'ingest',
      metric: 'aggregator runs with every line stored',
      value: agg.filter((x) => x.stored === lines + 1).length,
      unit: `/${rounds}`,
      target: `${rounds}/${rounds}`,
      pass: agg.every((x) => x.stored === lines + 1),
    },
  ];
}
