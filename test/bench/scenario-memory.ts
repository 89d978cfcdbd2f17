/**
 * memory: the service process (`node dist/main.js`, MAX_LOG_BUFFER=100000 with MAX_LOG_BUFFER_MB=32 so
 * that the window can hold them) in a 128 MB memory cgroup, as the compose file runs it: RSS, and the peak
 * anonymous memory and OOM kills (see the `bytes` scenario for why those decide)
 *  (a) once its buffer is full (a container printed 120k lines), after 2 s of rest;
 *  (b) peak (VmHWM, reset just before the flood) during a 200k-line flood while one NDJSON client of the
 *      same container is stalled (connected, never reads).
 */
import { log, median, nowMs, round, size, sleep, until, type BenchRow } from './bench-util.js';
import { openNdjsonProbe, openStalledClient } from './live-clients.js';
import { floodScript, markerOf } from './log-scripts.js';
import { markerOrExit, profDir, type BenchContext } from './scenario-context.js';
import { startServiceProcess, type ServiceProcess } from './service-process.js';

const CAPACITY = 100_000;
/**
 * The flood starts 1.5 s after the container, once the service follows it: Docker 20.10 ends a follow stream
 * opened mid-flood at the file size it had when it was opened if the container exits before that part is sent
 * (moby logfile.go readLogsLocked), and this scenario is about memory, not about that race (see ingest).
 */
const FLOOD_DELAY_SEC = 1.5;
const TARGET_MB = 128;

/** Samples RSS every 50 ms (a fallback for the peak when VmHWM cannot be reset). */
function rssSampler(svc: ServiceProcess): () => number {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, svc.memory().rssMb);
    } catch {
      /* gone */
    }
  }, 50);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

interface FullResult {
  rssMb: number;
  peakMb: number;
  idleMb: number;
  anonPeakMb: number;
  oomKills: number;
}

async function fullBuffer(ctx: BenchContext, lines: number, tag: string): Promise<FullResult> {
  const name = `bench-mem-full-${tag}`;
  const svc = await startServiceProcess({ dockerHost: ctx.dockerHost, include: name, maxLogBuffer: CAPACITY, env: { MAX_LOG_BUFFER_MB: '32' }, memoryLimitMb: TARGET_MB, cpuProfDir: profDir(ctx, `memory-full-${tag}`) });
  try {
    const { script, env } = floodScript({ lines, tag, seed: 3, delaySec: FLOOD_DELAY_SEC });
    const c = await ctx.bd.create(name, script, env);
    const marker = markerOf(tag);
    const probe = await openNdjsonProbe(svc.port, `container=${name}&search=${encodeURIComponent(marker)}`, { marker });
    await sleep(500);
    const idleMb = svc.memory().rssMb;
    await c.start();
    const got = await markerOrExit(probe.marker, c.wait(), 30_000);
    probe.close();
    if (got === 'incomplete') throw new Error(`the service never stored the last line of ${name} (${(await svc.health()).log_buffer_size} entries held)`);
    await until(async () => (await svc.health()).log_buffer_size === CAPACITY, 30_000, `a full buffer (${CAPACITY})`);
    await sleep(2000);
    const m = svc.memory();
    const a = svc.anon();
    return { rssMb: m.rssMb, peakMb: m.hwmMb, idleMb, anonPeakMb: a.anonPeakMb, oomKills: a.cgroup?.oomKills ?? 0 };
  } finally {
    await svc.stop();
    await ctx.bd.removeAll(name);
  }
}

interface StallResult {
  peakMb: number;
  endMb: number;
  sampledPeakMb: number;
  dropped: number;
  resetOk: boolean;
  /** Whether the last line reached the buffer (Docker 20.10 can end a lagging follow stream early). */
  complete: boolean;
  /** Container start → last line stored, or until giving up. */
  ingestMs: number;
  anonPeakMb: number;
  oomKills: number;
}

async function stalledFlood(ctx: BenchContext, lines: number, tag: string): Promise<StallResult> {
  const name = `bench-mem-stall-${tag}`;
  const svc = await startServiceProcess({ dockerHost: ctx.dockerHost, include: name, maxLogBuffer: CAPACITY, env: { MAX_LOG_BUFFER_MB: '32' }, memoryLimitMb: TARGET_MB, cpuProfDir: profDir(ctx, `memory-stall-${tag}`) });
  try {
    const { script, env } = floodScript({ lines, tag, seed: 4, delaySec: FLOOD_DELAY_SEC });
    const c = await ctx.bd.create(name, script, env);
    const marker = markerOf(tag);
    const stalled = await openStalledClient(svc.port, `container=${name}`);
    const probe = await openNdjsonProbe(svc.port, `container=${name}&search=${encodeURIComponent(marker)}`, { marker });
    await sleep(300);
    const resetOk = svc.resetPeak();
    const sampled = rssSampler(svc);
    const t0 = nowMs();
    await c.start();
    const got = await markerOrExit(probe.marker, c.wait(), 20_000);
    const ingestMs = (got === 'incomplete' ? nowMs() : got) - t0;
    await sleep(1000);
    const sampledPeakMb = sampled();
    const m = svc.memory();
    const health = await svc.health();
    probe.close();
    stalled.close();
    const a = svc.anon();
    return { peakMb: resetOk ? m.hwmMb : sampledPeakMb, endMb: m.rssMb, sampledPeakMb, dropped: health.dropped_entries, resetOk, complete: got !== 'incomplete', ingestMs, anonPeakMb: a.anonPeakMb, oomKills: a.cgroup?.oomKills ?? 0 };
  } finally {
    await svc.stop();
    await ctx.bd.removeAll(name);
  }
}

