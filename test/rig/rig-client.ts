/**
 * Helpers for tests that talk to the rig's Docker engine (run under test/run-tests.ts, which sets
 * DOCKER_HOST, LOGAGG_TEST_IMAGE, LOGAGG_RIG_STATE and LOGAGG_TEST_RUN_ID).
 */
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import type { Test } from 'uvu';
import {
  TEST_IMAGE,
  TEST_LABEL,
  TEST_RUN_LABEL,
  dockerFor,
  parseDockerHost,
  startDockerd,
  stopDockerd,
  type RigState,
} from './docker-rig.js';

export type { RigState } from './docker-rig.js';

const quiet = (msg: string): void => {
  if (process.env.LOGAGG_RIG_VERBOSE === '1') process.stdout.write(`[rig] ${msg}\n`);
};

export function isCI(): boolean {
  const v = (process.env.CI ?? '').trim().toLowerCase();
  return v !== '' && v !== '0' && v !== 'false' && v !== 'no';
}

/** Id shared by every container this test run creates (label logagg.test.run). */
export const RUN_ID: string = process.env.LOGAGG_TEST_RUN_ID || `adhoc-${process.pid}-${Date.now().toString(36)}`;

/**
 * Why Docker tests cannot run, or null when they can. The runner sets LOGAGG_DOCKER_UNAVAILABLE
 * when it could not get an engine; without DOCKER_HOST the tests were not started by the runner.
 */
export function engineUnavailableReason(): string | null {
  const r = process.env.LOGAGG_DOCKER_UNAVAILABLE;
  if (r) return r;
  if (!process.env.DOCKER_HOST) return 'DOCKER_HOST is not set (run the tests with `npm test`)';
  return null;
}

/**
 * For suites that need Docker: when the engine is unavailable, register one test that FAILS
 * under CI and is skipped otherwise, and return false (the caller then defines no other tests).
 */
export function requireEngine<T>(test: Test<T>): boolean {
  const reason = engineUnavailableReason();
  if (!reason) return true;
  if (isCI()) {
    test('docker engine is available', () => {
      throw new Error(`Docker engine unavailable under CI: ${reason}`);
    });
  } else {
    test.skip('docker engine is available', () => undefined);
  }
  return false;
}

let docker: Docker | undefined;

/** dockerode for DOCKER_HOST (one shared instance). */
export function rigDocker(): Docker {
  if (!docker) {
    const host = process.env.DOCKER_HOST;
    if (!host) throw new Error('DOCKER_HOST is not set (run the tests with `npm test`)');
    docker = dockerFor(parseDockerHost(host));
  }
  return docker;
}

export function testImage(): string {
  return process.env.LOGAGG_TEST_IMAGE || TEST_IMAGE;
}

export interface RunContainerOptions {
  /** Run as `/bin/sh -c script`. */
  script: string;
  tty?: boolean;
  labels?: Record<string, string>;
  name?: string;
  /** Start it (default true). */
  start?: boolean;
  env?: string[];
  /** no | always | unless-stopped | on-failure[:N] */
  restartPolicy?: string;
  /**
   * Seconds dockerd waits after SIGTERM before SIGKILL on stop / daemon shutdown. Default 1:
   * `sh` as PID 1 ignores SIGTERM, so the Docker default (10 s) would only slow tests down.
   */
  stopTimeout?: number;
  /** Logging driver and its options, e.g. `{ type: 'local', opts: { 'max-size': '20k' } }`; default json-file without options. */
  log?: { type?: string; opts?: Record<string, string> };
  /** A Docker healthcheck: `test` as CMD-SHELL, times in ms. */
  healthcheck?: { test: string; intervalMs: number; timeoutMs?: number; retries?: number };
}

function restartPolicy(p: string | undefined): Docker.HostRestartPolicy | undefined {
  if (!p) return undefined;
  const [name, count] = p.split(':');
  return { Name: name ?? 'no', ...(count ? { MaximumRetryCount: Number(count) } : {}) };
}

/** Create (and by default start) a labelled container running `/bin/sh -c script` in the test image. */
export async function runContainer(opts: RunContainerOptions): Promise<Docker.Container> {
  const d = rigDocker();
  const policy = restartPolicy(opts.restartPolicy);
  const container = await d.createContainer({
    Image: testImage(),
    Cmd: ['/bin/sh', '-c', opts.script],
    Tty: opts.tty ?? false,
    OpenStdin: false,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    StopTimeout: opts.stopTimeout ?? 1,
    Labels: { ...(opts.labels ?? {}), [TEST_LABEL]: '1', [TEST_RUN_LABEL]: RUN_ID },
    ...(opts.name ? { name: opts.name } : {}),
    ...(opts.env ? { Env: opts.env } : {}),
    ...(opts.healthcheck
      ? { Healthcheck: { Test: ['CMD-SHELL', opts.healthcheck.test], Interval: opts.healthcheck.intervalMs * 1e6, Timeout: (opts.healthcheck.timeoutMs ?? 1000) * 1e6, Retries: opts.healthcheck.retries ?? 1, StartPeriod: 0 } }
      : {}),
    HostConfig: {
      NetworkMode: 'none',
      LogConfig: { Type: opts.log?.type ?? 'json-file', Config: { ...(opts.log?.opts ?? {}) } },
      ...(policy ? { RestartPolicy: policy } : {}),
    },
  });
  if (opts.start !== false) await container.start();
  return container;
}

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  what?: string;
}

