/** `GET /health/live`: liveness for probes and the image's HEALTHCHECK, apart from /health's state. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BufferMsg } from '../../http/index.js';
import { request } from '../support/http-client.js';
import { silent, startHarness, type Harness } from './harness.js';

const test = suite('http /health/live');

let h: Harness | undefined;
test.after.each(async () => {
  await h?.close();
  h = undefined;
});

test('200 {"status":"alive"} while /health is degraded (Docker away, an actor silent)', async () => {
  h = await startHarness({ discovery: 'silent', buffer: silent<BufferMsg>(), config: { askTimeoutMs: 50 } });
  assert.is((await request(h.port, '/health')).status, 503);
  const r = await request(h.port, '/health/live');
  assert.is(r.status, 200);
  assert.equal(r.body, { status: 'alive' });
  assert.is(r.headers['cache-control'], 'no-store');
});

test('needs no token when API_TOKEN is set; other methods get 405', async () => {
  h = await startHarness({ config: { apiToken: 'tok' } });
  assert.is((await request(h.port, '/health/live')).status, 200);
  assert.is((await request(h.port, '/health/live/')).status, 200);
  assert.is((await request(h.port, '/health/lively')).status, 401, 'only the exact route is public');
  const post = await request(h.port, '/health/live', { method: 'POST' });
  assert.is(post.status, 405);
});

test.run();
