/**
 * Test rig: makes sure a Docker engine and the registry-free test image exist.
 *
 * Order of preference:
 *   1. TEST_DOCKER_HOST (unix socket path, unix://…, tcp://…) – must answer, no fallback;
 *   2. /var/run/docker.sock when it answers a ping;
 *   3. a private dockerd (installed with apt-get when missing) under a fresh temp dir,
 *      torn down completely by RigInfo.stop().
 *
 * The test image `logagg-test/busybox:latest` is built from the host's static busybox
 * (no registry, no docker CLI) and loaded with POST /images/create?fromSrc=-.
 *
 * Everything needed to stop/start the private daemon again is kept in a serialisable
 * RigState, so test processes (see rig-client.ts) can restart the daemon from the
 * JSON file named by LOGAGG_RIG_STATE.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  rmSync,
  rmdirSync,
  statSync,
  writeFileSync,
  accessSync,
  constants as fsConstants,
} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import Docker from 'dockerode';

export const TEST_IMAGE = 'logagg-test/busybox:latest';
export const TEST_IMAGE_REPO = 'logagg-test/busybox';
export const TEST_IMAGE_TAG = 'latest';
/** Label every test container carries (rig-client adds `logagg.test.run=<run id>` too). */
export const TEST_LABEL = 'logagg.test';
export const TEST_RUN_LABEL = 'logagg.test.run';

const DEFAULT_SOCKET = '/var/run/docker.sock';
const SYSTEM_CONTAINERD_SOCKET = '/run/containerd/containerd.sock';
const RIG_DIR_PREFIX = 'logagg-rig-';
const APT_LOG = path.join(os.tmpdir(), 'logagg-test-apt.log');
/** Copy of the private dockerd's log, kept after teardown. */
export const LAST_DOCKERD_LOG = path.join(os.tmpdir(), 'logagg-test-dockerd.log');
const EXTRA_BIN_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Everything about the engine that survives a JSON round trip (written to LOGAGG_RIG_STATE). */
export interface RigState {
  /** unix://… or tcp://… – what DOCKER_HOST should be set to. */
  dockerHost: string;
  /** Unix socket path of the engine ('' for a tcp engine). */
  socketPath: string;
  /** True when the rig started (and owns) the daemon. */
  private: boolean;
  image: string;
  /** ms until the daemon answered its first ping (0 when an existing engine was used). */
  startMs: number;
  /** ms spent importing the test image (0 when it was already there). */
  imageMs: number;
  /** Private engine only: */
  dir?: string;
  dataDir?: string;
  execRoot?: string;
  pidFile?: string;
  logFile?: string;
  /** Full dockerd argv, argv[0] being the dockerd binary. */
  dockerdArgv?: string[];
  /** Set when the rig runs its own containerd (only when a system containerd socket exists). */
  containerd?: { argv: string[]; pidFile: string; socket: string; logFile: string };
}

export interface RigInfo {
  socketPath: string;
  dockerHost: string;
  private: boolean;
  startMs: number;
  imageMs: number;
  dataDir?: string;
  state: RigState;
  /** Tear everything down (private: daemon, processes, mounts, temp dir; shared: this run's containers). */
  stop(): Promise<void>;
  /** Private engine only: SIGTERM dockerd and wait until it is gone (data-root is kept). */
  stopDaemon(): Promise<void>;
  /** Private engine only: start dockerd again with the same argv and wait for its ping. */
  startDaemon(): Promise<void>;
}

export interface EnsureEngineOptions {
  /** Containers labelled logagg.test.run=<runId> are removed by stop() on a shared engine. */
  runId?: string;
  log?: (msg: string) => void;
}

const defaultLog = (msg: string): void => {
  process.stdout.write(`[rig] ${msg}\n`);
};

// ---------------------------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------------------------

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface HostSpec {
  url: string;
  socketPath?: string;
  host?: string;
  port?: number;
}