export type Truthy<T> = Exclude<T, undefined | null | false | 0 | ''>;

/** Poll fn until it returns something truthy; throws (naming `what`) on timeout. Errors thrown by fn count as "not yet". */
export async function waitFor<T>(fn: () => T | Promise<T>, opts: WaitForOptions = {}): Promise<Truthy<T>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 100;
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as Truthy<T>;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= end) break;
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, end - Date.now()))));
  }
  const suffix = lastError ? ` (last error: ${(lastError as Error)?.message ?? String(lastError)})` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.what ?? 'condition'}${suffix}`);
}

/** Force-remove every container labelled with this run's id. */
export async function removeTestContainers(): Promise<void> {
  const d = rigDocker();
  const list = await d.listContainers({ all: true, filters: { label: [`${TEST_RUN_LABEL}=${RUN_ID}`] } });
  const results = await Promise.allSettled(list.map((c) => d.getContainer(c.Id).remove({ force: true, v: true })));
  const failed = results.filter(
    (r): r is PromiseRejectedResult => r.status === 'rejected' && (r.reason as { statusCode?: number })?.statusCode !== 404,
  );
  if (failed.length) throw new Error(`could not remove ${failed.length} test container(s): ${String(failed[0]?.reason)}`);
}

// ---------------------------------------------------------------------------------------------
// Daemon restart (private engine only)
// ---------------------------------------------------------------------------------------------

export function rigState(): RigState {
  const file = process.env.LOGAGG_RIG_STATE;
  if (!file) throw new Error('LOGAGG_RIG_STATE is not set (run the tests with `npm test`)');
  return JSON.parse(readFileSync(file, 'utf8')) as RigState;
}

/** True when the engine belongs to the rig, i.e. stopDaemon/startDaemon are possible. */
export function canRestartDaemon(): boolean {
  try {
    return rigState().private === true;
  } catch {
    return false;
  }
}

/** SIGTERM the private dockerd and wait until it has exited. Its data-root (containers, logs) is kept. */
export async function stopDaemon(): Promise<void> {
  await stopDockerd(rigState(), { log: quiet });
}

/** Start the private dockerd again (same argv, same data-root) and wait until it answers a ping. Returns ms taken. */
export async function startDaemon(): Promise<number> {
  return startDockerd(rigState(), { log: quiet });
}

// ---------------------------------------------------------------------------------------------
// Reference `docker logs`
// ---------------------------------------------------------------------------------------------

/**
 * Split Docker's multiplexed stream (non-TTY attach/logs): frames of an 8-byte header
 * [stream type, 0, 0, 0, size uint32 BE] followed by `size` bytes. Type 0 (stdin) is
 * reported as stdout, like the docker CLI does. Throws on a truncated or malformed stream.
 */
export function demuxDockerStream(buf: Buffer): { stdout: Buffer; stderr: Buffer } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < 8) throw new Error(`truncated frame header at byte ${off} (${buf.length - off} bytes left)`);
    const type = buf[off];
    if (type !== 0 && type !== 1 && type !== 2) throw new Error(`bad stream type ${type} at byte ${off}`);
    if (buf[off + 1] !== 0 || buf[off + 2] !== 0 || buf[off + 3] !== 0) throw new Error(`bad frame header at byte ${off}`);
    const size = buf.readUInt32BE(off + 4);
    const start = off + 8;
    if (start + size > buf.length) throw new Error(`truncated frame at byte ${off}: need ${size}, have ${buf.length - start}`);
    (type === 2 ? err : out).push(buf.subarray(start, start + size));
    off = start + size;
  }
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err) };
}

/** Lines of a stream: split on "\n" (removed), a final unterminated line kept; "\r" is left in place. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export interface DockerLogs {
  stdout: string[];
  stderr: string[];
  /** The exact bytes per stream (TTY containers: everything is stdout). */
  raw: { stdout: Buffer; stderr: Buffer };
  tty: boolean;
}

/** A container's complete logs as `docker logs` returns them, demultiplexed per stream. */
export async function dockerLogs(id: string, opts: { timestamps?: boolean } = {}): Promise<DockerLogs> {
  const c = rigDocker().getContainer(id);
  const info = await c.inspect();
  const tty = info.Config.Tty === true;
  const body: unknown = await c.logs({ stdout: true, stderr: true, follow: false, timestamps: opts.timestamps ?? false });
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(String(body ?? ''), 'utf8');
  const raw = tty ? { stdout: buf, stderr: Buffer.alloc(0) } : demuxDockerStream(buf);
  return {
    stdout: splitLines(raw.stdout.toString('utf8')),
    stderr: splitLines(raw.stderr.toString('utf8')),
    raw,
    tty,
  };
}

/**
 * What `docker logs -f --timestamps` receives, from now until the stream ends (the container stops):
 * the engine's own follow output, repeats included, per stream.
 */
export async function dockerFollow(id: string): Promise<{ stdout: string[]; stderr: string[] }> {
  const stream = (await rigDocker().getContainer(id).logs({ stdout: true, stderr: true, follow: true, timestamps: true })) as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  const body = Buffer.concat(chunks);
  const raw = demuxDockerStream(body);
  return { stdout: splitLines(raw.stdout.toString('utf8')), stderr: splitLines(raw.stderr.toString('utf8')) };
}
