import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BufferStats } from '../../actors/model/query-protocol.js';
import { ask } from '../../runtime/index.js';
import type { BufferMsg } from '../../http/index.js';
import { openWs, waitFor } from '../support/http-client.js';
import { makeEntry, seedEntries, startHarness, type Harness } from './harness.js';

const test = suite('http WebSocket live tail');

let h: Harness | undefined;
test.after.each(async () => {
  await h?.close();
  h = undefined;
});

const subscribers = (hh: Harness) => ask<BufferMsg, BufferStats>(hh.buffer, (replyTo) => ({ type: 'stats', replyTo }), 1000).then((s) => s.subscribers);

/** Opens a WebSocket by hand and never reads from it nor answers pings. */
function deafWebSocket(port: number, path = '/logs/stream'): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      socket.pause();
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

test('tail=N then live entries, filtered, one entry per message, in order', async () => {
  h = await startHarness();
  const now = Date.now();
  await h.append(seedEntries(now));
  const c = await openWs(`${h.ws}/logs/stream?service=api&tail=2`);
  await waitFor(() => c.messages.length >= 2, 3000, 'tail');
  assert.equal(c.messages.map((m) => m.message), ['request failed: timeout', 'out of memory']);
  await h.append([makeEntry('worker', 2, 'not for api', now), makeEntry('api', 2, 'live 1', now + 1), makeEntry('db', 2, 'nor this', now + 2)]);
  await h.append([makeEntry('api', 4, 'live 2', now + 3)]);
  await waitFor(() => c.messages.length >= 4, 3000, 'live entries');
  assert.equal(c.messages.map((m) => m.message).slice(2), ['live 1', 'live 2']);
  assert.is(c.messages[3].level, 'ERROR');
  assert.is(c.messages[3].container_name, 'api-1');
  await c.close();
});

test('level, search, regex, container and stream filters', async () => {
  h = await startHarness();
  const now = Date.now();
  const c = await openWs(`${h.ws}/logs/stream?level=warn&search=disk&stream=stderr&container=worker-1&regex=${encodeURIComponent('full$')}`);
  await h.append([
    makeEntry('worker', 4, 'disk full', now),
    makeEntry('worker', 2, 'disk full (info)', now + 1),
    makeEntry('api', 4, 'disk full', now + 2),
    makeEntry('worker', 4, 'disk almost full!', now + 3),
    makeEntry('worker', 5, 'Disk is full', now + 4),
  ]);
  await waitFor(() => c.messages.length >= 2, 3000, 'matching entries');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(c.messages.map((m) => m.message), ['disk full', 'Disk is full']);
  await c.close();
});

test('invalid parameters: the upgrade is refused with 400 naming the parameter', async () => {
  h = await startHarness();
  for (const [qs, parameter] of [
    ['level=loud', 'level'],
    ['tail=-3', 'tail'],
    ['regex=' + encodeURIComponent('(a'), 'regex'],
    ['stream=x', 'stream'],
  ] as const) {
    const e = await openWs(`${h.ws}/logs/stream?${qs}`).catch((err) => err);
    assert.is(e.status, 400, qs);
    assert.is(e.body.parameter, parameter, qs);
  }
  const missing = await openWs(`${h.ws}/elsewhere`).catch((err) => err);
  assert.is(missing.status, 404);
  assert.is(await subscribers(h), 0, 'nothing subscribed for refused upgrades');
});

test('closing the socket unsubscribes', async () => {
  h = await startHarness();
  const c = await openWs(`${h.ws}/logs/stream`);
  await waitFor(() => h!.http.liveStats().clients.length === 1);
  assert.is(await subscribers(h), 1);
  await c.close();
  await waitFor(() => h!.http.liveStats().clients.length === 0, 3000, 'client removal');
  await new Promise((r) => setTimeout(r, 20));
  assert.is(await subscribers(h), 0);
});

test('a peer that misses a pong is terminated; one that answers stays', async () => {
  h = await startHarness({ config: { pingIntervalMs: 40 } });
  const deaf = await deafWebSocket(h.port);
  let deafClosed = false;
  deaf.on('close', () => (deafClosed = true));
  deaf.resume(); // read (and ignore) what comes, but never answer a ping
  deaf.on('data', () => {});
  const good = await openWs(`${h.ws}/logs/stream`);
  await waitFor(() => deafClosed, 3000, 'deaf peer terminated');
  await new Promise((r) => setTimeout(r, 150));
  assert.is(good.closed, undefined);
  assert.is(good.ws.readyState, good.ws.OPEN);
  await good.close();
});

test('server close ends open WebSockets with 1001', async () => {
  h = await startHarness();
  const c = await openWs(`${h.ws}/logs/stream`);
  await h.close();
  h = undefined;
  await waitFor(() => c.closed !== undefined, 3000, 'close');
  assert.ok(c.closed!.code === 1001 || c.closed!.code === 1006, String(c.closed!.code));
});

test.run();