export async function benchMemory(ctx: BenchContext): Promise<BenchRow[]> {
  const rounds = size(3, 1);
  const fillLines = size(120_000, 110_000);
  const floodLines = size(200_000, 120_000);
  const full: FullResult[] = [];
  const stall: StallResult[] = [];
  for (let r = 0; r < rounds; r++) {
    const a = await fullBuffer(ctx, fillLines, `r${r}f${Date.now().toString(36)}`);
    full.push(a);
    log(`memory round ${r + 1}/${rounds}: full buffer RSS ${a.rssMb.toFixed(1)} MB (idle before ${a.idleMb.toFixed(1)} MB, peak while filling ${a.peakMb.toFixed(1)} MB; peak anon ${a.anonPeakMb} MB, OOM kills ${a.oomKills})`);
    const b = await stalledFlood(ctx, floodLines, `r${r}s${Date.now().toString(36)}`);
    stall.push(b);
    log(
      `memory round ${r + 1}/${rounds}: ${floodLines / 1000}k flood + stalled client: peak RSS ${b.peakMb.toFixed(1)} MB (sampled ${b.sampledPeakMb.toFixed(1)}; peak anon ${b.anonPeakMb} MB, OOM kills ${b.oomKills}), ${b.dropped} entries dropped for the stalled client, ` +
        (b.complete ? `last line stored after ${b.ingestMs.toFixed(0)} ms` : `LAST LINE NEVER STORED (gave up after ${b.ingestMs.toFixed(0)} ms)`),
    );
  }
  const fullMed = median(full.map((x) => x.rssMb));
  const fillPeakMed = median(full.map((x) => x.peakMb));
  const stallMed = median(stall.map((x) => x.peakMb));
  const detail = {
    capacity: CAPACITY,
    fillLines,
    floodLines,
    idleRssMb: full.map((x) => round(x.idleMb, 1)),
    fullRssMb: full.map((x) => round(x.rssMb, 1)),
    fullPeakWhileFillingMb: full.map((x) => round(x.peakMb, 1)),
    stalledPeakMb: stall.map((x) => round(x.peakMb, 1)),
    stalledSampledPeakMb: stall.map((x) => round(x.sampledPeakMb, 1)),
    stalledEndRssMb: stall.map((x) => round(x.endMb, 1)),
    stalledDroppedEntries: stall.map((x) => x.dropped),
    peakFromVmHWM: stall.every((x) => x.resetOk),
    stalledIngestComplete: stall.map((x) => x.complete),
    stalledIngestMs: stall.map((x) => round(x.ingestMs, 0)),
    fullAnonPeakMb: full.map((x) => x.anonPeakMb),
    stalledAnonPeakMb: stall.map((x) => x.anonPeakMb),
    oomKills: [...full, ...stall].reduce((n, x) => n + x.oomKills, 0),
  };
  const anonFull = Math.max(...full.map((x) => x.anonPeakMb));
  const anonStall = Math.max(...stall.map((x) => x.anonPeakMb));
  const completeRuns = stall.filter((x) => x.complete).length;
  return [
    { scenario: 'memory', metric: `RSS, buffer full (${CAPACITY / 1000}k), median of ${rounds}`, value: round(fullMed, 1), unit: 'MB', target: 'reported (file pages included)', pass: null, detail },
    { scenario: 'memory', metric: 'peak RSS while filling the buffer', value: round(fillPeakMed, 1), unit: 'MB', target: '', pass: null },
    { scenario: 'memory', metric: `peak RSS, ${floodLines / 1000}k flood + stalled client`, value: round(stallMed, 1), unit: 'MB', target: 'reported (file pages included)', pass: null },
    { scenario: 'memory', metric: 'peak anonymous memory in a 128 MB cgroup: filling the 100k window', value: anonFull, unit: 'MB', target: `≤ ${TARGET_MB} MB, no OOM kill`, pass: anonFull <= TARGET_MB && detail.oomKills === 0 },
    { scenario: 'memory', metric: 'peak anonymous memory in a 128 MB cgroup: flood + stalled client', value: anonStall, unit: 'MB', target: `≤ ${TARGET_MB} MB, no OOM kill`, pass: anonStall <= TARGET_MB && detail.oomKills === 0 },
    { scenario: 'memory', metric: 'flood + stalled client: runs with every line stored', value: completeRuns, unit: `/${rounds}`, target: `${rounds}/${rounds}`, pass: completeRuns === rounds },
  ];
}
