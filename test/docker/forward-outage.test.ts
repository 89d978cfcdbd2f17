/**
 * At least once across an outage and a crash, with the real service process and engine: two sinks
 * (a webhook and Loki) go down for 30 s while a container writes; meanwhile the service is SIGKILLed
 * and restarted. Once the sinks are back every line Docker holds arrives, in order per container,
 * with at most one batch duplicated per sink; /forwarding showed the outage meanwhile.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { httpGet, startServiceProcess, stopAllServices, type ServiceProcess } from '../bench/service-process.js';
import { removeTestContainers, requireEngine, rigDocker, runContainer, waitFor } from '../rig/rig-client.js';
import { dockerTimeline, uniquePrefix, waitExited } from '../support/collect-helpers.js';
import { checkResponse } from '../support/openapi-check.js';
import { tempDataDir } from '../support/service-harness.js';
import { SinkReceiver, type Received } from '../support/sink-receivers.js';

const test = suite('forward-outage');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BATCH = 200;

/** First arrival of each seq, in arrival order; and how many arrived twice. */
function firstArrivals(received: Received[]): { unique: Received[]; duplicates: number } {
  const seen = new Set<number>();
  const unique = received.filter((r) => (seen.has(r.seq) ? false : (seen.add(r.seq), true)));
  return { unique, duplicates: received.length - unique.length };
}

if (requireEngine(test)) {
  const receivers: SinkReceiver[] = [];
  test.after.each(async () => {
    await stopAllServices(2000);
    for (const r of receivers) await r.stop();
    await removeTestContainers();
  });

  test('sinks down 30 s, service SIGKILLed and restarted meanwhile: every line arrives, at most one batch twice', async () => {
    const prefix = uniquePrefix('fwdout');
    const dataDir = tempDataDir();
    const hook = await new SinkReceiver('webhook').start();
    const loki = await new SinkReceiver('loki').start();
    receivers.push(hook, loki);
    const env = { DATA_DIR: dataDir, FORWARD_WEBHOOK_URL: hook.url, FORWARD_LOKI_URL: loki.url, FORWARD_BATCH_SIZE: String(BATCH), FORWARD_FLUSH_MS: '200' };
    const start = (): Promise<ServiceProcess> => startServiceProcess({ dockerHost: process.env.DOCKER_HOST!, include: `${prefix}*`, maxLogBuffer: 10_000, env });
    let svc = await start();
    const c = await runContainer({
      name: `${prefix}-writer`,
      script: 'i=0; while [ $i -lt 4000 ]; do i=$((i+1)); echo "fwd line $i"; [ $((i % 100)) = 0 ] && usleep 250000; done; echo FWD-END',
    });
    await waitFor(() => hook.received.length >= 300 && loki.received.length >= 300, { what: 'the first lines at both sinks', timeoutMs: 30_000 });
    await hook.stop();
    await loki.stop();
    const downAt = Date.now();
    await sleep(5000);
    const gone = new Promise((r) => svc.child.once('exit', r));
    svc.child.kill('SIGKILL');
    await gone;
    await svc.stop(0);
    svc = await start();
    await waitExited(c.id, 60_000);
    // The outage is visible: both sinks retrying, with their last error and what they owe.
    let sinks: { name: string; state: string; lag_entries: number; last_error?: string }[] = [];
    await waitFor(
      async () => {
        const r = await httpGet(svc.port, '/forwarding');
        checkResponse('/forwarding', 200, JSON.parse(r.body));
        sinks = JSON.parse(r.body).sinks;
        return sinks.length === 2 && sinks.every((s) => s.state === 'retrying' && s.last_error && s.lag_entries > 0);
      },
      { what: 'both sinks shown retrying with a lag', timeoutMs: 20_000 },
    );
    const health = await httpGet(svc.port, '/health');
    checkResponse('/health', health.status, JSON.parse(health.body));
    assert.is(JSON.parse(health.body).forwarding.length, 2);
    await sleep(Math.max(0, 30_000 - (Date.now() - downAt)));
    await hook.start(hook.port);
    await loki.start(loki.port);
    const t = await dockerTimeline(c.id);
    const expected = t.stdout.map(([, m]) => m);
    assert.is(expected.length, 4001);
    for (const rx of [hook, loki]) {
      await waitFor(() => new Set(rx.received.map((r) => r.message)).size >= expected.length, { what: `${expected.length} lines at the ${rx.kind} sink (have ${new Set(rx.received.map((r) => r.message)).size})`, timeoutMs: 60_000 });
      await sleep(500);
      assert.equal(rx.violations, []);
      const { unique, duplicates } = firstArrivals(rx.received);
      assert.ok(duplicates <= BATCH, `${rx.kind}: ${duplicates} duplicates, at most one batch (${BATCH})`);
      assert.equal(new Set(unique.map((r) => r.message)), new Set(expected), `${rx.kind}: every line of docker logs`);
      if (rx.kind === 'webhook') assert.equal(unique.map((r) => r.message), expected, 'webhook: in order');
    }
    // Loki's host label is the engine's Name from /info (LOGAGG_HOST_NAME unset), never the container's hostname.
    const name = ((await rigDocker().info()) as { Name: string }).Name;
    assert.ok(loki.received.every((r) => (r.extra.labels as Record<string, string>).host === name));
    const after = JSON.parse((await httpGet(svc.port, '/forwarding')).body).sinks as { lag_entries: number; sent: number; last_success?: string }[];
    await waitFor(async () => (JSON.parse((await httpGet(svc.port, '/forwarding')).body).sinks as { lag_entries: number }[]).every((s) => s.lag_entries === 0), { what: 'no lag left' });
    assert.ok(after.every((s) => s.sent > 0));
  });
}

test.run();
