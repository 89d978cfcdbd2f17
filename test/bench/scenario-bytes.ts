/**
 * bytes: memory bounded in bytes, not entries (issue 14), and what idle live clients cost (issue 13).
 * Each case runs in a fresh service process with default settings, inside a memory cgroup limited to
 * 128 MB as the compose file's `mem_limit: 128m` does. It passes when the kernel never OOM-kills it,
 * /health keeps answering (polled every 100 ms) and nothing is lost. Reported: the peak anonymous
 * memory (RssAnon, what no reclaim can free), the peak VmHWM (which also counts node's own file-backed
 * pages, ~45 MB, that the kernel drops and re-reads under the limit) and the cgroup's peak charge.
 *  - big: a container writes 300 lines of 200 KB; collected;
 *  - pages: then four concurrent `GET /logs?limit=1000` over them, all answered 200 (cut at MAX_RESPONSE_MB, with next_cursor);
 *  - tail: then a `tail=1000` NDJSON stream over them;
 *  - binary: a 30 MB binary flood (`head -c 30000000 /dev/urandom`);
 *  - line: one 10 MB line;
 *  - idle: RSS of 1000 idle WebSocket clients over none.
 */
import { log, nowMs, round, sleep, until, type BenchRow } from './bench-util.js';
import { openLiteWsProbe, openNdjsonProbe, type LiveProbe } from './live-clients.js';
import { profDir, type BenchContext } from './scenario-context.js';
import { httpGet, startServiceProcess, type ServiceProcess } from './service-process.js';

const TARGET_MB = 128;

interface HealthWatch {
  stop(): { polls: number; failures: number; maxMs: number };
}

/** Polls /health every 100 ms; a failure is an error or no answer within 2 s. */
function watchHealth(svc: ServiceProcess): HealthWatch {
  let polls = 0;
  let failures = 0;
  let maxMs = 0;
  let stopped = false;
  void (async () => {
    while (!stopped) {
      const t0 = nowMs();
      try {
        const r = await httpGet(svc.port, '/health', 2000);
        if (r.status !== 200 && r.status !== 503) failures++;
      } catch {
        failures++;
      }
      polls++;
      maxMs = Math.max(maxMs, nowMs() - t0);
      await sleep(100);
    }
  })();
  return {
    stop() {
      stopped = true;
      return { polls, failures, maxMs: round(maxMs, 0) };
    },
  };
}

async function lastSeq(svc: ServiceProcess): Promise<number> {
  const r = await httpGet(svc.port, '/health', 5000);
  return (JSON.parse(r.body) as { store?: { last_seq: number } }).store?.last_seq ?? 0;
}

/** Waits for the container to exit and the collected count to stop moving for 2 s; returns the count. */
async function collected(svc: ServiceProcess, c: { wait(): Promise<unknown> }, atLeast: number): Promise<number> {
  await c.wait();
  let last = -1;
  let stableSince = nowMs();
  const t0 = nowMs();
  for (;;) {
    const n = await lastSeq(svc);
    if (n !== last) {
      last = n;
      stableSince = nowMs();
    }
    if (n >= atLeast && nowMs() - stableSince > 2000) return n;
    if (nowMs() - t0 > 120_000) return n;
    await sleep(200);
  }
}

interface CaseResult {
  name: string;
  peakMb: number;
  anonPeakMb: number;
  oomKills: number;
  exit?: string;
  health: { polls: number; failures: number; maxMs: number };
  detail: Record<string, unknown>;
}

const BIG_LINES = `sleep 1; i=0; while [ $i -lt 300 ]; do head -c 204800 /dev/zero | tr '\\000' x; echo; i=$((i+1)); done`;

async function runCase(ctx: BenchContext, name: string, script: string, expect: number, after?: (svc: ServiceProcess, container: string) => Promise<Record<string, unknown>>): Promise<CaseResult> {
  const container = `bench-bytes-${name}-${Date.now().toString(36)}`;
  const trace = process.env.BENCH_BYTES_TRACE === '1'; // diagnosis: V8's GC trace of each isolate, printed after the case
  const svc = await startServiceProcess({ dockerHost: ctx.dockerHost, include: container, maxLogBuffer: 10_000, cpuProfDir: profDir(ctx, `bytes-${name}`), memoryLimitMb: TARGET_MB, nodeFlags: [...(trace ? ['--trace-gc'] : []), ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)], env: trace ? { LOG_LEVEL: 'INFO' } : {} });
  const watch = watchHealth(svc);
  let hwm = 0;
  const finish = (detail: Record<string, unknown>): CaseResult => {
    const a = svc.anon();
    if (a.cgroup) detail.cgroupPeakChargeMb = a.cgroup.peakChargeMb;
    const exit = svc.exitReason();
    return { name, peakMb: round(hwm, 1), anonPeakMb: a.anonPeakMb, oomKills: a.cgroup?.oomKills ?? 0, health: watch.stop(), detail, ...(exit ? { exit } : {}) };
  };
  try {
    const c = await ctx.bd.create(container, script);
    await c.start();
    const n = await collected(svc, c, expect).catch((e: Error) => {
      log(`bytes ${name}: ${e.message}`); // the service died (OOM kill) while the case ran
      return NaN;
    });
    const detail: Record<string, unknown> = { collected: n, expected: expect };
    if (svc.exitReason()) return finish(detail);
    if (after) Object.assign(detail, await after(svc, container).catch((e: Error) => ({ error: e.message })));
    await sleep(500);
    if (svc.exitReason()) return finish(detail);
    const m = svc.memory();
    hwm = m.hwmMb;
    detail.rssAfterMb = round(m.rssMb, 1);
    return finish(detail);
  } finally {
    watch.stop();
    await svc.stop();
    if (trace) log(`bytes ${name}: service output (tail):\n${svc.output().slice(-6000)}`);
    await ctx.bd.removeAll(container);
  }
}

