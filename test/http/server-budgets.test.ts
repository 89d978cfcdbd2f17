/** The HTTP side of the byte budgets: MAX_LIVE_CLIENTS, a page's MAX_RESPONSE_MB continued by next_cursor, queued concurrent pages. */
import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BufferStats } from '../../actors/model/query-protocol.js';
import type { LogEntry } from '../../actors/model/log-entry.js';
import type { BufferMsg } from '../../http/index.js';
import { ask } from '../../runtime/index.js';
import { openLineStream, openWs, parseRaw, rawExchange, request, stalledLiveClient, waitFor, type LineStream, type WsClient } from '../support/http-client.js';
import { makeEntry, startHarness, type Harness } from './harness.js';

const test = suite('http byte budgets and the live client cap');

let h: Harness | undefined;
const open: (LineStream | WsClient)[] = [];
const sockets: net.Socket[] = [];
test.after.each(async () => {
  for (const c of open.splice(0)) c.close();
  for (const s of sockets.splice(0)) s.destroy();
  await h?.close();
  h = undefined;
});

const KB = 1024;

test('beyond MAX_LIVE_CLIENTS: an NDJSON stream gets 503, a WebSocket upgrade is refused with 503; a freed place is taken again', async () => {
  h = await startHarness({ config: { maxLiveClients: 2 } });
  open.push(await openLineStream(h.port, '/logs/stream'));
  const ws = await openWs(`${h.ws}/logs/stream`);
  open.push(ws);
  await waitFor(() => h!.http.liveStats().clients.length === 2, 3000, 'two clients');
  const refused = await request(h.port, '/logs/stream');
  assert.is(refused.status, 503);
  assert.match(refused.body.error, /MAX_LIVE_CLIENTS/);
  assert.ok(refused.headers['retry-after']);
  const raw = parseRaw(
    await rawExchange(h.port, 'GET /logs/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'),
  );
  assert.is(raw.status, 503);
  assert.match(raw.body.error, /MAX_LIVE_CLIENTS/);
  ws.close();
  await waitFor(() => h!.http.liveStats().clients.length === 1, 3000, 'one client left');
  const again = await openWs(`${h.ws}/logs/stream`);
  open.push(again);
  await waitFor(() => h!.http.liveStats().clients.length === 2, 3000, 'the place taken again');
});

/** A live client that never reads, closed after the test. */
async function stalledClient(port: number, ws: boolean): Promise<net.Socket> {
  const socket = await stalledLiveClient(port, ws);
  sockets.push(socket);
  return socket;
}

test('many stalled clients and a flood: the live queues stay within MAX_LIVE_BYTES, collection is complete, a reader gets everything', async () => {
  const MAX = 512 * KB;
  const TOTAL = 6000;
  h = await startHarness({ capacity: TOTAL + 100, config: { maxLiveBytes: MAX, maxClientQueue: 5000, maxClientQueueBytes: 256 * KB } });
  for (let i = 0; i < 12; i++) await stalledClient(h.port, i % 2 === 0);
  const reader = await openWs(`${h.ws}/logs/stream`);
  open.push(reader);
  await waitFor(() => h!.http.liveStats().clients.length === 13, 3000, 'thirteen subscriptions');
  const base = Date.now();
  let most = 0;
  for (let i = 0; i < TOTAL; i += 100) {
    const batch: LogEntry[] = [];
    for (let j = i; j < i + 100; j++) batch.push(makeEntry('api', 2, `flood ${j} ${'x'.repeat(1000)}`, base + j));
    await h.append(batch);
    most = Math.max(most, h.http.liveStats().bytes);
    await new Promise((r) => setImmediate(r));
  }
  await waitFor(() => reader.messages.length >= TOTAL, 20_000, 'every entry at the reader');
  const s = h.http.liveStats();
  assert.ok(most <= MAX && s.peakBytes <= MAX, `live bytes peaked at ${s.peakBytes} (sampled ${most}), bound ${MAX}`);
  assert.ok(s.shed > 0, 'the furthest behind were shed');
  assert.ok(s.disconnectedTooSlow >= s.shed);
  // Collection is complete: the buffer took every entry.
  const stats = await ask<BufferMsg, BufferStats>(h.buffer, (replyTo) => ({ type: 'stats', replyTo }), 1000);
  assert.is(stats.appended, TOTAL);
  assert.is(reader.messages.length, TOTAL);
  assert.ok(reader.messages.every((m, i) => m.message.startsWith(`flood ${i} `)), 'in order, no gap');
});

test('a page stops at MAX_RESPONSE_MB (body bytes counted) and next_cursor walks every entry once; four pages at once are all answered', async () => {
  const CAP = 1024 * KB;
  h = await startHarness({ capacity: 1000, config: { maxResponseBytes: CAP, concurrentQueries: 2 } });
  const base = Date.now() - 60_000;
  const entries: LogEntry[] = Array.from({ length: 60 }, (_, i) => makeEntry('api', 2, `big ${i} ${'é'.repeat(50 * KB)}`, base + i));
  await h.append(entries);
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const r = await request(h.port, `/logs?limit=1000&order=asc${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.is(r.status, 200);
    assert.ok(Buffer.byteLength(r.text) <= CAP, `page of ${Buffer.byteLength(r.text)} bytes within ${CAP}`);
    assert.is(r.body.count, r.body.logs.length);
    seen.push(...r.body.logs.map((e: { message: string }) => e.message.split(' ').slice(0, 2).join(' ')));
    cursor = r.body.next_cursor;
    pages++;
  } while (cursor && pages < 100);
  assert.equal(seen, entries.map((_, i) => `big ${i}`));
  assert.ok(pages >= 6, `${pages} pages`);

  const four = await Promise.all([1, 2, 3, 4].map(() => request(h!.port, '/logs?limit=1000')));
  for (const r of four) {
    assert.is(r.status, 200);
    assert.ok(r.body.next_cursor, 'cut at its cap, continued by cursor');
    assert.ok(Buffer.byteLength(r.text) <= CAP);
  }
});

test.run();
