/** Collection against the real engine: every line exactly once, compared with `docker logs`. */
import { startChild } from '../../runtime/index.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TEST_LABEL, TEST_RUN_LABEL } from '../rig/docker-rig.js';
import { RUN_ID, removeTestContainers, requireEngine, rigDocker, runContainer, testImage, waitFor } from '../rig/rig-client.js';
import { assertExactlyDockers, dockerTimeline, uniquePrefix, waitExited, waitForCount } from '../support/collect-helpers.js';
import { startTestService, testConfig, type TestService } from '../support/service-harness.js';

const test = suite('collect');
let service: TestService | undefined;

async function start(prefix: string) {
  service = await startTestService(testConfig(new RegExp(`^${prefix}`)));
  return service;
}

/** A shell loop printing `tick N` every few ms. */
const ticker = (n: number, label: string, usleep = 2000) => `i=0; while [ $i -lt ${n} ]; do i=$((i+1)); echo "${label} tick $i"; usleep ${usleep}; done`;

if (requireEngine(test)) {
  test.after.each(async () => {
    await service?.stop();
    service = undefined;
    await removeTestContainers();
  });

  test('stdout and stderr, each line once with its stream and Docker timestamp', async () => {
    const prefix = uniquePrefix('streams');
    const s = await start(prefix);
    const c = await runContainer({ name: `${prefix}-a`, script: 'for i in 1 2 3 4 5; do echo "out $i"; echo "oops $i" >&2; done' });
    await waitExited(c.id);
    const entries = await waitForCount(() => s.query({ container: c.id }), 10, 'ten lines');
    await assertExactlyDockers(entries, c.id);
    assert.equal(entries.filter((e) => e.stream === 'stderr').map((e) => e.message), ['oops 1', 'oops 2', 'oops 3', 'oops 4', 'oops 5']);
    assert.is(entries[0]!.containerName, `${prefix}-a`);
    assert.is(entries[0]!.service, `${prefix}-a`);
  });

  test('a container restarted twice while logging: every line once', async () => {
    const prefix = uniquePrefix('restart');
    const s = await start(prefix);
    const c = await runContainer({ name: `${prefix}-a`, script: ticker(400, 'r') });
    for (let i = 0; i < 2; i++) {
      await waitFor(async () => (await s.query({ container: c.id })).length > 20 * (i + 1), { what: 'some lines before restart' });
      await c.restart({ t: 0 });
    }
    await waitExited(c.id, 60_000);
    const expected = (await dockerTimeline(c.id)).stdout.length;
    assert.ok(expected > 400, `three runs logged (${expected} lines)`);
    const entries = await waitForCount(() => s.query({ container: c.id }), expected, 'all lines of three runs');
    await assertExactlyDockers(entries, c.id);
  });

  test('the collector stopped while a container keeps logging, then started: every line once', async () => {
    const prefix = uniquePrefix('collector');
    let s = await start(prefix);
    const c = await runContainer({ name: `${prefix}-a`, script: ticker(600, 'c') });
    await waitFor(async () => (await s.query({ container: c.id })).length > 50, { what: 'lines before the collector stops' });
    await s.stop();
    await new Promise((r) => setTimeout(r, 500)); // the container logs on while nobody collects
    s = await start(prefix);
    await waitExited(c.id, 60_000);
    const expected = (await dockerTimeline(c.id)).stdout.length;
    const entries = await waitForCount(() => s.query({ container: c.id }), expected, 'all lines after the collector restart');
    await assertExactlyDockers(entries, c.id);
  });

  test('a follower that crashes resumes from the buffer\'s cursor: every line once', async () => {
    const prefix = uniquePrefix('crash');
    const s = await start(prefix);
    const c = await runContainer({ name: `${prefix}-a`, script: ticker(400, 'k') });
    await waitFor(async () => (await s.query({ container: c.id })).length > 30, { what: 'lines before the crash' });
    const follower = await startChild(s.containers, { id: c.id, restart: 'transient', start: () => ({ receive() {} }) });
    follower.tell({ type: 'not-a-message' }); // the exhaustive switch throws: the follower crashes
    await waitFor(() => s.system.stats.restarts > 0, { what: 'the follower to be restarted' });
    await waitExited(c.id, 60_000);
    const expected = (await dockerTimeline(c.id)).stdout.length;
    const entries = await waitForCount(() => s.query({ container: c.id }), expected, 'all lines');
    await new Promise((r) => setTimeout(r, 300));
    await assertExactlyDockers(await s.query({ container: c.id }), c.id);
    assert.is(entries.length, expected);
  });

  test('with the store, a collector restart keeps the lines of a container removed meanwhile and re-reads nothing', async () => {
    const prefix = uniquePrefix('restart-store');
    const config = testConfig(new RegExp(`^${prefix}`));
    let s = (service = await startTestService(config));
    const gone = await runContainer({ name: `${prefix}-gone`, script: 'for i in 1 2 3; do echo "gone $i"; done' });
    const live = await runContainer({ name: `${prefix}-live`, script: ticker(500, 's') });
    await waitExited(gone.id);
    await waitFor(async () => (await s.query({ container: live.id })).length > 30, { what: 'lines before the stop' });
    const goneLines = await waitForCount(() => s.query({ container: gone.id }), 3, 'the short container');
    await s.stop();
    await gone.remove();
    s = service = await startTestService(config);
    assert.equal((await s.query({ container: gone.id })).map((e) => [e.dockerTs, e.message]), goneLines.map((e) => [e.dockerTs, e.message]));
    await waitExited(live.id, 60_000);
    const expected = (await dockerTimeline(live.id)).stdout.length;
    const entries = await waitForCount(() => s.query({ container: live.id }), expected, 'all lines of the live container');
    await assertExactlyDockers(entries, live.id);
  });

  test('a container renamed while logging: every line once, later lines under the new name', async () => {
    const prefix = uniquePrefix('rename');
    const s = await start(prefix);
    const c = await runContainer({ name: `${prefix}-old`, script: ticker(300, 'n', 5000) });
    await waitFor(async () => (await s.query({ container: c.id })).length > 20, { what: 'lines before rename' });
    await c.rename({ name: `${prefix}-new` });
    await waitExited(c.id, 60_000);
    const expected = (await dockerTimeline(c.id)).stdout.length;
    const entries = await waitForCount(() => s.query({ container: c.id }), expected, 'all lines');
    await assertExactlyDockers(entries, c.id);
    assert.is(entries.at(-1)!.containerName, `${prefix}-new`);
    assert.is(entries[0]!.containerName, `${prefix}-old`);
    const status = await s.status();
    assert.is(status.containers.find((x) => x.id === c.id)?.name, `${prefix}-new`);
  });

  test('a 40,000-byte line is joined back from its 16 KiB pieces', async () => {
    const prefix = uniquePrefix('long');
    const s = await start(prefix);
    const c = await runContainer({
      name: `${prefix}-a`,
      script: 'echo before; head -c 40000 /dev/zero | tr "\\0" "a"; echo; head -c 20000 /dev/zero | tr "\\0" "b" >&2; echo >&2; echo after',
    });
    await waitExited(c.id);
    const entries = await waitForCount(() => s.query({ container: c.id }), 4, 'four lines');
    assert.is(entries.length, 4);
    const out = entries.filter((e) => e.stream === 'stdout').map((e) => e.message);
    assert.equal(out.map((m) => m.length), [6, 40_000, 5]);
    assert.is(out[1], 'a'.repeat(40_000));
    const err = entries.find((e) => e.stream === 'stderr')!;
    assert.is(err.message, 'b'.repeat(20_000));
  });

  test('a TTY container: lines without \\r, a long line joined', async () => {
    const prefix = uniquePrefix('tty');
    const s = await start(prefix);
    const c = await runContainer({ name: `${prefix}-a`, tty: true, script: 'echo one; echo two; head -c 40000 /dev/zero | tr "\\0" "z"; echo; echo three' });
    await waitExited(c.id);
    const entries = await waitForCount(() => s.query({ container: c.id }), 4, 'four lines');
    assert.equal(entries.map((e) => (e.message.length > 100 ? `${e.message[0]}×${e.message.length}` : e.message)), ['one', 'two', 'z×40000', 'three']);
    assert.ok(entries.every((e) => e.stream === 'stdout'));
    const status = await s.status();
    assert.is(status.containers.find((x) => x.id === c.id)?.follower?.tty, true);
  });

  test('a storm of 40 short-lived containers: every line of each, once', async () => {
    const prefix = uniquePrefix('storm');
    const s = await start(prefix);
    const started = await Promise.all(Array.from({ length: 40 }, (_, i) => runContainer({ name: `${prefix}-${i}`, script: `for j in 1 2 3 4 5 6 7 8 9 10; do echo "c${i} line $j"; done` })));
    await Promise.all(started.map((c) => waitExited(c.id)));
    const entries = await waitForCount(() => s.query({}), 400, '400 lines from 40 containers', 60_000);
    assert.is(entries.length, 400);
    for (const c of started) await assertExactlyDockers(entries, c.id);
  });

  test('a container that exited before the collector started has its history collected once', async () => {
    const prefix = uniquePrefix('exited');
    const c = await runContainer({ name: `${prefix}-a`, script: 'for i in 1 2 3 4 5 6 7; do echo "early $i"; done' });
    await waitExited(c.id);
    const s = await start(prefix);
    const entries = await waitForCount(() => s.query({ container: c.id }), 7, 'the exited container\'s history');
    await assertExactlyDockers(entries, c.id);
    await waitFor(async () => (await s.status()).containers.find((x) => x.id === c.id)?.follower?.state === 'stopped', { what: 'follower to settle as stopped' });
    assert.is((await s.query({ container: c.id })).length, 7, 'still once after settling');
  });

  test('exec, pause and unpause change nothing: one follower, every line once', async () => {
    const prefix = uniquePrefix('exec');
    const s = await start(prefix);
    const c = await runContainer({ name: `${prefix}-a`, script: ticker(200, 'e', 10_000) });
    await waitFor(async () => (await s.query({ container: c.id })).length > 10, { what: 'first lines' });
    const exec = await c.exec({ Cmd: ['/bin/sh', '-c', 'echo from-exec'], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({});
    stream.resume();
    await new Promise((r) => stream.on('end', r));
    await c.pause();
    await new Promise((r) => setTimeout(r, 300));
    await c.unpause();
    await waitExited(c.id, 60_000);
    const expected = (await dockerTimeline(c.id)).stdout.length;
    const entries = await waitForCount(() => s.query({ container: c.id }), expected, 'all lines');
    await assertExactlyDockers(entries, c.id);
    assert.is((await s.status()).containers.filter((x) => x.id === c.id).length, 1);
  });

  test('a logging driver that cannot be read marks the container unsupported, without retrying', async () => {
    const prefix = uniquePrefix('none');
    const s = await start(prefix);
    const c = await rigDocker().createContainer({
      name: `${prefix}-a`,
      Image: testImage(),
      Cmd: ['/bin/sh', '-c', 'echo invisible; sleep 30'],
      Labels: { [TEST_LABEL]: '1', [TEST_RUN_LABEL]: RUN_ID },
      StopTimeout: 1,
      HostConfig: { NetworkMode: 'none', LogConfig: { Type: 'none', Config: {} } },
    });
    await c.start();
    const status = await waitFor(async () => (await s.status()).containers.find((x) => x.id === c.id && x.follower?.state === 'unsupported'), { what: 'container marked unsupported' });
    assert.ok(status.unsupported, 'the reason is reported');
    const restarts = s.system.stats.restarts;
    await new Promise((r) => setTimeout(r, 1500));
    assert.is(s.system.stats.restarts, restarts, 'no restart loop');
    assert.is((await s.query({ container: c.id })).length, 0);
  });

  test('a container labelled logagg.enable=false is not collected', async () => {
    const prefix = uniquePrefix('optout');
    const s = await start(prefix);
    const quiet = await runContainer({ name: `${prefix}-quiet`, labels: { 'logagg.enable': 'false' }, script: 'echo private' });
    const loud = await runContainer({ name: `${prefix}-loud`, script: 'echo public' });
    await Promise.all([waitExited(quiet.id), waitExited(loud.id)]);
    await waitForCount(() => s.query({ container: loud.id }), 1, 'the collected container');
    assert.equal((await s.query({})).map((e) => e.message), ['public']);
    assert.not.ok((await s.status()).containers.some((x) => x.id === quiet.id));
  });

  test('formats, traces and secrets are understood end to end', async () => {
    const prefix = uniquePrefix('formats');
    const s = await start(prefix);
    const lines = [
      '{"level":50,"time":1761402600000,"msg":"pino failed","pid":7}',
      '{"level":"warn","ts":1761402600.5,"msg":"zap slow","latency":3}',
      'level=warning msg="disk almost full" path=/data',
      '2025-10-25 14:30:00 INFO [websocket-ingestion] Connected to Home Assistant',
      'Traceback (most recent call last):',
      '  File "/app/main.py", line 3, in <module>',
      '    run()',
      'ValueError: bad value',
      'connecting with password=hunter2 to postgres://app:s3cr3t@db:5432/x',
    ];
    const script = lines.map((l) => `echo '${l}'`).join('; ');
    const c = await runContainer({ name: `${prefix}-a`, script });
    await waitExited(c.id);
    const entries = await waitForCount(() => s.query({ container: c.id }), 6, 'six entries');
    const by = (m: string) => entries.find((e) => e.message.includes(m));
    assert.is(by('pino failed')?.level, 4);
    assert.is(by('pino failed')?.time, '2025-10-25T14:30:00.000Z');
    assert.is(by('zap slow')?.level, 3);
    assert.is(by('disk almost full')?.fields?.path, '/data');
    assert.is(by('Connected to Home Assistant')?.message, 'Connected to Home Assistant');
    const trace = by('Traceback');
    assert.ok(trace, 'trace joined into one entry');
    assert.is(trace!.level, 4);
    assert.ok(trace!.message.includes('ValueError: bad value'));
    const secret = by('connecting with');
    assert.not.ok(secret!.message.includes('hunter2'), secret!.message);
    assert.not.ok(secret!.message.includes('s3cr3t'), secret!.message);
    assert.is(entries.length, 6);
  });

}

test.run();
