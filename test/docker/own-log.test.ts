/**
 * The service's own log against the real engine: one line per event (Docker connected, container
 * followed, stopped, removed, unsupported), DEBUG adding the per-container detail, JSON fields.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { configureServiceLog } from '../../actors/service-log.js';
import { TEST_LABEL, TEST_RUN_LABEL } from '../rig/docker-rig.js';
import { RUN_ID, removeTestContainers, requireEngine, rigDocker, runContainer, testImage, waitFor } from '../rig/rig-client.js';
import { uniquePrefix, waitExited } from '../support/collect-helpers.js';
import { startTestService, testConfig, type TestService } from '../support/service-harness.js';

const test = suite('own log');
let service: TestService | undefined;
let restoreLog: (() => void) | undefined;
let lines: Record<string, unknown>[] = [];

/** Captures the service log as parsed JSON lines at `level`. */
function capture(level: 1 | 2): void {
  lines = [];
  restoreLog = configureServiceLog({ level, format: 'json', write: (l) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
}

const events = (container: string) => lines.filter((l) => l.container === container).map((l) => l.event);

if (requireEngine(test)) {
  test.after.each(async () => {
    await service?.stop();
    service = undefined;
    restoreLog?.();
    restoreLog = undefined;
    await removeTestContainers();
  });

  test('INFO: connected, followed, stopped (exit code), removed; no per-container detail', async () => {
    capture(2);
    const prefix = uniquePrefix('ownlog');
    service = await startTestService(testConfig(new RegExp(`^${prefix}`)));
    await waitFor(() => lines.some((l) => l.event === 'docker.connected'), { what: 'docker.connected' });
    const name = `${prefix}-a`;
    const c = await runContainer({ name, script: 'echo hello; exit 3' });
    await waitExited(c.id);
    await waitFor(() => events(name).includes('container.stopped'), { what: 'container.stopped' });
    await c.remove({ force: true });
    await waitFor(() => events(name).includes('container.removed'), { what: 'container.removed' });
    assert.equal(events(name), ['container.followed', 'container.stopped', 'container.removed']);
    const followed = lines.find((l) => l.event === 'container.followed' && l.container === name)!;
    assert.is(followed.level, 'INFO');
    assert.is(followed.container_id, c.id.slice(0, 12));
    assert.is(followed.service, name);
    assert.match(String(followed.message), `following container ${name}`);
    const stopped = lines.find((l) => l.event === 'container.stopped' && l.container === name)!;
    assert.is(stopped.exit_code, 3);
    assert.match(String(stopped.message), `container ${name} stopped (exit code 3)`);
  });

  test('DEBUG: the follower detail of each container; an unsupported logging driver is a WARNING', async () => {
    capture(1);
    const prefix = uniquePrefix('ownlogdbg');
    service = await startTestService(testConfig(new RegExp(`^${prefix}`)));
    const name = `${prefix}-a`;
    const c = await runContainer({ name, script: 'echo hello; sleep 30' });
    await waitFor(() => events(name).includes('follower.following'), { what: 'follower.following' });
    const following = lines.find((l) => l.event === 'follower.following' && l.container === name)!;
    assert.is(following.level, 'DEBUG');
    assert.is(following.tty, false);
    assert.ok(events(name).indexOf('container.followed') < events(name).indexOf('follower.following'));

    const none = `${prefix}-none`;
    const silent = await rigDocker().createContainer({
      Image: testImage(),
      name: none,
      Cmd: ['/bin/sh', '-c', 'echo unseen; sleep 30'],
      Labels: { [TEST_LABEL]: '1', [TEST_RUN_LABEL]: RUN_ID },
      StopTimeout: 1,
      HostConfig: { NetworkMode: 'none', LogConfig: { Type: 'none', Config: {} } },
    });
    await silent.start();
    await waitFor(() => events(none).includes('container.unsupported'), { what: 'container.unsupported' });
    const unsupported = lines.find((l) => l.event === 'container.unsupported')!;
    assert.is(unsupported.level, 'WARNING');
    assert.match(String(unsupported.message), `cannot collect ${none}`);
    await c.remove({ force: true });
  });
}

test.run();