/** Parse `/path`, `unix:///path`, `tcp://host:port` (also `http://`, bare `host:port`). */
export function parseDockerHost(value: string): HostSpec {
  const v = value.trim();
  if (v.startsWith('unix://')) {
    const p = v.slice('unix://'.length);
    if (!p) throw new Error(`bad docker host ${JSON.stringify(value)}: unix:// without a path`);
    return { url: `unix://${p}`, socketPath: p };
  }
  if (v.startsWith('/')) return { url: `unix://${v}`, socketPath: v };
  const withScheme = v.includes('://') ? v : `tcp://${v}`;
  const u = new URL(withScheme);
  if (u.protocol !== 'tcp:' && u.protocol !== 'http:') {
    throw new Error(`unsupported docker host ${JSON.stringify(value)} (use a unix socket or tcp://host:port)`);
  }
  const port = Number(u.port || 2375);
  return { url: `tcp://${u.hostname}:${port}`, host: u.hostname, port };
}

export function dockerFor(spec: HostSpec): Docker {
  return spec.socketPath
    ? new Docker({ socketPath: spec.socketPath })
    : new Docker({ host: spec.host, port: spec.port, protocol: 'http' });
}

/** GET /_ping with a hard timeout; true only for HTTP 200 "OK". Never throws. */
export function pingDocker(spec: HostSpec, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (ok: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(ok);
    };
    const req = http.request(
      {
        method: 'GET',
        path: '/_ping',
        agent: false,
        ...(spec.socketPath ? { socketPath: spec.socketPath } : { host: spec.host, port: spec.port }),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => finish(res.statusCode === 200 && body.trim() === 'OK'));
        res.on('error', () => finish(false));
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish(false);
    }, timeoutMs);
    req.on('error', () => finish(false));
    req.end();
  });
}

