/**
 * The service as a real child process (`node dist/main.js`), for the scenarios that measure RSS, startup or
 * latency without the bench's own event loop in the way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  /** Resets VmHWM to the current RSS (writes 5 to /proc/<pid>/clear_refs); false when the kernel refuses. */
  resetPeak(): boolean;
  /** The last lines the service wrote (stdout and stderr). */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

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
  const t0 = nowMs();
  const child = spawn(process.execPath, [...flags, opts.entry ?? MAIN_JS], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (c: Buffer) => {
    out += c.toString('utf8');
    if (out.length > 20_000) out = out.slice(-10_000);
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

  const stop = async (graceMs = 15_000): Promise<void> => {
    running.delete(handle);
    if (exited) {
      if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
      return;
    }
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
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
    resetPeak() {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        return true;
      } catch {
        return false;
      }
    },
    output: () => out,
    stop,
  } satisfies ServiceProcess);
}

/** The node flags of package.json's start script, e.g. `--max-semi-space-size=2`. */
function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
  return (pkg.scripts?.start ?? '').split(/\s+/).filter((a) => a.startsWith('--'));
}
