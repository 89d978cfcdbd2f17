/**
 * The service as a real child process (`node dist/main.js`), for the scenarios that measure RSS, startup or
 * latency without the bench's own event loop in the way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nowMs, sleep } from './bench-util.js';
import { freePort } from '../support/service-process.js';

const HERE = path.dirname(fileURLToPath(import.meta.url)); // <root>/dist/test/bench
export const ROOT = path.resolve(HERE, '..', '..', '..');
export const MAIN_JS = path.join(ROOT, 'dist', 'main.js');

/** A free TCP port on 127.0.0.1 (closed again before returning; the service binds it right after). */
export { freePort };

/** GET on 127.0.0.1 without connection reuse; resolves with status and body (never rejects on HTTP errors). */
export function httpGet(port: number, pathAndQuery: string, timeoutMs = 5000, agent: http.Agent | false = false): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathAndQuery, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${pathAndQuery} timed out`)));
    req.on('error', reject);
  });
}

export interface HealthBody {
  status: string;
  containers_monitored: number | null;
  docker_connection: string;
  log_buffer_size: number | null;
  log_buffer_capacity: number | null;
  dropped_entries: number;
  actor_restarts: number;
  dead_letters: number;
}

export interface ServiceProcessOptions {
  dockerHost: string;
  /** INCLUDE_CONTAINERS: comma-separated name globs. */
  include: string;
  maxLogBuffer: number;
  env?: Record<string, string>;
  /** Adds --cpu-prof, writing the profile into this directory on a graceful stop. */
  cpuProfDir?: string;
  /** Extra node flags. */
  nodeFlags?: string[];
  /** How long to wait for the first /health 200 (default 20 s). */
  readyTimeoutMs?: number;
  /** Poll period of /health while waiting (default 5 ms). */
  pollMs?: number;
  /** Script to run instead of dist/main.js (e.g. service-memory-probe.js). */
  entry?: string;
  /**
   * Runs the process in a memory cgroup of its own with this limit, as `mem_limit: 128m` in the compose
   * file does: the kernel reclaims file-backed pages under the limit and OOM-kills only when it cannot.
   */
  memoryLimitMb?: number;
}

export interface ServiceProcess {
  pid: number;
  port: number;
  child: ChildProcess;
  /** Spawn to the first /health 200, in ms. */
  readyMs: number;
  health(): Promise<HealthBody>;
  /** Current and peak (VmHWM) resident set in MiB, from /proc. */
  memory(): { rssMb: number; hwmMb: number };
  /**
   * Peak anonymous memory (RssAnon: heap, stacks, malloc; what no reclaim can free), sampled every 20 ms,
   * and, with `memoryLimitMb`, the cgroup's figures: its limit, its peak charge (page cache included) and
   * how many times the kernel OOM-killed in it.
   */
  anon(): { anonPeakMb: number; cgroup?: CgroupFigures };
  /** Resets VmHWM to the current RSS (writes 5 to /proc/<pid>/clear_refs); false when the kernel refuses. */
  resetPeak(): boolean;
  /** The last lines the service wrote (stdout and stderr). */
  output(): string;
  /** How the process ended (`killed by SIGKILL`, `exit code 1`), undefined while it runs. */
  exitReason(): string | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface CgroupFigures {
  limitMb: number;
  /** memory.max_usage_in_bytes: the charge's peak, reclaimable page cache included. */
  peakChargeMb: number;
  oomKills: number;
}

/** A memory cgroup (v1 or v2) with a limit, for one process; undefined when this machine has none we may create. */
class MemoryCgroup {
  private constructor(readonly dir: string, private readonly v2: boolean, readonly limitMb: number) {}

  static create(limitMb: number): MemoryCgroup {
    const name = `logagg-bench-${process.pid}-${++cgroupCount}`;
    for (const [root, v2] of [['/sys/fs/cgroup/memory', false], ['/sys/fs/cgroup', true]] as const) {
      if (!existsSync(path.join(root, v2 ? 'cgroup.controllers' : 'memory.limit_in_bytes'))) continue;
      const dir = path.join(root, name);
      mkdirSync(dir);
      writeFileSync(path.join(dir, v2 ? 'memory.max' : 'memory.limit_in_bytes'), String(limitMb * 1048576));
      if (v2) writeFileSync(path.join(dir, 'memory.swap.max'), '0');
      return new MemoryCgroup(dir, v2, limitMb);
    }
    throw new Error('no memory cgroup controller to create a cgroup in (need root and cgroup v1 memory or v2)');
  }

  figures(): CgroupFigures {
    const read = (f: string) => readFileSync(path.join(this.dir, f), 'utf8');
    const peak = this.v2 ? Number(read('memory.peak')) : Number(read('memory.max_usage_in_bytes'));
    const oom = /oom_kill (\d+)/.exec(read(this.v2 ? 'memory.events' : 'memory.oom_control'));
    return { limitMb: this.limitMb, peakChargeMb: Math.round((peak / 1048576) * 10) / 10, oomKills: oom ? Number(oom[1]) : 0 };
  }

  remove(): void {
    try {
      rmdirSync(this.dir);
    } catch {
      /* still charged pages or a process left: the kernel frees it with the last of them */
    }
  }
}
let cgroupCount = 0;

/** Characters of the service's output kept for output() (more with BENCH_KEEP_OUTPUT, e.g. for a GC trace). */
const KEEP_OUTPUT = Number(process.env.BENCH_KEEP_OUTPUT) || 20_000;

function procStatusKb(pid: number, field: string): number {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

/** Every service process started and not yet stopped, so that an interrupted bench can end them. */
const running = new Set<ServiceProcess>();

// A bench that dies (uncaught error, process.exit) must not leave services behind: kill what is left on exit.
process.once('exit', () => {
  for (const s of running) {
    try {
      s.child?.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
});

/** Stops every service process still running (SIGTERM, SIGKILL after a short grace). */
export async function stopAllServices(graceMs = 5000): Promise<void> {
  await Promise.allSettled([...running].map((s) => s.stop(graceMs)));
}

/** Starts `node dist/main.js` and waits for /health to answer 200. */
export async function startServiceProcess(opts: ServiceProcessOptions): Promise<ServiceProcess> {
  const port = await freePort();
  // Each service its own store (removed when it stops), never the repository's ./data.
  const ownDataDir = opts.env?.DATA_DIR === undefined ? mkdtempSync(path.join(os.tmpdir(), 'logagg-bench-data-')) : undefined;
  // The same V8 flags as `npm start` (and the Dockerfile), so that RSS is measured as it runs.
  const flags = [...startFlags(), ...(opts.nodeFlags ?? [])];
  if (opts.cpuProfDir) flags.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DOCKER_HOST: opts.dockerHost,
    LOG_AGGREGATOR_PORT: String(port),
    LOG_AGGREGATOR_HOST: '127.0.0.1',
    MAX_LOG_BUFFER: String(opts.maxLogBuffer),
    INCLUDE_CONTAINERS: opts.include,
    LOG_LEVEL: 'WARNING',
    ...(ownDataDir ? { DATA_DIR: ownDataDir } : {}),
    ...(opts.env ?? {}),
  };
  delete env.NODE_OPTIONS;
  const cgroup = opts.memoryLimitMb !== undefined ? MemoryCgroup.create(opts.memoryLimitMb) : undefined;
  const t0 = nowMs();
  const argv = [...flags, opts.entry ?? MAIN_JS];
  // In a cgroup: a shell joins it, then becomes node (exec), so that every page node touches is charged there.
  const child = cgroup
    ? spawn('/bin/sh', ['-c', `echo $$ > ${path.join(cgroup.dir, 'cgroup.procs')} && exec "$0" "$@"`, process.execPath, ...argv], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (c: Buffer) => {
    out += c.toString('utf8');
    if (out.length > KEEP_OUTPUT) out = out.slice(-KEEP_OUTPUT / 2);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: string | undefined;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', (code, sig) => {
      exited = sig ? `killed by ${sig}` : `exit code ${code}`;
      resolve();
    }),
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the service');
  let anonPeakKb = 0;
  const sampler = setInterval(() => {
    try {
      const kb = procStatusKb(pid, 'RssAnon');
      if (kb > anonPeakKb) anonPeakKb = kb;
    } catch {
      /* gone */
    }
  }, 20);
  sampler.unref();
  void gone.then(() => clearInterval(sampler));
  let lastCgroup: CgroupFigures | undefined;
  const cgroupFigures = () => {
    if (cgroup) lastCgroup = cgroup.figures();
    return lastCgroup;
  };

  const stop = async (graceMs = 15_000): Promise<void> => {
    running.delete(handle);
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(timer);
    }
    if (cgroup) {
      cgroupFigures();
      cgroup.remove();
    }
    if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
  };

  // Filled in below; registered at once so that an interrupt during startup still ends the process.
  const handle = { stop, child } as ServiceProcess;
  running.add(handle);
  const pollMs = opts.pollMs ?? 5;
  const end = Date.now() + (opts.readyTimeoutMs ?? 20_000);
  let readyMs = NaN;
  for (;;) {
    if (exited) throw new Error(`service exited during startup (${exited}):\n${out.slice(-3000)}`);
    try {
      const r = await httpGet(port, '/health', 1000);
      if (r.status === 200) {
        readyMs = nowMs() - t0;
        break;
      }
    } catch {
      /* not listening yet */
    }
    if (Date.now() > end) {
      await stop(2000);
      throw new Error(`service did not answer /health 200 within ${opts.readyTimeoutMs ?? 20_000} ms:\n${out.slice(-3000)}`);
    }
    await sleep(pollMs);
  }

  return Object.assign(handle, {
    pid,
    port,
    child,
    readyMs,
    async health() {
      const r = await httpGet(port, '/health', 10_000);
      return JSON.parse(r.body) as HealthBody;
    },
    memory() {
      return { rssMb: procStatusKb(pid, 'VmRSS') / 1024, hwmMb: procStatusKb(pid, 'VmHWM') / 1024 };
    },
    anon() {
      const cg = cgroupFigures();
      return { anonPeakMb: Math.round((anonPeakKb / 1024) * 10) / 10, ...(cg ? { cgroup: cg } : {}) };
    },
    resetPeak() {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        return true;
      } catch {
        return false;
      }
    },
    output: () => out,
    exitReason: () => exited,
    stop,
  } satisfies ServiceProcess);
}

/** The node flags of package.json's start script, e.g. `--max-semi-space-size=2`. */
function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
  return (pkg.scripts?.start ?? '').split(/\s+/).filter((a) => a.startsWith('--'));
}
