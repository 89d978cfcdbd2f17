import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from '../support/http-client.js';
import { CONTAINERS, seedEntries, startHarness, type Harness } from './harness.js';

const test = suite<{ h: Harness; now: number }>('http GET /logs', { h: undefined as never, now: 0 });

test.before.each(async (ctx) => {
  ctx.now = Date.now();
  ctx.h = await startHarness();
  await ctx.h.append(seedEntries(ctx.now));
});

test.after.each(async (ctx) => {
  await ctx.h.close();
});

const messages = (body: any): string[] => body.logs.map((l: any) => l.message);

test('all entries, newest first, in the API shape, with the container count', async ({ h, now }) => {
  const r = await request(h.port, '/logs');
  assert.is(r.status, 200);
  assert.match(String(r.headers['content-type']), /^application\/json/);
  assert.is(r.body.count, 8);
  assert.is(r.body.total_containers, 3);
  assert.is(r.body.next_cursor, undefined);
  assert.is(messages(r.body)[0], 'job 7 done');
  const worker = r.body.logs.find((l: any) => l.message.startsWith('Timeout'));
  const ms = now - 35 * 60_000;
  assert.equal(worker, {
    timestamp: new Date(ms).toISOString(), // no own time: Docker's, in milliseconds (docker_timestamp keeps the nanoseconds)
    service: 'worker',
    level: 'ERROR',
    message: 'Timeout talking to db after 5000 ms',
    container_id: CONTAINERS.worker.id.slice(0, 12),
    container_name: 'worker-1',
    stream: 'stderr',
    docker_timestamp: new Date(ms).toISOString().replace('Z', '000000Z'),
    fields: { attempt: 3 },
  });
  const db = r.body.logs.find((l: any) => l.service === 'db');
  assert.is(db.timestamp, new Date(now - 15 * 60_000 - 500).toISOString(), "the line's own time wins");
  assert.is(r.body.logs.find((l: any) => l.message === 'out of memory').truncated, true);
});

test('service: one or a comma list', async ({ h }) => {
  assert.is((await request(h.port, '/logs?service=api')).body.count, 4);
  assert.is((await request(h.port, '/logs?service=api,db')).body.count, 5);
  assert.is((await request(h.port, '/logs?service=nope')).body.count, 0);
});

test('level: minimum severity, aliases accepted', async ({ h }) => {
  assert.is((await request(h.port, '/logs?level=warn')).body.count, 4);
  assert.is((await request(h.port, '/logs?level=ERR')).body.count, 3);
  assert.equal(messages((await request(h.port, '/logs?level=fatal')).body), ['out of memory']);
});

test('since and until: relative, ISO and epoch seconds', async ({ h, now }) => {
  assert.is((await request(h.port, '/logs?since=30m')).body.count, 4);
  assert.is((await request(h.port, '/logs?until=30m')).body.count, 4);
  assert.is((await request(h.port, `/logs?since=${new Date(now - 42 * 60_000).toISOString()}`)).body.count, 6);
  assert.is((await request(h.port, `/logs?until=${(now - 42 * 60_000) / 1000}`)).body.count, 2);
  assert.is((await request(h.port, '/logs?since=1h&until=40m')).body.count, 3);
});

test('limit, cursor and next_cursor page through everything', async ({ h }) => {
  const first = await request(h.port, '/logs?limit=3');
  assert.is(first.body.count, 3);
  assert.type(first.body.next_cursor, 'string');
  const seen = messages(first.body);
  let cursor: string | undefined = first.body.next_cursor;
  while (cursor) {
    const page = await request(h.port, `/logs?limit=3&cursor=${encodeURIComponent(cursor)}`);
    assert.is(page.status, 200);
    seen.push(...messages(page.body));
    cursor = page.body.next_cursor;
  }
  assert.is(seen.length, 8);
  assert.is(new Set(seen).size, 8);
  assert.is((await request(h.port, '/logs?limit=5000')).body.count, 8, 'a larger limit is clamped, not refused');
});

test('search (case-insensitive keyword) and regex', async ({ h }) => {
  assert.equal(messages((await request(h.port, '/logs?search=TIMEOUT')).body).sort(), ['Timeout talking to db after 5000 ms', 'request failed: timeout']);
  assert.equal(messages((await request(h.port, '/logs?regex=' + encodeURIComponent('^Timeout'))).body), ['Timeout talking to db after 5000 ms']);
  assert.is((await request(h.port, '/logs?regex=' + encodeURIComponent('(?i)timeout$'))).body.count, 1);
});

test('container (name or id prefix) and stream', async ({ h }) => {
  assert.is((await request(h.port, '/logs?container=worker-1')).body.count, 3);
  assert.is((await request(h.port, '/logs?container=bbbb2222')).body.count, 3);
  assert.is((await request(h.port, '/logs?stream=stderr')).body.count, 4);
  assert.is((await request(h.port, '/logs?stream=stdout&service=api')).body.count, 2);
});

test('order=asc: oldest first', async ({ h }) => {
  const r = await request(h.port, '/logs?order=asc&limit=2');
  assert.equal(messages(r.body), ['GET /users 200', 'cache hit key=42']);
});

test('GET /logs/service/:name', async ({ h }) => {
  const r = await request(h.port, '/logs/service/worker?level=warning');
  assert.is(r.status, 200);
  assert.equal(messages(r.body), ['Timeout talking to db after 5000 ms', 'queue depth high']);
  assert.is(r.body.total_containers, 3);
  assert.is((await request(h.port, '/logs/service/nope')).body.count, 0);
});

test('invalid parameters: 400 naming the parameter', async ({ h }) => {
  for (const [qs, parameter] of [
    ['since=yesterday', 'since'],
    ['until=x', 'until'],
    ['limit=0', 'limit'],
    ['limit=2.5', 'limit'],
    ['level=loud', 'level'],
    ['regex=' + encodeURIComponent('(unclosed'), 'regex'],
    ['stream=both', 'stream'],
    ['order=up', 'order'],
    ['service=', 'service'],
    ['limit=1&limit=2', 'limit'],
  ] as const) {
    const r = await request(h.port, `/logs?${qs}`);
    assert.is(r.status, 400, qs);
    assert.is(r.body.parameter, parameter, qs);
    assert.type(r.body.error, 'string');
  }
  const bad = await request(h.port, '/logs?cursor=not-a-cursor');
  assert.is(bad.status, 400, 'a cursor the buffer refuses');
  assert.is(bad.body.parameter, 'cursor');
});

test.run();
