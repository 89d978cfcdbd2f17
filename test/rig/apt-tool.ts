/**
 * A tool a test needs from Debian (Prometheus and promtool): found on PATH, or installed with
 * apt-get when running as root, as the rig installs docker.io. Tests decide what a failure means
 * (under CI=true it fails them loudly; elsewhere they skip with the reason).
 */
import os from 'node:os';
import path from 'node:path';
import { existsSync, writeFileSync } from 'node:fs';
import { findExecutable, logTail, runLogged } from './docker-rig.js';

const APT_LOG = path.join(os.tmpdir(), 'logagg-test-apt-tools.log');
const installs = new Map<string, Promise<void>>();

/**
 * The paths of `binaries`, installing `pkg` with apt-get when any is missing.
 * @throws saying why they cannot be had (not root, no apt-get, apt-get failed, still missing).
 */
export async function ensureAptTool(pkg: string, binaries: string[], files: string[] = []): Promise<Record<string, string>> {
  const find = () => ({ ...Object.fromEntries(binaries.map((b) => [b, findExecutable(b)])), ...Object.fromEntries(files.map((f) => [f, existsSync(f) ? f : undefined])) });
  let found = find();
  const all = [...binaries, ...files];
  if (all.every((b) => found[b])) return found as Record<string, string>;
  const missing = all.filter((b) => !found[b]).join(', ');
  if (typeof process.getuid === 'function' && process.getuid() !== 0) throw new Error(`${missing} missing and not running as root: cannot apt-get install ${pkg}`);
  if (!findExecutable('apt-get')) throw new Error(`${missing} missing and apt-get is not available`);
  let install = installs.get(pkg);
  if (!install) {
    install = (async () => {
      process.stdout.write(`[rig] ${missing} missing: installing ${pkg} with apt-get (output in ${APT_LOG})\n`);
      writeFileSync(APT_LOG, `logagg test apt-get run at ${new Date().toISOString()}\n`, { flag: 'a' });
      const lock = ['-o', 'DPkg::Lock::Timeout=300'];
      const upd = await runLogged('apt-get', [...lock, 'update'], APT_LOG, 10 * 60_000);
      if (upd !== 0) throw new Error(`apt-get update failed (exit ${upd}):\n${logTail(APT_LOG, 20)}`);
      const inst = await runLogged('apt-get', [...lock, 'install', '-y', '--no-install-recommends', pkg], APT_LOG, 15 * 60_000);
      if (inst !== 0) throw new Error(`apt-get install ${pkg} failed (exit ${inst}):\n${logTail(APT_LOG, 20)}`);
    })();
    installs.set(pkg, install);
  }
  await install;
  found = find();
  const still = all.filter((b) => !found[b]);
  if (still.length > 0) throw new Error(`after apt-get install ${pkg} still missing: ${still.join(', ')}`);
  return found as Record<string, string>;
}
