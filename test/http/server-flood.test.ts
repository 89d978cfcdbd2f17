import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LogEntry } from '../../actors/model/log-entry.js';
import type { LiveClientStats } from '../../http/index.js';
import { openWs, request, stalledLiveClient, waitFor } from '../support/http-client.js';
import { makeEntry, startHarness, type Harness } from './harness.js';

const test = suite('http slow live clients under a flood');

const MAX_ENTRIES = 200;
const MAX_BYTES = 256 * 1024;
/** Well beyond what the kernel's socket buffers can absorb for a peer that never reads. */
const TOTAL = 12_000;
const BATCH = 100;
const PAD = 'x'.repeat(1500);

let h: Harness | undefined;
const sockets: net.Socket[] = [];
test.after.each(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await h?.close();
  h = undefined;
});

/** A live client that never reads, closed after the test. */
async function stalledClient(port: number, ws: boolean): Promise<net.Socket> {
  const socket = await stalledLiveClient(port, ws);
  sockets.push(socket);
  return socket;
}

test('stalled clients stay within their bound and are dropped for or cut off; a reading client gets everything in order', async () => {
  h = await startHarness({ capacity: TOTAL + 100, config: { maxClientQueue: MAX_ENTRIES, maxClientQueueBytes: MAX_BYTES } });
  await stalledClient(h.port, true);
  await stalledClient(h.port, false);
  const good = await openWs(`${h.ws}/logs/stream`);
  await waitFor(() => h!.http.liveStats().clients.length === 3, 3000, 'three subscriptions');

  // Follow every client's queue figures through the flood (clients cut off leave the list).
  const seen = new Map<string, LiveClientStats>();
  const observe = () => {
    for (const s of h!.http.liveStats().clients) seen.set(s.id, s);
  };
  const base = Date.now();
  for (let i = 0; i < TOTAL; i += BATCH) {
    const batch: LogEntry[] = [];
    for (let j = i; j < i + BATCH; j++) batch.push(makeEntry('api', 2, `flood ${j} ${PAD}`, base + j));
    await h.append(batch);
    observe();
    // Let sockets move, as they would between Docker reads.
    await new Promise((r) => setImmediate(r));
  }
  await waitFor(() => good.messages.length >= TOTAL, 20_000, 'every entry at the reading client');
  observe();

  // The reading client: everything, in order, nothing dropped.
  assert.is(good.messages.length, TOTAL);
  assert.ok(good.messages.every((m, i) => m.message.startsWith(`flood ${i} `)), 'in order');
  assert.not.ok(good.messages.some((m) => 'notice' in m));

  // Every client's pending queue stayed within its bound.
  for (const s of seen.values()) {
    assert.ok(s.peakEntries <= MAX_ENTRIES, `peak entries ${s.peakEntries}`);
    assert.ok(s.peakBytes <= MAX_BYTES, `peak bytes ${s.peakBytes}`);
  }
  // The stalled ones lost entries (or were cut off as too slow) …
  const stalled = [...seen.values()].filter((s) => s.dropped > 0 || s.endedBecause);
  assert.is(stalled.length, 2, JSON.stringify([...seen.values()].map(({ id, dropped, peakEntries, peakBytes }) => ({ id, dropped, peakEntries, peakBytes }))));
  // … which /health counts.
  const health = await request(h.port, '/health');
  assert.ok(health.body.dropped_entries > 0);

  // The pending queue of a stalled client is only what it can never read; Node's own buffers for it stay bounded.
  assert.ok(h.http.liveStats().clients.every((c) => c.transportBytes <= MAX_BYTES + 64 * 1024), 'transport buffers bounded');
});

test('a stalled client past the hard limit is disconnected as too slow', async () => {
  h = await startHarness({ capacity: TOTAL + 100, config: { maxClientQueue: 50, maxClientQueueBytes: 64 * 1024 } });
  const stalled = await stalledClient(h.port, false);
  await waitFor(() => h!.http.liveStats().clients.length === 1, 3000, 'subscription');
  let closed = false;
  stalled.on('close', () => (closed = true));
  const base = Date.now();
  for (let i = 0; i < TOTAL && h.http.liveStats().clients.length > 0; i += BATCH) {
    const batch: LogEntry[] = [];
    for (let j = i; j < i + BATCH; j++) batch.push(makeEntry('api', 2, `flood ${j} ${PAD}`, base + j));
    await h.append(batch);
    await new Promise((r) => setImmediate(r));
  }
  assert.is(h.http.liveStats().clients.length, 0, 'cut off and unsubscribed');
  assert.is(h.http.liveStats().disconnectedTooSlow, 1);
  assert.ok(h.http.liveStats().dropped > 0);
  // Once it reads again it finds the connection closed by the server.
  stalled.on('data', () => {});
  stalled.resume();
  await waitFor(() => closed, 5000, 'connection closed');
});

test.run();