export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), ...EXTRA_BIN_DIRS];
  for (const d of dirs) {
    const p = path.join(d, name);
    try {
      if (!statSync(p).isFile()) continue;
      accessSync(p, fsConstants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** True for an ELF executable without a PT_INTERP program header (static or static-pie). */
export function isStaticElf(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const h = Buffer.alloc(64);
    if (readSync(fd, h, 0, 64, 0) < 52) return false;
    if (h.readUInt32BE(0) !== 0x7f454c46) return false;
    const is64 = h[4] === 2;
    const le = h[5] !== 2;
    const u16 = (b: Buffer, o: number): number => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const phoff = is64 ? Number(le ? h.readBigUInt64LE(0x20) : h.readBigUInt64BE(0x20)) : u32(h, 0x1c);
    const phentsize = u16(h, is64 ? 0x36 : 0x2a);
    const phnum = u16(h, is64 ? 0x38 : 0x2c);
    if (phnum === 0 || phentsize < 4) return false;
    const ph = Buffer.alloc(phentsize * phnum);
    readSync(fd, ph, 0, ph.length, phoff);
    for (let i = 0; i < phnum; i++) {
      if (u32(ph, i * phentsize) === 3 /* PT_INTERP */) return false;
    }
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function findStaticBusybox(): string | undefined {
  const candidates = [findExecutable('busybox'), '/bin/busybox', '/usr/bin/busybox'];
  for (const c of candidates) if (c && existsSync(c) && isStaticElf(c)) return c;
  return undefined;
}

/** Alive and not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** Does the process's argv mention a path inside dir? */
function mentions(pid: number, dir: string): boolean {
  return cmdlineOf(pid).includes(dir + '/');
}

function readPid(file: string | undefined): number | undefined {
  if (!file) return undefined;
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 1 ? n : undefined;
  } catch {
    return undefined;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

/** SIGTERM, bounded wait, then SIGKILL (to the process group too when it leads one). */
async function terminate(pid: number, graceMs: number, what: string, log: (m: string) => void): Promise<void> {
  if (!isAlive(pid)) return;
  signal(pid, 'SIGTERM');
  if (await waitGone(pid, graceMs)) return;
  log(`${what} (pid ${pid}) did not exit ${graceMs} ms after SIGTERM; sending SIGKILL`);
  signal(-pid, 'SIGKILL');
  signal(pid, 'SIGKILL');
  if (!(await waitGone(pid, 5000))) log(`WARNING: ${what} (pid ${pid}) survived SIGKILL`);
}

export function logTail(file: string | undefined, lines = 40): string {
  if (!file) return '(no log)';
  try {
    const all = readFileSync(file, 'utf8').trimEnd().split('\n');
    return all.slice(-lines).join('\n');
  } catch (e) {
    return `(cannot read ${file}: ${(e as Error).message})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Tools: dockerd, static busybox (apt-get when missing)
// ---------------------------------------------------------------------------------------------

export function runLogged(cmd: string, args: string[], logFile: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const fd = openSync(logFile, 'a');
    writeFileSync(fd, `\n$ ${cmd} ${args.join(' ')}\n`);
    const child = spawn(cmd, args, {
      stdio: ['ignore', fd, fd],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'l' },
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      closeSync(fd);
      reject(e);
    });
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      closeSync(fd);
      resolve(code ?? (sig ? 128 : 1));
    });
  });
}

async function ensureTools(log: (m: string) => void): Promise<{ dockerd: string; busybox: string }> {
  const force = process.env.LOGAGG_RIG_FORCE_INSTALL === '1';
  let dockerd = findExecutable('dockerd');
  let busybox = findStaticBusybox();
  if (dockerd && busybox && !force) return { dockerd, busybox };

  const missing = [!dockerd && 'dockerd', !busybox && 'static busybox'].filter(Boolean).join(' and ') || 'nothing (forced)';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(`${missing} missing and not running as root: cannot apt-get install docker.io busybox-static`);
  }
  if (!findExecutable('apt-get')) throw new Error(`${missing} missing and apt-get is not available`);
  const t0 = Date.now();
  log(`${missing} missing: installing docker.io busybox-static with apt-get (output in ${APT_LOG})`);
  writeFileSync(APT_LOG, `logagg test rig apt-get run at ${new Date().toISOString()}\n`);
  const upd = await runLogged('apt-get', ['update'], APT_LOG, 10 * 60_000);
  if (upd !== 0) throw new Error(`apt-get update failed (exit ${upd}):\n${logTail(APT_LOG, 20)}`);
  const inst = await runLogged(
    'apt-get',
    ['install', '-y', 'docker.io', 'busybox-static'],
    APT_LOG,
    15 * 60_000,
  );
  if (inst !== 0) throw new Error(`apt-get install failed (exit ${inst}):\n${logTail(APT_LOG, 20)}`);
  dockerd = findExecutable('dockerd');
  busybox = findStaticBusybox();
  if (!dockerd || !busybox) {
    throw new Error(`after apt-get install still missing: ${!dockerd ? 'dockerd ' : ''}${!busybox ? 'static busybox' : ''}`);
  }
  log(`apt-get install done in ${Date.now() - t0} ms`);
  return { dockerd, busybox };
}

// ---------------------------------------------------------------------------------------------
// Test image: a tar of the static busybox + applet symlinks, loaded with docker import
// ---------------------------------------------------------------------------------------------

function tarHeader(name: string, type: '0' | '2' | '5', mode: number, size: number, linkname = ''): Buffer {
  if (Buffer.byteLength(name) > 100 || Buffer.byteLength(linkname) > 100) throw new Error(`tar name too long: ${name}`);
  const b = Buffer.alloc(512);
  const octal = (off: number, len: number, v: number): void => {
    b.write(v.toString(8).padStart(len - 1, '0'), off, len - 1, 'latin1');
  };
  b.write(name, 0, 100, 'utf8');
  octal(100, 8, mode);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, Math.floor(Date.now() / 1000));
  b.fill(0x20, 148, 156);
  b.write(type, 156, 1, 'latin1');
  b.write(linkname, 157, 100, 'utf8');
  b.write('ustar\0', 257, 6, 'latin1');
  b.write('00', 263, 2, 'latin1');
  b.write('root', 265, 32, 'latin1');
  b.write('root', 297, 32, 'latin1');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return b;
}

/** Exported for tests. */
export function buildBusyboxTar(busybox: string, applets: string[]): Buffer {
  const parts: Buffer[] = [];
  const file = (name: string, mode: number, data: Buffer): void => {
    parts.push(tarHeader(name, '0', mode, data.length), data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad));
  };
  parts.push(tarHeader('bin/', '5', 0o755, 0));
  file('bin/busybox', 0o755, readFileSync(busybox));
  for (const a of applets) {
    if (a === 'busybox' || !/^[\w.[\]-]+$/.test(a)) continue;
    parts.push(tarHeader(`bin/${a}`, '2', 0o777, 0, 'busybox'));
  }
  parts.push(tarHeader('tmp/', '5', 0o1777, 0));
  parts.push(tarHeader('etc/', '5', 0o755, 0));
  file('etc/passwd', 0o644, Buffer.from('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n'));
  file('etc/group', 0o644, Buffer.from('root:x:0:\nnogroup:x:65534:\n'));
  parts.push(tarHeader('root/', '5', 0o700, 0));
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export function busyboxApplets(busybox: string): string[] {
  const r = spawnSync(busybox, ['--list'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${busybox} --list failed: ${r.stderr || r.error?.message}`);
  return r.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
}

export async function imageExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect();
    return true;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return false;
    throw e;
  }
}

/** Import the busybox test image when missing; returns ms spent (0 when it existed). */
export async function ensureTestImage(docker: Docker, log: (m: string) => void): Promise<number> {
  if (await imageExists(docker, TEST_IMAGE)) return 0;
  const busybox = findStaticBusybox();
  if (!busybox) throw new Error('no static busybox found to build the test image (apt-get install busybox-static)');
  const t0 = Date.now();
  const tar = buildBusyboxTar(busybox, busyboxApplets(busybox));
  const stream = await docker.importImage(Readable.from([tar]), {
    repo: TEST_IMAGE_REPO,
    tag: TEST_IMAGE_TAG,
    changes: ['CMD ["/bin/sh"]', 'ENV PATH=/bin'],
  });
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
      if (err) return reject(err);
      const bad = out.find((o) => o.error);
      return bad ? reject(new Error(`image import failed: ${bad.error}`)) : resolve();
    });
  });
  if (!(await imageExists(docker, TEST_IMAGE))) throw new Error(`image import reported success but ${TEST_IMAGE} is missing`);
  const ms = Date.now() - t0;
  log(`imported ${TEST_IMAGE} (${(tar.length / 1024).toFixed(0)} KiB tar, busybox from ${busybox}) in ${ms} ms`);
  return ms;
}

