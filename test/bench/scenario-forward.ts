/**
 * forward: (A) a container floods 200k lines; time from its start until the last line reached a
 * sink, for a local webhook receiver and for rsyslog over TCP, as a ratio to the `docker logs -f`
 * baseline (alternating rounds). (B) 1M entries waiting in the store for a webhook sink that is down:
 * peak RSS while it retries, then the time to drain them once it is back, and the peak RSS meanwhile.
 */
import http from 'node:http';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { StoreDb } from '../../actors/store/store-db.js';
import type { StoredEntry } from '../../actors/store/store-protocol.js';
import { Rsyslog } from '../support/rsyslog.js';
import { log, median, nowMs, round, size, sleep, type BenchRow } from './bench-util.js';
import { floodScript, markerOf } from './log-scripts.js';
import { makeQueryEntries } from './query-entries.js';
import type { BenchContext } from './scenario-context.js';
import { runCli } from './scenario-ingest.js';
import { freePort, httpGet, startServiceProcess } from './service-process.js';

/** A webhook receiver that only counts lines and notes when a marker arrives (cheap: the bench measures the service). */
class CountingHook {
  lines = 0;
  markerAt = NaN;
  marker = '';
  private server: http.Server | undefined;
  port = 0;

  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        for (const b of body) if (b === 10) this.lines++;
        if (this.marker && Number.isNaN(this.markerAt) && body.includes(this.marker)) this.markerAt = nowMs();
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}

/** Polls a growing file for a marker, reading only the new bytes. */
async function waitInFile(file: string, marker: string, timeoutMs: number): Promise<number> {
  let offset = 0;
  let tail = '';
  const end = nowMs() + timeoutMs;
  const buf = Buffer.alloc(1 << 20);
  while (nowMs() < end) {
    if (existsSync(file) && statSync(file).size > offset) {
      const fd = openSync(file, 'r');
      try {
        for (;;) {
          const n = readSync(fd, buf, 0, buf.length, offset);
          if (n <= 0) break;
          offset += n;
          const text = tail + buf.subarray(0, n).toString('latin1');
          if (text.includes(marker)) return nowMs();
          tail = text.slice(-marker.length);
        }
      } finally {
        closeSync(fd);
      }
    }
    await sleep(10);
  }
  return NaN;
}

async function runForward(ctx: BenchContext, lines: number, tag: string, sink: 'webhook' | 'syslog'): Promise<number> {
  const name = `bench-fwd-${tag}`;
  const hook = sink === 'webhook' ? await new CountingHook().start() : undefined;
  const syslog = sink === 'syslog' ? await new Rsyslog(false).start() : undefined;
  const env: Record<string, string> = { LOGAGG_HOST_NAME: 'bench-host', ...(hook ? { FORWARD_WEBHOOK_URL: `http://127.0.0.1:${hook.port}/` } : { FORWARD_SYSLOG_URL: `tcp://127.0.0.1:${syslog!.port}` }) };
  const svc = await startServiceProcess({ dockerHost: ctx.dockerHost, include: name, maxLogBuffer: 10_000, env });
  try {
    const { script, env: cenv } = floodScript({ lines, tag });
    const c = await ctx.bd.create(name, script, cenv);
    const marker = markerOf(tag);
    if (hook) hook.marker = marker;
    await sleep(1500); // the forwarder has committed its first cursor
    const t0 = nowMs();
    await c.start();
    let at: number;
    if (hook) {
      const end = nowMs() + 300_000;
      while (Number.isNaN(hook.markerAt) && nowMs() < end) await sleep(10);
      at = hook.markerAt;
    } else {
      at = await waitInFile(join(syslog!.dir, 'out.jsonl'), marker, 300_000);
    }
    await c.wait();
    return at - t0;
  } finally {
    await svc.stop();
    await hook?.stop();
    await syslog?.stop();
    await ctx.bd.removeAll(name);
  }
}

/** Writes `count` entries into a fresh store in `dir` and a webhook cursor at 0, so that all of them wait for it. */
function fillWaiting(dir: string, count: number): void {
  const db = new StoreDb();
  db.open(dir, Date.now() - 24 * 3_600_000);
  const end = Date.now() - 60_000;
  const span = 20 * 3_600_000;
  let seq = 0;
  const chunk = 50_000;
  for (let i = 0; i < count; i += chunk) {
    const n = Math.min(chunk, count - i);
    const set = makeQueryEntries(n, end - span + ((i + n) * span) / count, (n * span) / count, 7 + i);
    for (let k = 0; k < set.entries.length; k += 500) db.write(set.entries.slice(k, k + 500).map((e) => ({ ...e, seq: ++seq }) as StoredEntry), []);
  }
  db.commitForwardCursor('webhook', 0, 0, Date.now());
  db.close();
}

