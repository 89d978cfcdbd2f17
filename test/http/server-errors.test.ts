import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BufferMsg } from '../../http/index.js';
import { parseRaw, rawExchange, request } from '../support/http-client.js';
import { silent, startHarness, type Harness } from './harness.js';

const test = suite('http errors');

let h: Harness | undefined;
test.after.each(async () => {
  await h?.close();
  h = undefined;
});


test('unknown route: 404 JSON', async () => {
  h = await startHarness();
  const r = await request(h.port, '/nope');
  assert.is(r.status, 404);
  assert.type(r.body.error, 'string');
});

test('wrong method: 405 JSON with Allow', async () => {
  h = await startHarness();
  for (const method of ['POST', 'DELETE', 'PUT']) {
    const r = await request(h.port, '/logs', { method });
    assert.is(r.status, 405, method);
    assert.is(r.headers.allow, 'GET, HEAD, OPTIONS');
    assert.type(r.body.error, 'string');
  }
});

test('an actor that does not answer in time: 504 JSON', async () => {
  h = await startHarness({ buffer: silent<BufferMsg>(), config: { askTimeoutMs: 50 } });
  const r = await request(h.port, '/logs');
  assert.is(r.status, 504);
  assert.match(r.body.error, /did not answer within 50 ms/);
  const s = await request(h.port, '/logs/stream');
  assert.is(s.status, 504, 'a stream whose subscription is not confirmed');
});

test('an unexpected failure: 500 JSON without a stack, logged', async () => {
  // A buffer that answers nonsense makes the route throw a TypeError.
  h = await startHarness({
    buffer: () => ({
      receive(m: BufferMsg) {
        if (m.type === 'query') m.replyTo.tell(null as never);
      },
    }),
  });
  const r = await request(h.port, '/logs');
  assert.is(r.status, 500);
  assert.equal(r.body, { error: 'internal error' });
  assert.is(h.logged.length, 1);
  assert.match(h.logged[0]!, /TypeError/);
});

test('an oversized URL: 414 JSON; an oversized head: 431 JSON', async () => {
  h = await startHarness();
  const long = await request(h.port, `/logs?search=${'x'.repeat(9000)}`);
  assert.is(long.status, 414);
  assert.type(long.body.error, 'string');
  const huge = parseRaw(await rawExchange(h.port, `GET /logs HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`));
  assert.is(huge.status, 431);
  assert.type(huge.body.error, 'string');
});

test('a malformed request: 400 JSON, and the server goes on', async () => {
  h = await startHarness();
  const bad = parseRaw(await rawExchange(h.port, 'THIS IS NOT HTTP\r\n\r\n'));
  assert.is(bad.status, 400);
  assert.type(bad.body.error, 'string');
  const badEncoding = await request(h.port, '/logs/service/%E0%A4%A?search=%ZZ');
  assert.ok(badEncoding.status === 200 || badEncoding.status === 400, String(badEncoding.status));
  assert.is((await request(h.port, '/health')).status, 200);
});

test.run();