// ---------------------------------------------------------------------------------------------
// Private daemon lifecycle (functions on RigState, shared with rig-client.ts)
// ---------------------------------------------------------------------------------------------

function daemonEnv(): NodeJS.ProcessEnv {
  const p = (process.env.PATH ?? '').split(':').filter(Boolean);
  for (const d of EXTRA_BIN_DIRS) if (!p.includes(d)) p.push(d);
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: p.join(':') };
  delete env.DOCKER_HOST;
  delete env.NODE_OPTIONS;
  return env;
}

function spawnDetached(argv: string[], logFile: string, cwd: string): { pid: number; exited: () => string | undefined } {
  const fd = openSync(logFile, 'a');
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error('empty argv');
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd], cwd, env: daemonEnv() });
  closeSync(fd);
  let exitInfo: string | undefined;
  child.on('exit', (code, sig) => (exitInfo = sig ? `killed by ${sig}` : `exit code ${code}`));
  child.on('error', (e) => (exitInfo = `spawn error: ${e.message}`));
  child.unref();
  if (child.pid === undefined) throw new Error(`could not spawn ${cmd}`);
  return { pid: child.pid, exited: () => exitInfo };
}

/** The dockerd pid from the pidfile, only if that process really is this rig's dockerd. */
function ourDockerdPid(state: RigState): number | undefined {
  const pid = readPid(state.pidFile);
  if (pid === undefined || !isAlive(pid) || !state.dir) return undefined;
  return mentions(pid, state.dir) ? pid : undefined;
}

async function startContainerd(state: RigState, log: (m: string) => void): Promise<void> {
  const c = state.containerd;
  if (!c || !state.dir) return;
  const existing = readPid(c.pidFile);
  if (existing && isAlive(existing) && mentions(existing, state.dir)) return;
  rmSync(c.socket, { force: true });
  const { pid, exited } = spawnDetached(c.argv, c.logFile, state.dir);
  writeFileSync(c.pidFile, `${pid}\n`);
  const end = Date.now() + 30_000;
  while (!existsSync(c.socket)) {
    const ex = exited();
    if (ex) throw new Error(`private containerd died (${ex}):\n${logTail(c.logFile)}`);
    if (Date.now() > end) throw new Error(`private containerd socket did not appear in 30 s:\n${logTail(c.logFile)}`);
    await sleep(50);
  }
  log(`private containerd running (pid ${pid})`);
}

