/**
 * Log rotation against the real engine: Docker 20.10's json-file follow sends lines again after a
 * rotation; every line `docker logs` returns must still be collected exactly once.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { dockerFollow, removeTestContainers, requireEngine, runContainer, type RunContainerOptions } from '../rig/rig-client.js';
import { assertDockersOnce, assertExactlyDockers, dockerTimeline, uniquePrefix, waitExited, waitForCount } from '../support/collect-helpers.js';
import { startTestService, testConfig, type TestService } from '../support/service-harness.js';

const test = suite('rotation');
let service: TestService | undefined;

/**
 * `n` numbered lines of about 60 bytes, `usleep` µs apart. The write rate is bounded: Docker
 * 20.10's follow reopens the log file by name after a rotation, so a reader that falls more than
 * one rotation behind (a loaded machine) skips whole files, which `docker logs` still returns.
 */
const lines = (n: number, usleep: number) =>
  `i=0; while [ $i -lt ${n} ]; do i=$((i+1)); echo "rotation line $i abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH"; usleep ${usleep}; done`;

/** How often the engine's own follow stream repeated a line, and how far back (in lines) the farthest original was. */
function engineRepeats(follow: string[]): { repeats: number; farthest: number } {
  const first = new Map<string, number>();
  let repeats = 0;
  let farthest = 0;
  follow.forEach((line, i) => {
    const at = first.get(line);
    if (at === undefined) return void first.set(line, i);
    repeats++;
    farthest = Math.max(farthest, i - at);
  });
  return { repeats, farthest };
}

/** Runs a container with the given log options under a fresh service; returns what was collected once it exited. */
async function collect(tag: string, opts: Omit<RunContainerOptions, 'name'>, expectAll: boolean) {
  const prefix = uniquePrefix(tag);
  const s = (service = await startTestService(testConfig(new RegExp(`^${prefix}`))));
  const c = await runContainer({ ...opts, name: `${prefix}-a` });
  const follow = dockerFollow(c.id).catch(() => ({ stdout: [], stderr: [] }));
  await waitExited(c.id, 90_000);
  const docker = await dockerTimeline(c.id);
  const count = docker.stdout.length + docker.stderr.length;
  const engine = engineRepeats((await follow).stdout);
  if (process.env.LOGAGG_TEST_FIGURES === '1') process.stdout.write(`\n[figures] ${tag}: docker logs ${count}, engine follow ${(await follow).stdout.length} lines with ${engine.repeats} repeats (farthest ${engine.farthest} back)\n`);
  const entries = await waitForCount(() => s.query({ container: c.id }), count, 'every line docker logs has', 60_000);
  await new Promise((r) => setTimeout(r, 300)); // anything more would be a repeat
  const settled = await s.query({ container: c.id });
  if (expectAll) await assertExactlyDockers(settled, c.id);
  else await assertDockersOnce(settled, c.id);
  const status = await s.status();
  const dropped = status.containers.find((x) => x.id === c.id)?.follower?.repeatsDropped ?? 0;
  if (process.env.LOGAGG_TEST_FIGURES === '1') {
    process.stdout.write(`[figures] ${tag}: collected ${settled.length} (of ${entries.length} at first count), repeats dropped ${dropped} (total ${status.repeatsDropped})\n`);
  }
  return { s, c, status, dropped, engine, docker };
}

if (requireEngine(test)) {
  test.after.each(async () => {
    await service?.stop();
    service = undefined;
    await removeTestContainers();
  });

  test('json-file max-size=20k max-file=50, 1,500 lines: every line once, the repeats counted', async () => {
    const { status, dropped, docker } = await collect('rotate', { script: lines(1500, 2000), log: { opts: { 'max-size': '20k', 'max-file': '50' } } }, true);
    assert.is(docker.stdout.length, 1500, 'the engine kept every line');
    assert.ok(dropped > 0, 'the engine repeated lines and the follower dropped them');
    assert.ok(status.repeatsDropped >= dropped, 'discovery totals the repeats');
  });

  test('json-file max-file=1 with a tiny max-size: every line docker logs still has, once', async () => {
    await collect('maxfile1', { script: lines(300, 10_000), log: { opts: { 'max-size': '2k', 'max-file': '1' } } }, false);
  });

  test('json-file with a very small max-size and a few files: every line docker logs still has, once', async () => {
    await collect('tiny', { script: lines(300, 10_000), log: { opts: { 'max-size': '1k', 'max-file': '3' } } }, false);
  });

  test('json-file rotating inside 16 KiB split lines: every long line joined once', async () => {
    // Lines of ~40 KB (three pieces) that do not repeat themselves, so that no two pieces are alike.
    const script = 'i=0; while [ $i -lt 30 ]; do i=$((i+1)); printf "long %d " $i; seq -s , $i $((i+7500)); echo "short $i"; usleep 100000; done';
    const { s, c } = await collect('split', { script, log: { opts: { 'max-size': '100k', 'max-file': '50' } } }, true);
    const long = (await s.query({ container: c.id })).filter((e) => e.message.startsWith('long '));
    assert.is(long.length, 30);
    const numbers = (from: number) => Array.from({ length: 7501 }, (_, k) => from + k).join(',');
    assert.ok(long.every((e, i) => e.message === `long ${i + 1} ${numbers(i + 1)}`), 'each long line whole');
  });

  test('the local driver with its own rotation: every line once', async () => {
    await collect('local', { script: lines(600, 5000), log: { type: 'local', opts: { 'max-size': '10k', 'max-file': '50' } } }, true);
  });
}

test.run();
