/** The Docker daemon goes away and comes back: the collector reports it, reconnects, and follows new containers. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { canRestartDaemon, isCI, removeTestContainers, requireEngine, runContainer, startDaemon, stopDaemon, waitFor } from '../rig/rig-client.js';
import { assertExactlyDockers, uniquePrefix, waitExited, waitForCount } from '../support/collect-helpers.js';
import { startTestService, testConfig, type TestService } from '../support/service-harness.js';

const test = suite('daemon restart');
let service: TestService | undefined;

if (requireEngine(test)) {
  test.after.each(async () => {
    await service?.stop();
    service = undefined;
    await removeTestContainers();
  });

  test('disconnected while dockerd is down, reconnected after, and a new container is followed', async () => {
    // Under CI the rig always owns its engine; on a developer's shared engine we must not restart it.
    if (!canRestartDaemon()) {
      assert.not.ok(isCI(), 'CI must run a private engine that can be restarted');
      return;
    }
    const prefix = uniquePrefix('daemon');
    const s = (service = await startTestService(testConfig(new RegExp(`^${prefix}`))));
    const before = await runContainer({ name: `${prefix}-before`, script: 'echo before-1; echo before-2' });
    await waitExited(before.id);
    await waitForCount(() => s.query({ container: before.id }), 2, 'lines before the daemon restart');
    assert.is((await s.status()).connected, true);

    await stopDaemon();
    await waitFor(async () => (await s.status()).connected === false, { what: 'the collector to report disconnected', timeoutMs: 15_000 });
    assert.ok((await s.status()).lastError, 'the error is reported');
    await startDaemon();
    await waitFor(async () => (await s.status()).connected === true, { what: 'the collector to reconnect', timeoutMs: 30_000 });

    const after = await runContainer({ name: `${prefix}-after`, script: 'for i in 1 2 3 4 5; do echo "after $i"; done' });
    await waitExited(after.id);
    const entries = await waitForCount(() => s.query({ container: after.id }), 5, 'lines of a container started after the restart');
    await assertExactlyDockers(entries, after.id);
    // The container from before the restart is still collected exactly once.
    await assertExactlyDockers(await s.query({ container: before.id }), before.id);
  });
}

test.run();