/** Start dockerd with the recorded argv and wait until it answers (returns ms to first ping). */
export async function startDockerd(
  state: RigState,
  opts: { timeoutMs?: number; log?: (m: string) => void } = {},
): Promise<number> {
  const log = opts.log ?? defaultLog;
  if (!state.private || !state.dockerdArgv || !state.dir || !state.logFile) {
    throw new Error('startDaemon needs a private engine started by the rig');
  }
  if (ourDockerdPid(state) !== undefined) throw new Error('dockerd is already running');
  await startContainerd(state, log);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const spec = parseDockerHost(state.dockerHost);
  const t0 = Date.now();
  const { pid, exited } = spawnDetached(state.dockerdArgv, state.logFile, state.dir);
  const end = t0 + timeoutMs;
  for (;;) {
    if (await pingDocker(spec, 1000)) return Date.now() - t0;
    const ex = exited();
    if (ex) throw new Error(`dockerd (pid ${pid}) exited during startup (${ex}); log tail:\n${logTail(state.logFile)}`);
    if (Date.now() > end) {
      const tail = logTail(state.logFile);
      signal(-pid, 'SIGKILL');
      signal(pid, 'SIGKILL');
      throw new Error(`dockerd did not answer /_ping within ${timeoutMs} ms; log tail:\n${tail}`);
    }
    await sleep(50);
  }
}

/** SIGTERM dockerd, wait for it to exit (bounded, then SIGKILL). Containers are stopped by dockerd itself. */
export async function stopDockerd(
  state: RigState,
  opts: { graceMs?: number; log?: (m: string) => void } = {},
): Promise<void> {
  if (!state.private) throw new Error('stopDaemon needs a private engine started by the rig');
  const pid = ourDockerdPid(state);
  if (pid === undefined) return;
  await terminate(pid, opts.graceMs ?? 45_000, 'dockerd', opts.log ?? defaultLog);
}

/** Processes that belong to a rig dir: argv mentions it (dockerd, containerd, shims) or live in one of its containers' cgroups. */
function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function containerIds(dir: string): string[] {
  return safeReaddir(path.join(dir, 'data', 'containers')).filter((n) => /^[0-9a-f]{64}$/.test(n));
}

function leftoverPids(dir: string): number[] {
  const ids = containerIds(dir);
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid || pid === process.ppid) continue;
    if (mentions(pid, dir)) {
      out.push(pid);
      continue;
    }
    if (ids.length) {
      try {
        const cg = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
        if (ids.some((id) => cg.includes(id))) out.push(pid);
      } catch {
        /* gone */
      }
    }
  }
  return out;
}

function mountsUnder(dir: string): string[] {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4] ?? '')
      .map((mp) => mp.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))))
      .filter((mp) => mp === dir || mp.startsWith(dir + '/'))
      .sort((a, b) => b.length - a.length);
  } catch {
    return [];
  }
}

/** Kill whatever is left of a rig dir, unmount what is mounted under it, delete it. */
async function scrubDir(dir: string, log: (m: string) => void): Promise<void> {
  const pids = leftoverPids(dir);
  if (pids.length) {
    log(`killing ${pids.length} leftover process(es) of ${dir}: ${pids.map((p) => `${p} ${cmdlineOf(p).slice(0, 60)}`).join('; ')}`);
    for (const p of pids) signal(p, 'SIGKILL');
    for (const p of pids) await waitGone(p, 5000);
  }
  // Empty cgroups of containers whose processes were killed behind dockerd's back (v1 and v2 layouts).
  for (const id of containerIds(dir)) {
    for (const ctl of safeReaddir('/sys/fs/cgroup')) {
      for (const p of [path.join('/sys/fs/cgroup', ctl, 'docker', id), path.join('/sys/fs/cgroup', 'docker', id)]) {
        try {
          rmdirSync(p);
        } catch {
          /* not there / not empty */
        }
      }
    }
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const mps = mountsUnder(dir);
    if (!mps.length) break;
    for (const mp of mps) spawnSync('umount', ['-l', mp], { stdio: 'ignore' });
  }
  const still = mountsUnder(dir);
  if (still.length) log(`WARNING: still mounted under ${dir}: ${still.join(', ')}`);
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch (e) {
    log(`WARNING: could not remove ${dir}: ${(e as Error).message}`);
  }
}

