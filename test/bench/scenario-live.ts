/**
 * stream: latency from Docker's timestamp of a line to its arrival at a WebSocket client of /logs/stream, with
 * a second container logging 1k lines/s in the background.
 * fan-out: 100 WebSocket clients on one container logging 5k lines/s: every client must get every line.
 *
 * Both run the service as a child process (the clients' event loop is not the service's), and follow the same
 * container with `docker logs -f --timestamps` at the same time: the engine's own latency, as a floor.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { procCpuMs, dockerdPid } from './bench-docker.js';
import { cliLatencyChild } from './cli-latency.js';
import { log, nowMs, round, Sample, size, sleep, summary, type BenchRow } from './bench-util.js';
import { openLiteWsProbe, openWsProbe, type LiveProbe } from './live-clients.js';
import { markerOf, rateScript } from './log-scripts.js';
import { profDir, type BenchContext } from './scenario-context.js';
import { startServiceProcess } from './service-process.js';

function timeout(ms: number): Promise<'timeout'> {
  return new Promise((r) => setTimeout(() => r('timeout'), ms).unref());
}

/** CPU use of the service, the bench process and dockerd over a window, as % of one core. */
function cpuMeter(servicePid: number, dockerd: number | undefined): () => { servicePct: number; benchPct: number; dockerdPct: number } {
  const t0 = nowMs();
  const s0 = procCpuMs(servicePid);
  const b0 = process.cpuUsage();
  const d0 = dockerd ? procCpuMs(dockerd) : NaN;
  return () => {
    const wall = nowMs() - t0;
    const b = process.cpuUsage(b0);
    return {
      servicePct: round(((procCpuMs(servicePid) - s0) / wall) * 100, 0),
      benchPct: round(((b.user + b.system) / 1000 / wall) * 100, 0),
      dockerdPct: dockerd ? round(((procCpuMs(dockerd) - d0) / wall) * 100, 0) : NaN,
    };
  };
}

/** Event-loop delay of the bench process itself over a window (how late it may have read what arrived), in ms. */
function loopLag(): () => { p50: number; p99: number; max: number } {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  return () => {
    h.disable();
    return { p50: round(h.percentile(50) / 1e6, 1), p99: round(h.percentile(99) / 1e6, 1), max: round(h.max / 1e6, 1) };
  };
}

export async function benchStream(ctx: BenchContext): Promise<BenchRow[]> {
  const tag = `st${Date.now().toString(36)}`;
  const prefix = `bench-stream-${tag}`;
  const durationSec = size(20, 6);
  const probeRate = 100;
  const bgRate = 1000;
  const svc = await startServiceProcess({ dockerHost: ctx.dockerHost, include: `${prefix}-*`, maxLogBuffer: 100_000, env: { MAX_LOG_BUFFER_MB: '32' }, cpuProfDir: profDir(ctx, `stream-${tag}`) });
  const lat = new Sample();
  try {
    const bgScript = rateScript({ rate: bgRate, total: 0, tag: `${tag}bg`, seed: 11 });
    const bg = await ctx.bd.create(`${prefix}-bg`, bgScript.script, bgScript.env);
    await bg.start();
    await sleep(1500);
    const total = probeRate * durationSec;
    // The first line comes 1.5 s after the start, once the WebSocket client and the CLI reference follow.
    const probeScript = rateScript({ rate: probeRate, total, tag, seed: 5, info: true, delaySec: 1.5 });
    const probeName = `${prefix}-probe`;
    const probeC = await ctx.bd.create(probeName, probeScript.script, probeScript.env);
    const marker = markerOf(tag);
    const ws = await openWsProbe(svc.port, `container=${probeName}`, { latencies: lat, marker });
    const size0 = (await svc.health()).log_buffer_size ?? 0;
    const meter = cpuMeter(svc.pid, dockerdPid(ctx.rig.pidFile));
    const lag = loopLag();
    const t0 = nowMs();
    await probeC.start();
    const cli = cliLatencyChild(ctx.dockerHost, probeC.id, marker, durationSec * 1000 + 40_000);
    const r = await Promise.race([ws.marker, timeout(durationSec * 1000 + 30_000)]);
    const cpu = meter();
    const benchLoopLagMs = lag();
    const cliResult = await Promise.race([cli.done, timeout(15_000)]);
    cli.kill();
    const elapsed = nowMs() - t0;
    const size1 = (await svc.health()).log_buffer_size ?? 0;
    const health = await svc.health();
    ws.close();
    const s = summary(lat.values());
    const c = cliResult === 'timeout' ? summary([]) : cliResult.latency;
    const complete = r !== 'timeout' && ws.entries === total + 1 && ws.notices.length === 0;
    log(`stream: ${ws.entries}/${total + 1} probe lines, aggregator p50 ${s.p50} p99 ${s.p99} max ${s.max} ms; docker CLI p50 ${c.p50} p99 ${c.p99} ms; CPU ${JSON.stringify(cpu)}; bench event-loop lag p99 ${benchLoopLagMs.p99} ms`);
    const detail = {
      probeRate,
      backgroundRate: bgRate,
      durationSec,
      received: ws.entries,
      expected: total + 1,
      notices: ws.notices,
      aggregator: s,
      dockerCli: c,
      backgroundLinesPerSecSeen: round(((size1 - size0 - ws.entries) / elapsed) * 1000, 0),
      cpu,
      benchLoopLagMs,
      droppedEntries: health.dropped_entries,
    };
    return [
      { scenario: 'stream', metric: 'Docker ts → WebSocket p50', value: s.p50, unit: 'ms', target: '', pass: null, detail },
      { scenario: 'stream', metric: 'Docker ts → WebSocket p99', value: s.p99, unit: 'ms', target: '≤ 20 ms', pass: complete && s.p99 <= 20 },
      { scenario: 'stream', metric: 'reference: docker logs -f CLI p99', value: c.p99, unit: 'ms', target: '', pass: null },
    ];
  } finally {
    await svc.stop();
    await ctx.bd.removeAll(prefix);
  }
}

