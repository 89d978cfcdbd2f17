/**
 * `npm run bench` (dist/test/bench/run-bench.js): the performance suite against a real Docker engine.
 *
 * Environment:
 *   BENCH_QUICK=1          smaller sizes and fewer rounds (a smoke run, ~2 min)
 *   BENCH_OUT=path         where the JSON results go (default: bench-results.json in the repo root)
 *   BENCH_ONLY=a,b         run only these scenarios (parse, runtime, query, ingest, stream, fan-out, memory, bytes, startup, store, forward, ui)
 *   BENCH_PROFILE=dir      start every service child process with --cpu-prof --cpu-prof-dir=dir
 *   BENCH_STRICT=1         exit 1 when a target is missed (default: exit 0 unless the bench itself failed)
 *   TEST_DOCKER_HOST       use this engine instead of the rig's private one (see test/rig/docker-rig.ts)
 *
 * The engine comes from the test rig: a private dockerd (installed with apt-get when missing) with the busybox
 * test image, torn down at the end, also on SIGINT/SIGTERM.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureEngine, type RigInfo } from '../rig/docker-rig.js';
import { BenchDocker } from './bench-docker.js';
import { formatSummary, summariseProfile } from './cpuprofile-top.js';
import { formatTable, log, machineInfo, QUICK, type BenchRow, type MachineInfo } from './bench-util.js';
import type { BenchContext } from './scenario-context.js';
import { benchIngest } from './scenario-ingest.js';
import { benchFanout, benchStream } from './scenario-live.js';
import { benchMemory } from './scenario-memory.js';
import { benchBytes } from './scenario-bytes.js';
import { benchQuery } from './scenario-query.js';
import { benchParseScenario, benchRuntime } from './scenario-runtime.js';
import { benchStartup } from './scenario-startup.js';
import { benchStore } from './scenario-store.js';
import { benchForward } from './scenario-forward.js';
import { benchUi } from './scenario-ui.js';
import { ROOT, stopAllServices } from './service-process.js';

interface Scenario {
  name: string;
  docker: boolean;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

const SCENARIOS: Scenario[] = [
  { name: 'parse', docker: false, run: () => benchParseScenario() },
  { name: 'runtime', docker: false, run: () => benchRuntime() },
  { name: 'query', docker: true, run: benchQuery },
  { name: 'ingest', docker: true, run: benchIngest },
  { name: 'stream', docker: true, run: benchStream },
  { name: 'fan-out', docker: true, run: benchFanout },
  { name: 'memory', docker: true, run: benchMemory },
  { name: 'bytes', docker: true, run: benchBytes },
  { name: 'startup', docker: true, run: benchStartup },
  { name: 'store', docker: true, run: benchStore },
  { name: 'forward', docker: true, run: benchForward },
  { name: 'ui', docker: true, run: benchUi },
];

let rig: RigInfo | undefined;
let bd: BenchDocker | undefined;
let tearingDown: Promise<void> | undefined;

function teardown(): Promise<void> {
  tearingDown ??= (async () => {
    await stopAllServices();
    if (bd) await bd.removeAll().catch(() => undefined);
    if (rig) await rig.stop().catch((e: unknown) => log(`rig teardown failed: ${(e as Error).message}`));
  })();
  return tearingDown;
}

process.on('uncaughtException', (e) => {
  log(`uncaught: ${(e as Error)?.stack ?? String(e)}`);
  void teardown().finally(() => process.exit(1));
});

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    log(`${sig}: tearing down`);
    void teardown().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const only = (process.env.BENCH_ONLY ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = only.filter((o) => !SCENARIOS.some((s) => s.name === o));
  if (unknown.length) throw new Error(`BENCH_ONLY: unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const selected = SCENARIOS.filter((s) => only.length === 0 || only.includes(s.name));
  const out = path.resolve(process.env.BENCH_OUT || path.join(ROOT, 'bench-results.json'));
  const profileDir = process.env.BENCH_PROFILE ? path.resolve(process.env.BENCH_PROFILE) : undefined;
  log(`logagg bench${QUICK ? ' (BENCH_QUICK)' : ''}: ${selected.map((s) => s.name).join(', ')}`);

  let ctx: BenchContext | undefined;
  if (selected.some((s) => s.docker)) {
    rig = await ensureEngine({ log: (m) => log(`[rig] ${m}`) });
    bd = new BenchDocker(rig.dockerHost);
    ctx = { dockerHost: rig.dockerHost, bd, rig: rig.state, ...(profileDir ? { profileDir } : {}) };
  }
  const dockerVersion: MachineInfo['docker'] = bd ? await bd.version().catch(() => ({})) : {};
  const machine = machineInfo(dockerVersion);
  log(`machine: ${machine.cpuCount} × ${machine.cpuModel}, ${machine.totalMemMb} MB, ${machine.os}, node ${machine.node}, docker ${dockerVersion.server ?? 'n/a'}`);

  const rows: BenchRow[] = [];
  const timings: Record<string, number> = {};
  for (const s of selected) {
    const s0 = Date.now();
    log(`--- ${s.name}`);
    try {
      rows.push(...(await s.run(ctx as BenchContext)));
    } catch (e) {
      const msg = (e as Error)?.stack ?? String(e);
      log(`${s.name} FAILED: ${msg}`);
      rows.push({ scenario: s.name, metric: 'scenario failed', value: null, unit: '', target: 'runs', pass: false, detail: { error: msg } });
      await stopAllServices();
    }
    timings[s.name] = Math.round((Date.now() - s0) / 1000);
    log(`--- ${s.name} done in ${timings[s.name]} s`);
  }

  const table = formatTable(rows);
  process.stdout.write(`\n${table}\n\n`);
  const result = {
    quick: QUICK,
    machine,
    durationSec: Math.round((Date.now() - t0) / 1000),
    scenarioSeconds: timings,
    rows,
    table: table.split('\n'),
  };
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  if (profileDir) summariseProfiles(profileDir);
  log(`results written to ${out} (${result.durationSec} s in all)`);
  const failed = rows.filter((r) => r.pass === false);
  if (failed.length) log(`${failed.length} target(s) missed: ${failed.map((r) => `${r.scenario}: ${r.metric}`).join('; ')}`);
  const crashed = rows.some((r) => r.metric === 'scenario failed');
  return crashed || (process.env.BENCH_STRICT === '1' && failed.length > 0) ? 1 : 0;
}

/** Writes profile-summary.txt next to the service profiles (one section per service run). */
function summariseProfiles(dir: string): void {
  const parts: string[] = [];
  for (const sub of existsSync(dir) ? readdirSync(dir).sort() : []) {
    const d = path.join(dir, sub);
    if (!statSync(d).isDirectory()) continue;
    for (const f of readdirSync(d).filter((x) => x.endsWith('.cpuprofile'))) parts.push(`## ${sub}\n${formatSummary(summariseProfile(path.join(d, f), 20))}\n`);
  }
  if (parts.length === 0) return;
  writeFileSync(path.join(dir, 'profile-summary.txt'), parts.join('\n'));
  log(`CPU profiles summarised in ${path.join(dir, 'profile-summary.txt')}`);
}

let code = 1;
try {
  code = await main();
} catch (e) {
  log(`bench failed: ${(e as Error)?.stack ?? String(e)}`);
} finally {
  await teardown();
}
process.exit(code);
