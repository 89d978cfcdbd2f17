/**
 * `node dist/main.js` as operators meet it: a setting that cannot work ends in one line naming the
 * variable (exit 2, no stack trace), a Docker that was never reached is worded as such, the log
 * format is honoured, and SIGTERM stops it cleanly. No Docker needed: the socket does not exist.
 */
import net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from '../support/http-client.js';
import { exitWithin, freePort, spawnService, waitForStatus, type ServiceProcess } from '../support/service-process.js';

const test = suite('main process');

let proc: ServiceProcess | undefined;
let blocker: net.Server | undefined;
test.after.each(async () => {
  if (proc && proc.child.exitCode === null) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
  proc = undefined;
  await new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r()));
  blocker = undefined;
});

const main = (env: Record<string, string>) => (proc = spawnService(process.execPath, ['dist/main.js'], env));

async function refusedWith(env: Record<string, string>, variable: string): Promise<string> {
  const p = main(env);
  assert.is(await exitWithin(p, 15_000), 2, `exit code; stderr:\n${p.stderr()}`);
  const lines = p.stderr().trimEnd().split('\n');
  const line = lines[lines.length - 1]!;
  assert.ok(line.startsWith(`logagg: configuration error: ${variable}: `), line);
  assert.not.match(p.stderr(), /\n\s+at /, 'no stack trace');
  return line;
}

test('a port in use: one line naming LOG_AGGREGATOR_PORT', async () => {
  const port = await freePort();
  blocker = net.createServer();
  await new Promise<void>((r) => blocker!.listen(port, '127.0.0.1', () => r()));
  const line = await refusedWith({ LOG_AGGREGATOR_PORT: String(port), LOG_AGGREGATOR_HOST: '127.0.0.1' }, 'LOG_AGGREGATOR_PORT');
  assert.match(line, `port ${port} on 127.0.0.1 is already in use`);
});

test('an address that is not this machine: one line naming LOG_AGGREGATOR_HOST', async () => {
  const line = await refusedWith({ LOG_AGGREGATOR_PORT: '0', LOG_AGGREGATOR_HOST: '192.0.2.1' }, 'LOG_AGGREGATOR_HOST');
  assert.match(line, '192.0.2.1 is not an address of this machine');
});

test('settings refused before anything starts: CORS_ORIGINS=foo, a data directory that is a file, a bad host', async () => {
  await refusedWith({ CORS_ORIGINS: 'foo' }, 'CORS_ORIGINS');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'logagg-main-'));
  try {
    writeFileSync(path.join(dir, 'file'), '');
    const line = await refusedWith({ DATA_DIR: path.join(dir, 'file') }, 'DATA_DIR');
    assert.match(line, 'is not a directory');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await refusedWith({ LOG_AGGREGATOR_HOST: 'not a host' }, 'LOG_AGGREGATOR_HOST');
  await refusedWith({ LOG_FORMAT: 'xml' }, 'LOG_FORMAT');
});

test('Docker never reached: "could not connect", not "connection lost"; liveness 200, health 503; SIGTERM exits 0', async () => {
  const port = await freePort();
  const p = main({ LOG_AGGREGATOR_PORT: String(port), LOG_AGGREGATOR_HOST: '127.0.0.1', DOCKER_SOCKET: '/nonexistent/docker.sock' });
  await waitForStatus(port, '/health/live', 200, Date.now());
  assert.is((await request(port, '/health')).status, 503);
  const start = Date.now();
  while (!/could not connect to Docker/.test(p.stderr()) && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 20));
  assert.match(p.stderr(), /ERROR \[logagg\] could not connect to Docker: connect ENOENT \/nonexistent\/docker\.sock: no Docker socket there; is Docker running, and is the socket mounted/);
  assert.not.match(p.stderr(), /connection lost/);
  p.child.kill('SIGTERM');
  assert.is(await exitWithin(p, 15_000), 0, p.stderr());
  assert.match(p.stderr(), /SIGTERM: stopping/);
});

test('LOG_FORMAT=json: every line of the service log is one JSON object with an event', async () => {
  const port = await freePort();
  const p = main({ LOG_AGGREGATOR_PORT: String(port), LOG_AGGREGATOR_HOST: '127.0.0.1', LOG_FORMAT: 'json' });
  await waitForStatus(port, '/health/live', 200, Date.now());
  const start = Date.now();
  while (!/docker\.connect_failed/.test(p.stderr()) && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 20));
  p.child.kill('SIGTERM');
  assert.is(await exitWithin(p, 15_000), 0);
  const lines = p.stderr().trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(lines.length >= 3, p.stderr());
  for (const l of lines) assert.equal(Object.keys(l).slice(0, 4), ['time', 'level', 'logger', 'message']);
  const failed = lines.find((l) => l.event === 'docker.connect_failed');
  assert.ok(failed, p.stderr());
  assert.is(failed.level, 'ERROR');
  assert.match(String(failed.error), 'ENOENT');
});

test.run();
