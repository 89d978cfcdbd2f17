import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openLineStream, openWs, request } from '../support/http-client.js';
import { startHarness, type Harness } from './harness.js';

const test = suite('http auth and CORS');

const TOKEN = 's3cret-token';
const auth = { Authorization: `Bearer ${TOKEN}` };
let h: Harness | undefined;
test.after.each(async () => {
  await h?.close();
  h = undefined;
});

test('REST: 401 without or with a wrong token, 200 with it; /health needs none', async () => {
  h = await startHarness({ config: { apiToken: TOKEN } });
  const none = await request(h.port, '/logs');
  assert.is(none.status, 401);
  assert.equal(none.body, { error: 'missing or invalid bearer token' });
  assert.is(none.headers['www-authenticate'], 'Bearer');
  const wrong = await request(h.port, '/logs', { headers: { Authorization: 'Bearer nope' } });
  assert.is(wrong.status, 401);
  assert.match(String(wrong.headers['www-authenticate']), /^Bearer/);
  assert.is((await request(h.port, '/logs', { headers: { Authorization: `Bearer ${TOKEN}x` } })).status, 401, 'a longer token');
  assert.is((await request(h.port, '/logs', { headers: { Authorization: `Basic ${TOKEN}` } })).status, 401, 'another scheme');
  assert.is((await request(h.port, '/logs', { headers: auth })).status, 200);
  assert.is((await request(h.port, '/errors/summary', { headers: { authorization: `bearer ${TOKEN}` } })).status, 200, 'scheme in any case');
  assert.is((await request(h.port, `/logs?token=${TOKEN}`)).status, 401, 'no query token on REST routes');
  assert.is((await request(h.port, '/health')).status, 200);
  assert.is((await request(h.port, '/nope')).status, 401, 'unknown routes are not revealed without a token');
  assert.is((await request(h.port, '/nope', { headers: auth })).status, 404);
});

test('WebSocket: header or ?token=, else the upgrade is refused with 401', async () => {
  h = await startHarness({ config: { apiToken: TOKEN } });
  const refused = await openWs(`${h.ws}/logs/stream`).catch((e) => e);
  assert.is(refused.status, 401);
  assert.equal(refused.body, { error: 'missing or invalid bearer token' });
  assert.is((await openWs(`${h.ws}/logs/stream?token=wrong`).catch((e) => e)).status, 401);
  const byHeader = await openWs(`${h.ws}/logs/stream`, auth);
  const byQuery = await openWs(`${h.ws}/logs/stream?token=${TOKEN}`);
  await byHeader.close();
  await byQuery.close();
});

test('plain HTTP stream: ?token= accepted (EventSource cannot set headers)', async () => {
  h = await startHarness({ config: { apiToken: TOKEN } });
  assert.is((await request(h.port, '/logs/stream')).status, 401);
  const s = await openLineStream(h.port, `/logs/stream?token=${TOKEN}`);
  assert.is(s.status, 200);
  s.close();
});

test('CORS: allowed origins get Access-Control-Allow-Origin, others not', async () => {
  h = await startHarness({ config: { corsOrigins: ['https://ui.example'] } });
  const ok = await request(h.port, '/logs', { headers: { Origin: 'https://ui.example' } });
  assert.is(ok.headers['access-control-allow-origin'], 'https://ui.example');
  assert.match(String(ok.headers.vary), /Origin/);
  const other = await request(h.port, '/logs', { headers: { Origin: 'https://evil.example' } });
  assert.is(other.status, 200);
  assert.is(other.headers['access-control-allow-origin'], undefined);
  const err = await request(h.port, '/logs?limit=0', { headers: { Origin: 'https://ui.example' } });
  assert.is(err.headers['access-control-allow-origin'], 'https://ui.example', 'errors are readable too');
});

test('CORS: preflight answered 204 without a token; * allows any origin', async () => {
  h = await startHarness({ config: { corsOrigins: ['*'], apiToken: TOKEN } });
  const pre = await request(h.port, '/logs', {
    method: 'OPTIONS',
    headers: { Origin: 'https://any.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
  });
  assert.is(pre.status, 204);
  assert.is(pre.headers['access-control-allow-origin'], '*');
  assert.match(String(pre.headers['access-control-allow-methods']), /GET/);
  assert.match(String(pre.headers['access-control-allow-headers']), /Authorization/);
  const get = await request(h.port, '/logs', { headers: { Origin: 'https://any.example', ...auth } });
  assert.is(get.headers['access-control-allow-origin'], '*');
});

test('WebSocket from a foreign page: 403 unless its origin is allowed', async () => {
  h = await startHarness({ config: { corsOrigins: ['https://ui.example'] } });
  const foreign = await openWs(`${h.ws}/logs/stream`, { Origin: 'https://evil.example' }).catch((e) => e);
  assert.is(foreign.status, 403);
  const allowed = await openWs(`${h.ws}/logs/stream`, { Origin: 'https://ui.example' });
  const sameOrigin = await openWs(`${h.ws}/logs/stream`, { Origin: `http://127.0.0.1:${h.port}` });
  await allowed.close();
  await sameOrigin.close();
});

test.run();