/** Rig dirs left by runs that were killed hard (owner pid gone): clean them up. */
async function reapStaleRigs(base: string, log: (m: string) => void): Promise<void> {
  let names: string[] = [];
  try {
    names = readdirSync(base).filter((n) => n.startsWith(RIG_DIR_PREFIX));
  } catch {
    return;
  }
  for (const n of names) {
    const dir = path.join(base, n);
    try {
      if (!statSync(dir).isDirectory()) continue;
    } catch {
      continue;
    }
    const owner = readPid(path.join(dir, 'owner.pid'));
    if (owner !== undefined && isAlive(owner)) continue;
    if (owner === undefined) {
      // No owner file: only touch it when it is old enough not to be a rig being created right now.
      try {
        if (Date.now() - statSync(dir).mtimeMs < 10 * 60_000) continue;
      } catch {
        continue;
      }
    }
    log(`cleaning up stale rig dir ${dir} (owner ${owner ?? '?'} gone)`);
    await scrubDir(dir, log);
  }
}

async function removeContainers(docker: Docker, filters: Record<string, string[]> | undefined, timeoutMs: number): Promise<void> {
  const work = (async () => {
    const list = await docker.listContainers({ all: true, ...(filters ? { filters } : {}) });
    await Promise.allSettled(list.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  })();
  await Promise.race([work.catch(() => undefined), sleep(timeoutMs)]);
}

// ---------------------------------------------------------------------------------------------
// ensureEngine
// ---------------------------------------------------------------------------------------------

function rigBaseDir(): string {
  const t = os.tmpdir();
  return t.length <= 40 ? t : '/tmp';
}

async function startPrivateEngine(log: (m: string) => void): Promise<RigState> {
  if (process.platform !== 'linux') throw new Error('a private dockerd can only be started on Linux');
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('no Docker engine answers and a private dockerd needs root (or set TEST_DOCKER_HOST)');
  }
  const { dockerd } = await ensureTools(log);
  const base = rigBaseDir();
  await reapStaleRigs(base, log);
  const dir = mkdtempSync(path.join(base, RIG_DIR_PREFIX));
  writeFileSync(path.join(dir, 'owner.pid'), `${process.pid}\n`);
  const dataDir = path.join(dir, 'data');
  const execRoot = path.join(dir, 'exec');
  mkdirSync(dataDir);
  mkdirSync(execRoot);
  const socketPath = path.join(dir, 'docker.sock');
  if (socketPath.length > 100) throw new Error(`socket path too long for a unix socket: ${socketPath}`);

  const argv = [
    dockerd,
    '--iptables=false',
    '--ip6tables=false',
    '--bridge=none',
    '--storage-driver=vfs',
    `--data-root=${dataDir}`,
    `--exec-root=${execRoot}`,
    `--pidfile=${path.join(dir, 'docker.pid')}`,
    `--host=unix://${socketPath}`,
  ];

  // dockerd (20.10+) silently uses a system containerd when /run/containerd/containerd.sock exists,
  // sharing its "moby" namespace with the system docker. Give ours its own containerd then.
  let containerd: RigState['containerd'];
  if (existsSync(SYSTEM_CONTAINERD_SOCKET) || process.env.LOGAGG_RIG_OWN_CONTAINERD === '1') {
    const bin = findExecutable('containerd');
    if (!bin) throw new Error('containerd binary not found (it comes with docker.io)');
    const cdir = path.join(dir, 'ctd');
    mkdirSync(cdir);
    const sock = path.join(cdir, 'containerd.sock');
    const config = path.join(cdir, 'config.toml');
    writeFileSync(
      config,
      [
        'version = 2',
        `root = ${JSON.stringify(path.join(dataDir, 'containerd'))}`,
        `state = ${JSON.stringify(path.join(execRoot, 'containerd'))}`,
        'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
        '[grpc]',
        `  address = ${JSON.stringify(sock)}`,
        '[ttrpc]',
        `  address = ${JSON.stringify(sock + '.ttrpc')}`,
        '[debug]',
        `  address = ${JSON.stringify(path.join(cdir, 'debug.sock'))}`,
        '',
      ].join('\n'),
    );
    containerd = {
      argv: [bin, '--config', config],
      pidFile: path.join(cdir, 'containerd.pid'),
      socket: sock,
      logFile: path.join(dir, 'containerd.log'),
    };
    argv.push(`--containerd=${sock}`);
  }

  const state: RigState = {
    dockerHost: `unix://${socketPath}`,
    socketPath,
    private: true,
    image: TEST_IMAGE,
    startMs: 0,
    imageMs: 0,
    dir,
    dataDir,
    execRoot,
    pidFile: path.join(dir, 'docker.pid'),
    logFile: path.join(dir, 'dockerd.log'),
    dockerdArgv: argv,
    ...(containerd ? { containerd } : {}),
  };
  try {
    state.startMs = await startDockerd(state, { log });
  } catch (e) {
    await scrubDir(dir, log);
    throw e;
  }
  log(`private dockerd answered /_ping after ${state.startMs} ms (socket ${socketPath})`);
  return state;
}

