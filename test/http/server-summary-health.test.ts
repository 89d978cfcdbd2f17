import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BufferMsg } from '../../http/index.js';
import { request } from '../support/http-client.js';
import { seedEntries, silent, startHarness, type Harness } from './harness.js';

const test = suite('http /errors/summary and /health');

let h: Harness | undefined;
test.after.each(async () => {
  await h?.close();
  h = undefined;
});

test('GET /errors/summary: the ErrorSummary as is, for the asked window', async () => {
  h = await startHarness();
  const now = Date.now();
  await h.append(seedEntries(now));
  const r = await request(h.port, '/errors/summary?since=1h');
  assert.is(r.status, 200);
  const s = r.body;
  assert.equal(Object.keys(s).sort(), ['error_rate', 'precision', 'services_with_errors', 'top_exceptions', 'total_errors', 'total_lines', 'window']);
  assert.equal(s.precision, { exact: true });
  assert.is(s.total_lines, 8);
  assert.is(s.total_errors, 3);
  assert.ok(Math.abs(Date.parse(s.window.since) - (now - 3_600_000)) < 5000, s.window.since);
  assert.equal(s.services_with_errors.map((x: any) => x.service).sort(), ['api', 'worker']);
  assert.is(s.top_exceptions.length, 3);
  assert.is((await request(h.port, '/errors/summary?since=30m')).body.total_lines, 4, 'since is passed on');
  assert.is((await request(h.port, '/errors/summary?until=30m')).body.total_lines, 4, 'until is passed on');
});

test('GET /errors/summary: since/until validated', async () => {
  h = await startHarness();
  const r = await request(h.port, '/errors/summary?since=later');
  assert.is(r.status, 400);
  assert.is(r.body.parameter, 'since');
  assert.is((await request(h.port, '/errors/summary?until=nope')).body.parameter, 'until');
});

test('GET /health: healthy, 200', async () => {
  h = await startHarness({ config: { startedAt: Date.now() - 5000 } });
  await h.append(seedEntries(Date.now()));
  const r = await request(h.port, '/health');
  assert.is(r.status, 200);
  const b = r.body;
  assert.is(b.status, 'healthy');
  assert.is(b.docker_connection, 'connected');
  assert.is(b.containers_monitored, 3);
  assert.is(b.log_buffer_size, 8);
  assert.is(b.log_buffer_capacity, 10_000);
  assert.is(b.retention_hours, 24);
  assert.ok(b.uptime_seconds >= 5);
  assert.is(b.version, '9.9.9-test');
  for (const k of ['actor_restarts', 'dead_letters', 'dropped_entries']) assert.type(b[k], 'number', k);
  assert.is(b.last_docker_error, undefined);
  assert.is(b.problems, undefined);
});

test('GET /health: repeats_dropped is the followers\' total of messages the engine sent twice', async () => {
  h = await startHarness({ discovery: { repeatsDropped: 42 } });
  const r = await request(h.port, '/health');
  assert.is(r.status, 200);
  assert.is(r.body.repeats_dropped, 42);
});

test('GET /health: Docker disconnected → degraded, 503, with the last error', async () => {
  h = await startHarness({ discovery: { connected: false, lastError: 'connect ENOENT /var/run/docker.sock', containers: [] } });
  const r = await request(h.port, '/health');
  assert.is(r.status, 503);
  assert.is(r.body.status, 'degraded');
  assert.is(r.body.docker_connection, 'disconnected');
  assert.is(r.body.last_docker_error, 'connect ENOENT /var/run/docker.sock');
  assert.is(r.body.containers_monitored, 0);
});

test('GET /health: a part that does not answer degrades the report instead of failing it', async () => {
  h = await startHarness({ buffer: silent<BufferMsg>(), config: { askTimeoutMs: 50, retentionMs: 2 * 3_600_000 } });
  const r = await request(h.port, '/health');
  assert.is(r.status, 503);
  assert.is(r.body.status, 'degraded');
  assert.is(r.body.docker_connection, 'connected');
  assert.is(r.body.containers_monitored, 3);
  assert.is(r.body.log_buffer_size, null);
  assert.is(r.body.retention_hours, 2, 'from the configuration');
  assert.match(r.body.problems[0], /^buffer: .*did not answer/);
});

test.run();
