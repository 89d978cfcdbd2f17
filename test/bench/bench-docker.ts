/** Docker side of the bench: the rig's engine, labelled containers, the docker CLI as a reference reader. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { TEST_IMAGE, TEST_LABEL, TEST_RUN_LABEL, dockerFor, parseDockerHost } from '../rig/docker-rig.js';
import { dockerTsMs, nowMs, Sample } from './bench-util.js';

export const BENCH_RUN = `bench-${process.pid}-${Date.now().toString(36)}`;

export class BenchDocker {
  readonly docker: Docker;
  readonly cli: string | undefined;
  constructor(readonly dockerHost: string) {
    this.docker = dockerFor(parseDockerHost(dockerHost));
    this.cli = findDockerCli();
  }

  /** Creates (does not start) a container running `/bin/sh -c script` in the test image. */
  async create(name: string, script: string, env: string[] = []): Promise<Docker.Container> {
    return this.docker.createContainer({
      name,
      Image: TEST_IMAGE,
      Cmd: ['/bin/sh', '-c', script],
      Env: env,
      Tty: false,
      StopTimeout: 1,
      Labels: { [TEST_LABEL]: '1', [TEST_RUN_LABEL]: BENCH_RUN, 'logagg.bench': '1' },
      HostConfig: { NetworkMode: 'none', LogConfig: { Type: 'json-file', Config: {} } },
    });
  }

  /** Force-removes the containers whose names start with `prefix` (all of this run's when omitted). */
  async removeAll(prefix?: string): Promise<void> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [`${TEST_RUN_LABEL}=${BENCH_RUN}`] } });
    const victims = list.filter((c) => !prefix || c.Names.some((n) => n.replace(/^\//, '').startsWith(prefix)));
    await Promise.allSettled(victims.map((c) => this.docker.getContainer(c.Id).remove({ force: true, v: true })));
  }

  async version(): Promise<{ client?: string; server?: string; apiVersion?: string; storageDriver?: string; loggingDriver?: string }> {
    const v = (await this.docker.version()) as { Version?: string; ApiVersion?: string };
    const info = (await this.docker.info()) as { Driver?: string; LoggingDriver?: string };
    let client: string | undefined;
    if (this.cli) {
      const r = spawnSync(this.cli, ['version', '--format', '{{.Client.Version}}'], { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: this.dockerHost } });
      client = r.stdout.trim() || undefined;
    }
    return { client, server: v.Version, apiVersion: v.ApiVersion, storageDriver: info.Driver, loggingDriver: info.LoggingDriver };
  }

  /**
   * `docker logs -f --timestamps <id>` as a child process. Calls `onMarker` when the marker text shows up, and
   * (when `latencies` is given) records arrival − Docker timestamp for every line.
   */
  followWithCli(id: string, marker: string, opts: { latencies?: Sample; onLine?: () => void; sampleEvery?: number } = {}): CliFollower {
    if (!this.cli) throw new Error('docker CLI not found (install docker.io or put docker in PATH)');
    const child = spawn(this.cli, ['-H', this.dockerHost, 'logs', '-f', '--timestamps', id], { stdio: ['ignore', 'pipe', 'pipe'] });
    return new CliFollower(child, marker, opts);
  }
}

export class CliFollower {
  markerAt: number | undefined;
  lines = 0;
  bytes = 0;
  stderr = '';
  readonly exited: Promise<number | null>;
  private resolveMarker!: (t: number) => void;
  readonly marker: Promise<number>;
  private partial = '';

  constructor(
    readonly child: ChildProcess,
    private readonly markerText: string,
    private readonly opts: { latencies?: Sample; onLine?: () => void; sampleEvery?: number },
  ) {
    this.marker = new Promise((r) => (this.resolveMarker = r));
    this.exited = new Promise((r) => child.once('exit', (code) => r(code)));
    child.stderr!.on('data', (b: Buffer) => (this.stderr = (this.stderr + b.toString('utf8')).slice(-2000)));
    child.stdout!.on('data', (b: Buffer) => this.onData(b));
  }

  private onData(b: Buffer): void {
    const at = nowMs();
    this.bytes += b.length;
    const text = this.partial + b.toString('latin1');
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.lines++;
      // `<RFC3339Nano> <line>`
      if (this.opts.latencies && this.lines % (this.opts.sampleEvery ?? 1) === 0) {
        const sp = text.indexOf(' ', start);
        if (sp > start && sp < nl) this.opts.latencies.push(at - dockerTsMs(text.slice(start, sp)));
      }
      if (this.markerAt === undefined && text.lastIndexOf(this.markerText, nl) >= start) {
        this.markerAt = at;
        this.resolveMarker(at);
      }
      start = nl + 1;
    }
    this.partial = text.slice(start);
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

function findDockerCli(): string | undefined {
  for (const p of ['/usr/local/bin/docker', '/usr/bin/docker']) {
    const r = spawnSync(p, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return p;
  }
  const r = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}

/** CPU time (user+system, ms) a process has used so far, from /proc/<pid>/stat. */
export function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]);
    return (ticks * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}

const CLK_TCK = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

/** The pid of the rig's dockerd (for its CPU time), when it is ours. */
export function dockerdPid(pidFile: string | undefined): number | undefined {
  if (!pidFile) return undefined;
  try {
    const n = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(n) && n > 1 ? n : undefined;
  } catch {
    return undefined;
  }
}