function makeRigInfo(state: RigState, opts: EnsureEngineOptions, log: (m: string) => void): RigInfo {
  const spec = parseDockerHost(state.dockerHost);
  let stopped = false;
  return {
    socketPath: state.socketPath,
    dockerHost: state.dockerHost,
    private: state.private,
    startMs: state.startMs,
    imageMs: state.imageMs,
    ...(state.dataDir ? { dataDir: state.dataDir } : {}),
    state,
    stopDaemon: () => stopDockerd(state, { log }),
    startDaemon: async () => {
      await startDockerd(state, { log });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const docker = dockerFor(spec);
      if (!state.private) {
        if (opts.runId && (await pingDocker(spec))) {
          await removeContainers(docker, { label: [`${TEST_RUN_LABEL}=${opts.runId}`] }, 20_000);
        }
        return;
      }
      const dir = state.dir!;
      const t0 = Date.now();
      // Force-removing the containers first keeps dockerd's shutdown short.
      if (ourDockerdPid(state) !== undefined && (await pingDocker(spec, 1000))) {
        await removeContainers(docker, undefined, 15_000);
      }
      await stopDockerd(state, { log, graceMs: 30_000 });
      try {
        // Keep the daemon log of the last run for post-mortems (the rig dir is deleted).
        copyFileSync(state.logFile!, LAST_DOCKERD_LOG);
      } catch {
        /* no log */
      }
      const cpid = state.containerd ? readPid(state.containerd.pidFile) : undefined;
      if (cpid !== undefined && mentions(cpid, dir)) await terminate(cpid, 10_000, 'containerd', log);
      await scrubDir(dir, log);
      log(`private dockerd stopped and ${dir} removed in ${Date.now() - t0} ms (daemon log kept in ${LAST_DOCKERD_LOG})`);
    },
  };
}

/** Find or start a Docker engine and make sure the test image is loaded. */
export async function ensureEngine(opts: EnsureEngineOptions = {}): Promise<RigInfo> {
  const log = opts.log ?? defaultLog;
  let state: RigState;
  const explicit = process.env.TEST_DOCKER_HOST?.trim();
  if (explicit) {
    const spec = parseDockerHost(explicit);
    if (!(await pingDocker(spec, 5000))) throw new Error(`TEST_DOCKER_HOST=${explicit} does not answer /_ping`);
    log(`using engine from TEST_DOCKER_HOST (${spec.url})`);
    state = { dockerHost: spec.url, socketPath: spec.socketPath ?? '', private: false, image: TEST_IMAGE, startMs: 0, imageMs: 0 };
  } else if (await pingDocker({ url: `unix://${DEFAULT_SOCKET}`, socketPath: DEFAULT_SOCKET }, 2000)) {
    log(`using the system engine at ${DEFAULT_SOCKET}`);
    state = { dockerHost: `unix://${DEFAULT_SOCKET}`, socketPath: DEFAULT_SOCKET, private: false, image: TEST_IMAGE, startMs: 0, imageMs: 0 };
  } else {
    state = await startPrivateEngine(log);
  }
  const rig = makeRigInfo(state, opts, log);
  try {
    state.imageMs = await ensureTestImage(dockerFor(parseDockerHost(state.dockerHost)), log);
    rig.imageMs = state.imageMs;
  } catch (e) {
    await rig.stop();
    throw e;
  }
  return rig;
}