async function fourPages(svc: ServiceProcess, container: string): Promise<Record<string, unknown>> {
  const t0 = nowMs();
  const rs = await Promise.all([1, 2, 3, 4].map(() => httpGet(svc.port, `/logs?container=${container}&limit=1000`, 60_000)));
  return {
    statuses: rs.map((r) => r.status),
    pageMb: rs.map((r) => round(Buffer.byteLength(r.body) / 1048576, 2)),
    counts: rs.map((r) => (r.status === 200 ? (JSON.parse(r.body) as { count: number }).count : 0)),
    withCursor: rs.filter((r) => r.status === 200 && 'next_cursor' in (JSON.parse(r.body) as object)).length,
    ms: round(nowMs() - t0, 0),
  };
}

async function tailStream(svc: ServiceProcess, container: string): Promise<Record<string, unknown>> {
  const probe: LiveProbe = await openNdjsonProbe(svc.port, `container=${container}&tail=1000`);
  await sleep(2000);
  probe.close();
  return { tailEntries: probe.entries, notices: probe.notices.length };
}

async function idleClients(ctx: BenchContext, count: number): Promise<CaseResult> {
  const svc = await startServiceProcess({ dockerHost: ctx.dockerHost, include: 'bench-bytes-none-*', maxLogBuffer: 10_000 });
  const watch = watchHealth(svc);
  const probes: LiveProbe[] = [];
  try {
    await sleep(2000);
    const noneMb = svc.memory().rssMb;
    for (let i = 0; i < count; i++) probes.push(await openLiteWsProbe(svc.port, ''));
    await sleep(2000);
    const withMb = svc.memory().rssMb;
    const refused = await openLiteWsProbe(svc.port, '').then(
      (p) => (p.close(), false),
      () => true,
    );
    return { name: 'idle', peakMb: round(svc.memory().hwmMb, 1), anonPeakMb: svc.anon().anonPeakMb, oomKills: 0, health: watch.stop(), detail: { clients: count, noneMb: round(noneMb, 1), withMb: round(withMb, 1), costMb: round(withMb - noneMb, 1), oneMoreRefused: refused } };
  } finally {
    watch.stop();
    for (const p of probes) p.close();
    await svc.stop();
  }
}

export async function benchBytes(ctx: BenchContext): Promise<BenchRow[]> {
  const cases: CaseResult[] = [];
  const say = (r: CaseResult) => log(`bytes ${r.name}: peak anon ${r.anonPeakMb} MB, VmHWM ${r.peakMb} MB, OOM kills ${r.oomKills}${r.exit ? `, service ${r.exit}` : ''}; /health ${r.health.polls} polls, ${r.health.failures} failed, slowest ${r.health.maxMs} ms; ${JSON.stringify(r.detail)}`);
  const only = process.env.BENCH_BYTES_CASES?.split(',');
  for (const [name, script, expect, after] of [
    ['big', BIG_LINES, 300, undefined],
    ['pages', BIG_LINES, 300, fourPages],
    ['tail', BIG_LINES, 300, tailStream],
    ['binary', 'sleep 1; head -c 30000000 /dev/urandom; echo', 1, undefined],
    ['line', `sleep 1; head -c 10000000 /dev/zero | tr '\\000' y; echo`, 1, undefined],
  ] as const) {
    if (only && !only.includes(name)) continue;
    const r = await runCase(ctx, name, script, expect, after);
    cases.push(r);
    say(r);
  }
  const idle = !only || only.includes('idle') ? await idleClients(ctx, 1000) : undefined;
  if (idle) say(idle);
  const rows: BenchRow[] = cases.map((r) => ({
    scenario: 'bytes',
    metric: `peak anonymous memory in a ${TARGET_MB} MB cgroup: ${r.name}`,
    value: r.anonPeakMb,
    unit: 'MB',
    target: `≤ ${TARGET_MB} MB, no OOM kill, /health answering, all collected`,
    pass: r.anonPeakMb <= TARGET_MB && r.oomKills === 0 && !r.exit && r.health.failures === 0 && (r.detail.collected as number) >= (r.detail.expected as number),
    detail: { ...r.detail, vmHwmMb: r.peakMb, oomKills: r.oomKills, health: r.health },
  }));
  if (!idle) return rows;
  const cost = idle.detail.costMb as number;
  rows.push({ scenario: 'bytes', metric: '1000 idle WebSocket clients over none', value: cost, unit: 'MB', target: '≤ 20 MB', pass: cost <= 20, detail: idle.detail });
  return rows;
}
