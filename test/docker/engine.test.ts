/** First integration test: the rig's engine works and `dockerLogs` is a faithful reference. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  RUN_ID,
  dockerLogs,
  removeTestContainers,
  requireEngine,
  rigDocker,
  runContainer,
  testImage,
  waitFor,
} from '../rig/rig-client.js';

const test = suite('docker engine');

/** Wait for a container to exit and return its exit code. */
async function exitCode(id: string): Promise<number> {
  const r = (await rigDocker().getContainer(id).wait()) as { StatusCode: number };
  return r.StatusCode;
}

if (requireEngine(test)) {
  test.after(async () => {
    await removeTestContainers();
  });

  test('engine answers and has the test image', async () => {
    const d = rigDocker();
    const ping = await d.ping();
    assert.is(String(ping), 'OK');
    const img = await d.getImage(testImage()).inspect();
    assert.equal(img.Config.Cmd, ['/bin/sh']);
    assert.ok(img.Config.Env?.includes('PATH=/bin'), `image env: ${JSON.stringify(img.Config.Env)}`);
  });

  test('dockerode lists a labelled container it started', async () => {
    const c = await runContainer({ script: 'sleep 30', labels: { 'logagg.test.case': 'list' } });
    const list = await rigDocker().listContainers({
      filters: { label: ['logagg.test.case=list', `logagg.test.run=${RUN_ID}`] },
    });
    assert.equal(
      list.map((x) => x.Id),
      [c.id],
    );
    const found = list[0]!;
    assert.is(found.Labels['logagg.test'], '1');
    assert.is(found.Labels['logagg.test.run'], RUN_ID);
    assert.is(found.State, 'running');
    await c.remove({ force: true });
  });

  test('non-TTY logs come back line for line, per stream', async () => {
    const long = 'x'.repeat(20_000); // > 16 KiB: docker splits it into partial messages
    const c = await runContainer({
      script: [
        'echo out1',
        'echo err1 >&2',
        'echo "out2 with  spaces\tand tab"',
        'echo "err2 ünïcödé ✓" >&2',
        'echo',
        `head -c 20000 /dev/zero | tr '\\0' x; echo`,
        'printf "err3 no newline" >&2',
      ].join('; '),
    });
    assert.is(await exitCode(c.id), 0);
    const logs = await dockerLogs(c.id);
    assert.is(logs.tty, false);
    assert.equal(logs.stdout, ['out1', 'out2 with  spaces\tand tab', '', long]);
    assert.equal(logs.stderr, ['err1', 'err2 ünïcödé ✓', 'err3 no newline']);
    assert.is(logs.raw.stderr.toString('utf8'), 'err1\nerr2 ünïcödé ✓\nerr3 no newline');
  });

  test('timestamps option prefixes every line with an RFC 3339 time', async () => {
    const c = await runContainer({ script: 'echo a; echo b >&2; echo c' });
    await exitCode(c.id);
    const logs = await dockerLogs(c.id, { timestamps: true });
    const ts = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z /;
    assert.is(logs.stdout.length, 2);
    assert.is(logs.stderr.length, 1);
    for (const l of [...logs.stdout, ...logs.stderr]) assert.ok(ts.test(l), `no timestamp: ${JSON.stringify(l)}`);
    assert.equal(logs.stdout.map((l) => l.replace(ts, '')), ['a', 'c']);
    assert.equal(logs.stderr.map((l) => l.replace(ts, '')), ['b']);
  });

  test('TTY logs come back raw with CRLF line ends, all on stdout', async () => {
    const c = await runContainer({ tty: true, script: 'echo tty1; echo tty2 >&2; printf "tty3"' });
    assert.is(await exitCode(c.id), 0);
    const logs = await dockerLogs(c.id);
    assert.is(logs.tty, true);
    assert.is(logs.raw.stdout.toString('utf8'), 'tty1\r\ntty2\r\ntty3');
    assert.equal(logs.stdout, ['tty1\r', 'tty2\r', 'tty3']);
    assert.equal(logs.stderr, []);
  });

  test('logs of a running container grow (waitFor)', async () => {
    const c = await runContainer({ script: 'i=0; while [ $i -lt 5 ]; do echo tick $i; i=$((i+1)); sleep 0.1; done; sleep 30' });
    const logs = await waitFor(async () => {
      const l = await dockerLogs(c.id);
      return l.stdout.length >= 5 ? l : undefined;
    }, { what: '5 ticks in the logs', timeoutMs: 10_000 });
    assert.equal(logs.stdout, ['tick 0', 'tick 1', 'tick 2', 'tick 3', 'tick 4']);
  });
}

test.run();
