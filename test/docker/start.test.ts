/**
 * Starting as operators do: `npm start` on a built tree compiles only what changed of the service (never
 * the tests), reaches /health 200 against the real engine, and SIGTERM to the npm process stops the
 * service cleanly with no node left behind; `node dist/main.js` for comparison. Times are printed,
 * not asserted (the machine is shared); the README quotes them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isAlive } from '../rig/docker-rig.js';
import { requireEngine } from '../rig/rig-client.js';
import { exitWithin, freePort, ROOT, spawnService, waitForStatus, type ServiceProcess } from '../support/service-process.js';

const test = suite('starting the service');

const log = (m: string): void => void process.stdout.write(`[start] ${m}\n`);
let proc: ServiceProcess | undefined;

/** Direct children of a process, from /proc. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function env(port: number): Record<string, string> {
  // Collects nothing of the other suites' containers: only /health's Docker connection matters here.
  return { DOCKER_HOST: process.env.DOCKER_HOST!, LOG_AGGREGATOR_PORT: String(port), LOG_AGGREGATOR_HOST: '127.0.0.1', INCLUDE_CONTAINERS: 'lg-start-none-*' };
}

if (requireEngine(test)) {
  test.after.each(async () => {
    if (proc && proc.child.exitCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    proc = undefined;
  });

  test('npm start: the service only, incrementally; /health 200; SIGTERM to npm stops node cleanly', async () => {
    // A built tree: the test build (tsc -p .) ran; bring the service build's own state up to date once.
    const warm = spawnSync(process.execPath, ['scripts/build-service.mjs'], { cwd: ROOT, encoding: 'utf8' });
    assert.is(warm.status, 0, warm.stderr);
    const testOutput = path.join(ROOT, 'dist', 'test', 'run-tests.js');
    const before = statSync(testOutput).mtimeMs;
    const mainBefore = statSync(path.join(ROOT, 'dist', 'main.js')).mtimeMs;

    const port = await freePort();
    const t0 = Date.now();
    proc = spawnService('npm', ['start', '--silent'], env(port));
    const ms = await waitForStatus(port, '/health', 200, t0);
    log(`npm start → /health 200 in ${ms} ms`);
    assert.is(statSync(testOutput).mtimeMs, before, 'npm start did not compile the tests');
    assert.is(statSync(path.join(ROOT, 'dist', 'main.js')).mtimeMs, mainBefore, 'an up-to-date service is not recompiled');

    const npmPid = proc.child.pid!;
    const [nodePid] = childrenOf(npmPid);
    assert.ok(nodePid, 'npm has a child');
    assert.match(readFileSync(`/proc/${nodePid}/cmdline`, 'utf8').split('\0').join(' '), /^node --max-semi-space-size=2 --max-old-space-size=64 dist\/main\.js/, 'npm runs node itself, no shell in between');
    const t1 = Date.now();
    proc.child.kill('SIGTERM');
    const code = await exitWithin(proc, 30_000);
    const stopped = Date.now() - t1;
    for (let i = 0; i < 100 && isAlive(nodePid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.not.ok(isAlive(nodePid), `node (pid ${nodePid}) is still running after npm exited`);
    assert.match(proc.stderr(), /SIGTERM: stopping/, 'the service itself got SIGTERM');
    log(`SIGTERM to npm: npm exited with ${code} after ${stopped} ms, node gone`);
    assert.ok(code === 0 || code === 143, `npm exit code ${code}`);
  });

  test('node dist/main.js → /health 200; SIGTERM exits 0', async () => {
    const port = await freePort();
    const t0 = Date.now();
    proc = spawnService(process.execPath, ['--max-semi-space-size=2', 'dist/main.js'], env(port));
    const ms = await waitForStatus(port, '/health', 200, t0);
    log(`node dist/main.js → /health 200 in ${ms} ms`);
    proc.child.kill('SIGTERM');
    assert.is(await exitWithin(proc, 30_000), 0, proc.stderr());
  });
}

test.run();
