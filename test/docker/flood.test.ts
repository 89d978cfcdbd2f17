/**
 * Containers flooding at the same time, against the real engine: every line of every container is
 * delivered, once, whatever the in-memory window. Lines are counted by a sink of the test's own,
 * so that the count does not depend on what the buffer keeps or evicts.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ask } from '../../runtime/index.js';
import type { BufferMsg } from '../../actors/buffer-actor.js';
import type { BufferStats } from '../../actors/model/query-protocol.js';
import { removeTestContainers, requireEngine, runContainer, waitFor } from '../rig/rig-client.js';
import { dockerTimeline, uniquePrefix, waitExited } from '../support/collect-helpers.js';
import { CountingSink } from '../support/counting-sink.js';
import { startTestService, testConfig, type TestService } from '../support/service-harness.js';

const test = suite('flood');
let service: TestService | undefined;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the sink holds exactly Docker's lines of each container (timestamps, streams and text), in order. */
async function assertEveryLineOnce(sink: CountingSink, ids: string[], timeoutMs: number): Promise<void> {
  const expected = new Map<string, [string, string, string][]>();
  for (const id of ids) {
    const t = await dockerTimeline(id);
    const all = [...t.stdout.map(([ts, m]) => [ts, 'stdout', m] as [string, string, string]), ...t.stderr.map(([ts, m]) => [ts, 'stderr', m] as [string, string, string])];
    expected.set(id, all);
  }
  try {
    await waitFor(() => ids.every((id) => sink.count(id) >= expected.get(id)!.length), { timeoutMs, what: 'every line of every container' });
  } catch (e) {
    const have = ids.map((id) => `${id.slice(0, 8)}: ${sink.count(id)}/${expected.get(id)!.length}`).join(', ');
    throw new Error(`${(e as Error).message} (${have})`);
  }
  await sleep(300); // a duplicate would come right behind
  for (const id of ids) {
    const ours = sink.lines.get(id)!;
    const docker = expected.get(id)!;
    assert.is(ours.length, docker.length, `${id.slice(0, 12)}: ${ours.length} delivered, docker logs has ${docker.length}`);
    for (const stream of ['stdout', 'stderr']) {
      assert.equal(ours.filter((l) => l[1] === stream), docker.filter((l) => l[1] === stream), `${id.slice(0, 12)} ${stream}: lines differ from docker logs`);
    }
  }
}

const flood = (n: number, label: string) => `seq 1 ${n} | sed "s/^/${label} /"; echo ${label}-END; sleep 3600`;

if (requireEngine(test)) {
  test.after.each(async () => {
    await service?.stop();
    service = undefined;
    await removeTestContainers();
  });

  test('five containers flooding at once, default window: every line of each, once', async () => {
    const prefix = uniquePrefix('flood5');
    const sink = new CountingSink();
    service = await startTestService(testConfig(new RegExp(`^${prefix}`), { maxLogBuffer: 10_000 }), { extraSinks: [sink.sink] });
    const ids: string[] = [];
    for (let k = 0; k < 5; k++) {
      ids.push((await runContainer({ name: `${prefix}-${k}`, script: flood(50_000, `multi ${k}`) })).id);
      await sleep(200);
    }
    await waitFor(async () => (await dockerTimeline(ids[4]!)).stdout.length === 50_001, { timeoutMs: 60_000, what: 'the floods to end' });
    await assertEveryLineOnce(sink, ids, 90_000);
  });

  for (const window of [1000, 200]) {
    test(`two overlapping floods and a quiet container, window ${window}: every line of each, once`, async () => {
      const prefix = uniquePrefix(`flood2-${window}`);
      const sink = new CountingSink();
      service = await startTestService(testConfig(new RegExp(`^${prefix}`), { maxLogBuffer: window }), { extraSinks: [sink.sink] });
      const slow = await runContainer({ name: `${prefix}-a`, script: 'i=0; while [ $i -lt 6000 ]; do i=$((i+1)); echo "steady $i"; usleep 500; done' });
      await sleep(800);
      const fast = await runContainer({ name: `${prefix}-b`, script: flood(200_000, 'fast flood') });
      await sleep(300);
      const quiet = await runContainer({ name: `${prefix}-q`, script: 'for i in 1 2 3 4 5; do echo "quiet $i"; echo "quiet err $i" >&2; sleep 0.2; done' });
      await waitExited(slow.id, 90_000);
      await waitExited(quiet.id, 30_000);
      await waitFor(async () => (await dockerTimeline(fast.id)).stdout.length === 200_001, { timeoutMs: 60_000, what: 'the fast flood to end' });
      await assertEveryLineOnce(sink, [slow.id, fast.id, quiet.id], 90_000);
      // The hot window holds only the newest lines; the store and the sink got all of them.
      const s = service!;
      const stats = await ask<BufferMsg, BufferStats>(s.buffer, (replyTo) => ({ type: 'stats', replyTo }), 5000);
      assert.ok(stats.size <= window, `the buffer keeps its window (${stats.size})`);
      const quietLines = await s.query({ container: quiet.id });
      assert.is(quietLines.length, 10, 'the quiet container\'s lines are all in the store');
    });
  }
}

test.run();
