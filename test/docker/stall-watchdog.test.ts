/**
 * The follower watchdog against the real engine: a sink that never acknowledges one container's
 * batches stalls its follower, which is reported in /health (degraded), restarted with growing
 * backoff and stays reported, while the other containers are collected and the tree stays up.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type HttpServer } from '../../http/index.js';
import { removeTestContainers, requireEngine, runContainer, waitFor } from '../rig/rig-client.js';
import { assertExactlyDockers, uniquePrefix, waitExited, waitForCount } from '../support/collect-helpers.js';
import { CountingSink } from '../support/counting-sink.js';
import { request } from '../support/http-client.js';
import { startTestService, testConfig, type TestService } from '../support/service-harness.js';

const test = suite('stall-watchdog');
let service: TestService | undefined;
let http: HttpServer | undefined;

const ticker = (n: number, label: string) => `i=0; while [ $i -lt ${n} ]; do i=$((i+1)); echo "${label} $i"; usleep 5000; done`;

if (requireEngine(test)) {
  test.after.each(async () => {
    await http?.close();
    http = undefined;
    await service?.stop();
    service = undefined;
    await removeTestContainers();
  });

  test('a sink that never acknowledges: stalled follower reported, restarted with backoff, others unharmed, recovered on release', async () => {
    const prefix = uniquePrefix('stall');
    const sink = new CountingSink('never-acks');
    const s = (service = await startTestService(testConfig(new RegExp(`^${prefix}`), { followerStallMs: 800 }), { extraSinks: [sink.sink] }));
    const delays: number[] = [];
    s.system.events.on('restarted', (path, _attempt, delayMs) => {
      if (path.includes(prefix) || path.includes('/containers/')) delays.push(delayMs);
    });
    http = createServer(
      { buffer: s.buffer, errors: s.errors, discovery: s.discovery, stats: () => s.system.stats },
      { defaultLimit: 100, maxLimit: 1000, askTimeoutMs: 5000, version: 'test', startedAt: Date.now(), maxClientQueue: 1000 },
    );
    const { port } = await http.listen(0, '127.0.0.1');

    const stuck = await runContainer({ name: `${prefix}-stuck`, script: ticker(1500, 'stuck') });
    sink.hold(stuck.id);
    const fine = await runContainer({ name: `${prefix}-fine`, script: ticker(1500, 'fine') });

    // Reported, and /health degraded with the follower named.
    const health = await waitFor(
      async () => {
        const r = await request(port, '/health');
        const body = r.body as { status: string; stalled_followers: { container: string; waiting_for: string; stalls: number }[] };
        return r.status === 503 && body.stalled_followers.length > 0 ? body : undefined;
      },
      { timeoutMs: 15_000, what: '/health to report the stalled follower' },
    );
    assert.is(health.status, 'degraded');
    assert.is(health.stalled_followers[0]!.container, `${prefix}-stuck`);
    assert.match(health.stalled_followers[0]!.waiting_for, /never-acks/);

    // Stalls again and again: restarted each time, with growing delays; it stays reported.
    const status = await waitFor(async () => (await s.status()).stalled.find((f) => f.stalls >= 3), { timeoutMs: 30_000, what: 'three stalls in a row' });
    assert.is(status.name, `${prefix}-stuck`);
    assert.ok(s.system.stats.crashes >= 3, `crashes counted (${s.system.stats.crashes})`);
    assert.ok(delays.length >= 3 && delays[2]! > delays[0]!, `backoff grows: ${delays.join(', ')} ms`);

    // The other container is collected all along, and the tree is up.
    const fineLines = sink.count(fine.id);
    await waitFor(() => sink.count(fine.id) > fineLines, { what: 'the other container to keep being collected' });

    // Once the sink answers again the stall clears and /health is healthy.
    sink.release();
    await waitFor(async () => (await s.status()).stalled.length === 0, { timeoutMs: 30_000, what: 'the stall to clear' });
    await waitFor(async () => (await request(port, '/health')).status === 200, { timeoutMs: 10_000, what: '/health 200 again' });

    // And the stalled container's lines are all in the buffer, once (the restarts resumed from its cursor).
    await waitExited(stuck.id, 60_000);
    await waitExited(fine.id, 60_000);
    await assertExactlyDockers(await waitForCount(() => s.query({ container: stuck.id }), 1500, 'the stuck container\'s lines', 30_000), stuck.id);
    await assertExactlyDockers(await waitForCount(() => s.query({ container: fine.id }), 1500, 'the other container\'s lines', 30_000), fine.id);
  });
}

test.run();
