import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BufferMsg } from '../../http/index.js';
import { OPENAPI } from '../../http/openapi.js';
import { checkResponse, compileAllSchemas } from '../support/openapi-check.js';
import { openLineStream, parseRaw, rawExchange, request, waitFor } from '../support/http-client.js';
import { makeEntry, seedEntries, silent, startHarness, type Harness } from './harness.js';
import { Level } from '../../actors/model/log-entry.js';

const test = suite('http openapi');

let h: Harness | undefined;
test.after.each(async () => {
  await h?.close();
  h = undefined;
});


/** Requests `url` and checks the answer against the document entry of `template`. */
async function check(template: string, url: string, status: number, headers: Record<string, string> = {}): Promise<any> {
  const r = await request(h!.port, url, { headers });
  assert.is(r.status, status, `${url}: ${r.text.slice(0, 200)}`);
  checkResponse(template, r.status, r.body);
  return r.body;
}

test('the document: OpenAPI 3.1, every schema compiles in strict mode, served at /openapi.json', async () => {
  assert.is(OPENAPI.openapi, '3.1.0');
  assert.ok(compileAllSchemas().length >= 7);
  h = await startHarness();
  const doc = await check('/openapi.json', '/openapi.json', 200);
  assert.equal(Object.keys(doc.paths).sort(), ['/alerts', '/alerts/test', '/containers', '/errors/buckets', '/errors/summary', '/forwarding', '/health', '/logs', '/logs/around/{seq}', '/logs/export', '/logs/service/{name}', '/logs/stream', '/metrics', '/openapi.json']);
  // No sink configured: an empty list, as documented.
  assert.equal(await check('/forwarding', '/forwarding', 200), { sinks: [] });
  assert.is(doc.info.version, '9.9.9-test', 'the running version');
  // Every documented path is a route (answers something other than 404).
  for (const path of Object.keys(doc.paths)) {
    if (path === '/logs/stream') continue;
    const r = await request(h.port, path.replace('{name}', 'api').replace('{seq}', 'x'));
    assert.is.not(r.status, 404, path);
  }
});

test('real 200 responses match: /logs, /logs/service/{name}, /errors/summary, /health', async () => {
  h = await startHarness();
  const now = Date.now();
  await h.append([...seedEntries(now), makeEntry('api', Level.ERROR, 'connection reset by peer', now - 1000, { fields: { attempt: '2' } })]);
  const page = await check('/logs', '/logs?limit=3', 200);
  assert.ok(page.next_cursor);
  await check('/logs', `/logs?cursor=${encodeURIComponent(page.next_cursor)}&order=asc`, 200);
  assert.is((await check('/logs/service/{name}', '/logs/service/worker?level=warn', 200)).count, 2);
  const summary = await check('/errors/summary', '/errors/summary?since=2h&until=1m', 200);
  assert.ok(summary.top_exceptions.some((t: any) => !('type' in t)), 'a group without an exception type');
  await check('/errors/summary', '/errors/summary', 200);
  const health = await check('/health', '/health', 200);
  assert.is(health.status, 'healthy');
});

test('live stream lines (NDJSON) match Entry', async () => {
  h = await startHarness();
  await h.append(seedEntries(Date.now()));
  const s = await openLineStream(h.port, '/logs/stream?tail=5');
  try {
    assert.is(s.status, 200);
    await waitFor(() => s.lines().length >= 5, 3000, 'tail');
    for (const line of s.lines()) checkResponse('/logs/stream', 200, JSON.parse(line), 'application/x-ndjson');
    assert.throws(() => checkResponse('/logs/stream', 200, { notice: 'dropped' }, 'application/x-ndjson'), /does not match/, 'a notice needs its count');
    checkResponse('/logs/stream', 200, { notice: 'dropped', count: 3 }, 'application/x-ndjson');
  } finally {
    s.close();
  }
});

test('every error shape: 400 with parameter, 401, 404, 405, 414, 431', async () => {
  h = await startHarness();
  const bad = await check('/logs', '/logs?since=later', 400);
  assert.is(bad.parameter, 'since');
  assert.is((await check('/logs/stream', '/logs/stream?level=loud', 400)).parameter, 'level');
  assert.is((await check('/errors/summary', '/errors/summary?until=x', 400)).parameter, 'until');
  await check('/health', '/nope', 404);
  const post = await request(h.port, '/logs', { method: 'POST' });
  assert.is(post.status, 405);
  checkResponse('/logs', 405, post.body);
  await check('/logs', `/logs?search=${'x'.repeat(9000)}`, 414);
  const huge = parseRaw(await rawExchange(h.port, `GET /logs HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`));
  assert.is(huge.status, 431);
  checkResponse('/logs', 431, huge.body);
  await h.close();
  h = await startHarness({ config: { apiToken: 's3cret' } });
  for (const path of ['/logs', '/logs/service/{name}', '/logs/around/{seq}', '/logs/export', '/containers', '/errors/summary', '/errors/buckets', '/metrics', '/openapi.json']) await check(path, path.replace('{name}', 'api').replace('{seq}', '1'), 401);
  const ok = await request(h.port, '/metrics', { headers: { authorization: 'Bearer s3cret' } });
  assert.is(ok.status, 200);
});

test('500, 503 and 504 shapes; a degraded /health is 503 with the Health body', async () => {
  h = await startHarness({ buffer: () => ({ receive: (m: BufferMsg) => void (m.type === 'query' && m.replyTo.tell(null as never)) }) });
  await check('/logs', '/logs', 500);
  await h.close();
  h = await startHarness({ buffer: silent<BufferMsg>(), discovery: 'silent', config: { askTimeoutMs: 50 } });
  await check('/logs', '/logs', 504);
  await check('/errors/summary', '/errors/summary', 504);
  const degraded = await check('/health', '/health', 503);
  assert.is(degraded.status, 'degraded');
  await h.close();
  h = await startHarness({ buffer: () => ({ receive: () => Promise.reject(new Error('boom')) }) });
  h.buffer.tell({ type: 'stats', replyTo: { path: 'x', alive: true, tell: () => true } });
  await waitFor(() => !h!.buffer.alive, 3000, 'buffer stopped');
  await check('/logs', '/logs', 503);
});

test.run();
