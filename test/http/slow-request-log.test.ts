/** Requests slower than `slowRequestMs` (1 s by default) get one WARNING line in the service log; streams never do. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { configureServiceLog } from '../../actors/service-log.js';
import { openLineStream, request } from '../support/http-client.js';
import { startHarness, type Harness } from './harness.js';

const test = suite('http slow request log');

let h: Harness | undefined;
let lines: Record<string, unknown>[] = [];
let restore: (() => void) | undefined;
test.before.each(() => {
  lines = [];
  restore = configureServiceLog({ level: 2, format: 'json', write: (l) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
});
test.after.each(async () => {
  await h?.close();
  h = undefined;
  restore?.();
});

test('a request over the threshold: route, parameters, status, duration', async () => {
  h = await startHarness({ config: { slowRequestMs: 0 } });
  assert.is((await request(h.port, '/logs?service=api&limit=5')).status, 200);
  await new Promise((r) => setImmediate(r));
  assert.is(lines.length, 1);
  const l = lines[0]!;
  assert.is(l.level, 'WARNING');
  assert.is(l.event, 'http.slow_query');
  assert.is(l.path, '/logs');
  assert.is(l.query, 'service=api&limit=5');
  assert.is(l.status, 200);
  assert.type(l.duration_ms, 'number');
  assert.match(String(l.message), /^slow query: GET \/logs\?service=api&limit=5 took \d+ ms \(status 200\)$/);
});

test('under the default 1 s: nothing; live streams: never', async () => {
  h = await startHarness();
  await request(h.port, '/logs');
  await request(h.port, '/health');
  await h.close();
  h = await startHarness({ config: { slowRequestMs: 0 } });
  const s = await openLineStream(h.port, '/logs/stream?token=secret');
  s.close();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(lines, []);
});

test.run();