export async function benchFanout(ctx: BenchContext): Promise<BenchRow[]> {
  const tag = `fo${Date.now().toString(36)}`;
  const name = `bench-fanout-${tag}`;
  const clients = size(100, 100);
  const rate = 5000;
  const durationSec = size(10, 4);
  const total = rate * durationSec;
  const svc = await startServiceProcess({ dockerHost: ctx.dockerHost, include: name, maxLogBuffer: 100_000, env: { MAX_LOG_BUFFER_MB: '32' }, cpuProfDir: profDir(ctx, `fanout-${tag}`) });
  const lat = new Sample();
  try {
    const script = rateScript({ rate, total, tag, seed: 9, info: true, delaySec: 1.5 });
    const c = await ctx.bd.create(name, script.script, script.env);
    const marker = markerOf(tag);
    const probes: LiveProbe[] = [];
    // The minimal client (test/support/lite-ws.ts): 100 `ws` clients alone would take most of a core here.
    // Every message is counted; the latency of every 4th entry of each client is recorded.
    for (let i = 0; i < clients; i++) probes.push(await openLiteWsProbe(svc.port, `container=${name}`, { latencies: lat, marker, sampleEvery: 4 }));
    await sleep(200);
    svc.resetPeak();
    const meter = cpuMeter(svc.pid, dockerdPid(ctx.rig.pidFile));
    const lag = loopLag();
    const t0 = nowMs();
    await c.start();
    const cli = cliLatencyChild(ctx.dockerHost, c.id, marker, durationSec * 1000 + 40_000);
    const all = Promise.all(probes.map((p) => p.marker));
    const r = await Promise.race([all, timeout(durationSec * 1000 + 30_000)]);
    const cpu = meter();
    const benchLoopLagMs = lag();
    const peakRssMb = round(svc.memory().hwmMb, 1);
    const cliResult = await Promise.race([cli.done, timeout(15_000)]);
    if (r === 'timeout') await sleep(1000);
    cli.kill();
    const elapsed = nowMs() - t0;
    const health = await svc.health();
    for (const p of probes) p.close();
    const counts = probes.map((p) => p.entries);
    const full = counts.filter((n) => n === total + 1).length;
    const notices = probes.reduce((n, p) => n + p.notices.length, 0);
    const closed = probes.filter((p) => p.closed && p.closed.code !== 1005 && p.closed.code !== 1006).length;
    const s = summary(lat.values());
    const cs = cliResult === 'timeout' ? summary([]) : cliResult.latency;
    const everything = full === clients && notices === 0;
    log(
      `fan-out: ${full}/${clients} clients got all ${total + 1} lines (min ${Math.min(...counts)}), ${notices} dropped notices, p50 ${s.p50} p99 ${s.p99} max ${s.max} ms; docker CLI p99 ${cs.p99} ms; CPU ${JSON.stringify(cpu)}; bench event-loop lag p99 ${benchLoopLagMs.p99} ms`,
    );
    const detail = {
      clients,
      rate,
      durationSec,
      expectedPerClient: total + 1,
      clientsComplete: full,
      minReceived: Math.min(...counts),
      maxReceived: Math.max(...counts),
      droppedNotices: notices,
      closedByServer: closed,
      droppedEntriesHealth: health.dropped_entries,
      elapsedMs: round(elapsed, 0),
      aggregator: s,
      latencySampling: 'every 4th entry of every client',
      dockerCli: cs,
      cpu,
      benchLoopLagMs,
      peakRssMb,
    };
    return [
      { scenario: 'fan-out', metric: `${clients} WS clients complete`, value: full, unit: `/${clients}`, target: `${clients}/${clients}`, pass: everything, detail },
      { scenario: 'fan-out', metric: 'Docker ts → WebSocket p99', value: s.p99, unit: 'ms', target: '≤ 50 ms', pass: everything && s.p99 <= 50 },
      { scenario: 'fan-out', metric: 'reference: docker logs -f CLI p99', value: cs.p99, unit: 'ms', target: '', pass: null },
      { scenario: 'fan-out', metric: 'service peak RSS during the fan-out', value: peakRssMb, unit: 'MB', target: '', pass: null },
    ];
  } finally {
    await svc.stop();
    await ctx.bd.removeAll(name);
  }
}