async function backlog(ctx: BenchContext): Promise<BenchRow[]> {
  const count = size(1_000_000, 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'logagg-bench-fwd-'));
  const port = await freePort();
  let hook: CountingHook | undefined;
  const svc = await (async () => {
    log(`forward: writing ${count} entries waiting for a webhook sink`);
    fillWaiting(dir, count);
    return startServiceProcess({ dockerHost: ctx.dockerHost, include: 'bench-fwd-nothing', maxLogBuffer: 10_000, env: { DATA_DIR: dir, FORWARD_WEBHOOK_URL: `http://127.0.0.1:${port}/`, LOGAGG_HOST_NAME: 'bench-host' }, nodeFlags: (process.env.BENCH_FORWARD_NODE_FLAGS ?? '').split(' ').filter(Boolean) });
  })();
  try {
    svc.resetPeak();
    await sleep(Number(process.env.BENCH_FORWARD_DOWN_MS) || size(20_000, 5000));
    const status = JSON.parse((await httpGet(svc.port, '/forwarding')).body) as { sinks: { lag_entries: number; state: string }[] };
    const down = svc.memory();
    log(`forward: sink down, ${status.sinks[0]?.lag_entries} entries waiting (${status.sinks[0]?.state}): peak RSS ${down.hwmMb.toFixed(1)} MB`);
    hook = await new CountingHook().start(port);
    const t0 = nowMs();
    svc.resetPeak();
    const end = t0 + 600_000;
    const rss: number[] = [];
    while (hook.lines < count && nowMs() < end) {
      await sleep(50);
      if (rss.length < 100_000) rss.push(svc.memory().rssMb);
    }
    log(`forward: RSS while draining, every 50 ms (MB): ${rss.filter((_, i) => i % 20 === 0).map((x) => x.toFixed(0)).join(' ')}`);
    const drainMs = nowMs() - t0;
    const drained = svc.memory();
    if (process.env.BENCH_FORWARD_NODE_FLAGS) log(`forward: service output at the end of the drain:\n${svc.output().slice(-4000)}`);
    log(`forward: ${hook.lines} entries drained in ${drainMs.toFixed(0)} ms (${((hook.lines / drainMs) * 1000).toFixed(0)}/s), peak RSS ${drained.hwmMb.toFixed(1)} MB`);
    return [
      { scenario: 'forward', metric: `peak RSS (VmHWM), webhook down, ${count / 1000}k entries waiting`, value: round(down.hwmMb, 1), unit: 'MB', target: '≤ 128', pass: down.hwmMb <= 128, detail: { lag: status.sinks[0]?.lag_entries } },
      { scenario: 'forward', metric: `drain ${count / 1000}k entries once the webhook is back`, value: round(drainMs, 0), unit: 'ms', target: '', pass: null, detail: { delivered: hook.lines, perSec: round((hook.lines / drainMs) * 1000, 0) } },
      { scenario: 'forward', metric: `peak RSS (VmHWM) while draining ${count / 1000}k`, value: round(drained.hwmMb, 1), unit: 'MB', target: '≤ 128', pass: drained.hwmMb <= 128 },
    ];
  } finally {
    await svc.stop();
    await hook?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchForward(ctx: BenchContext): Promise<BenchRow[]> {
  const lines = size(200_000, 20_000);
  const rounds = size(3, 1);
  const rows: BenchRow[] = [];
  for (const sink of process.env.BENCH_FORWARD_PART === 'backlog' ? [] : (['webhook', 'syslog'] as const)) {
    const fwd: number[] = [];
    const cli: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? (['fwd', 'cli'] as const) : (['cli', 'fwd'] as const);
      for (const which of order) {
        const tag = `f${r}${which}${sink[0]}${Date.now().toString(36)}`;
        const ms = which === 'fwd' ? await runForward(ctx, lines, tag, sink) : (await runCli(ctx, lines, tag)).ms;
        (which === 'fwd' ? fwd : cli).push(ms);
        log(`forward ${sink} round ${r + 1}/${rounds} ${which === 'fwd' ? 'forwarded' : 'docker CLI'}: ${Number.isNaN(ms) ? 'LAST LINE NEVER ARRIVED' : `${ms.toFixed(0)} ms`}`);
      }
    }
    const f = median(fwd.filter(Number.isFinite));
    const c = median(cli.filter(Number.isFinite));
    rows.push({ scenario: 'forward', metric: `${lines / 1000}k flood to ${sink === 'webhook' ? 'a local webhook' : 'rsyslog over TCP'}: last line at the sink (median of ${rounds})`, value: round(f, 0), unit: 'ms', target: '', pass: null, detail: { forwardMs: fwd.map((x) => round(x, 0)), cliMs: cli.map((x) => round(x, 0)) } });
    rows.push({ scenario: 'forward', metric: `${sink}: forwarded / docker logs -f`, value: round(f / c, 3), unit: '×', target: '', pass: null, detail: { cliMedianMs: round(c, 0) } });
  }
  rows.push(...(await backlog(ctx)));
  return rows;
}
