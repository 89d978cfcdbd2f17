/** The HTTP side of the byte budgets: MAX_LIVE_CLIENTS, a page's MAX_RESPONSE_MB continued by next_cursor, queued concurrent pages. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LogEntry } from '../../actors/parse/log-entry.js';
import { openLineStream, openWs, parseRaw, rawExchange, request, waitFor, type LineStream, type WsClient } from '../support/http-client.js';
import { makeEntry, startHarness, type Harness } from './harness.js';

const test = suite('http byte budgets and the live client cap');

let h: Harness | undefined;
const open: (LineStream | WsClient)[] = [];
test.after.each(async () => {
  for (const c of open.splice(0)) c.close();
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
