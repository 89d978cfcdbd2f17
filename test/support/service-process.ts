/** The service as a process (`node dist/main.js` or `npm start`), for tests of startup, configuration errors and signals. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from './http-client.js';
import { tempDataDir } from './service-harness.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface ServiceProcess {
  child: ChildProcess;
  stderr(): string;
  stdout(): string;
  /** Resolves with the exit code (or 128 + signal) once the process has exited. */
  exited: Promise<number>;
}

export { freePort } from './child-process.js';

/**
 * Spawns `cmd args` in the project root with `env` on top of a clean environment: the runner's
 * DOCKER_HOST and settings of the test process are not inherited unless given.
 */

export function spawnService(cmd: string, args: string[], env: Record<string, string>): ServiceProcess {
  // Its own store, never the repository's ./data (removed when the test process exits).
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DOCKER_SOCKET: '/nonexistent/docker.sock', DATA_DIR: tempDataDir() };
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number>((resolve) => child.on('exit', (code, sig) => resolve(code ?? 128 + (sig ? 15 : 0))));
  return { child, stderr: () => err, stdout: () => out, exited };
}

/** Polls `path` until it answers `status`; returns the ms it took from `since`. */
export async function waitForStatus(port: number, path: string, status: number, since: number, timeoutMs = 20_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await request(port, path).catch(() => undefined);
    if (r?.status === status) return Date.now() - since;
    if (Date.now() > end) throw new Error(`${path} did not answer ${status} within ${timeoutMs} ms (last: ${r?.status ?? 'no answer'})`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

/** Bounded wait for a process to exit; kills it (and fails) when it does not. */
export async function exitWithin(p: ServiceProcess, ms: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([p.exited, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
  clearTimeout(timer);
  if (code === undefined) {
    p.child.kill('SIGKILL');
    throw new Error(`process did not exit within ${ms} ms; stderr:\n${p.stderr()}`);
  }
  return code;
}
