import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LogEntry } from '../../actors/model/log-entry.js';
import { ManualClock } from '../../runtime/index.js';
import { LiveClient, type EndReason, type LiveTransport } from '../../http/live-client.js';
import { LiveRegistry } from '../../http/live-registry.js';

const test = suite('http live client');

function entry(i: number, message = `line ${i}`): LogEntry {
  const ms = Date.parse('2024-05-01T12:00:00Z') + i;
  return {
    level: 2,
    message,
    dockerTs: new Date(ms).toISOString().replace('Z', '000000Z'),
    dockerMs: ms,
    stream: 'stdout',
    containerId: 'a'.repeat(64),
    containerName: 'web-1',
    service: 'web',
  };
}

/** A transport whose writes complete only when told to: a client that does not read. */
class FakeTransport implements LiveTransport {
  sent: string[] = [];
  private callbacks: (() => void)[] = [];
  ended: EndReason | undefined;
  send(data: Buffer, done: () => void): void {
    this.sent.push(data.toString());
    this.callbacks.push(done);
  }
  end(reason: EndReason): void {
    this.ended = reason;
  }
  bufferedBytes(): number {
    return 0;
  }
  /** Completes the `n` oldest writes (all by default). */
  flush(n = Infinity): void {
    const cbs = this.callbacks.splice(0, n);
    for (const cb of cbs) cb();
  }
}

function setup(opts: { maxEntries?: number; maxBytes?: number; stallTimeoutMs?: number; id?: string; budget?: LiveRegistry } = {}) {
  const clock = new ManualClock();
  const state = { dropped: 0, closed: 0, reason: undefined as EndReason | undefined };
  const client = new LiveClient({
    id: opts.id ?? 't',
    maxEntries: opts.maxEntries ?? 10,
    maxBytes: opts.maxBytes ?? 1024 * 1024,
    stallTimeoutMs: opts.stallTimeoutMs ?? 60_000,
    clock,
    format: 'ndjson',
    // Each batch is written as soon as it is queued (the server defers to the next turn).
    defer: (fn) => fn(),
    ...(opts.budget ? { budget: opts.budget } : {}),
    onDropped: (n) => (state.dropped += n),
    onClosed: (c, reason) => {
      state.closed++;
      state.reason = reason;
      opts.budget?.remove(c, reason);
    },
  });
  opts.budget?.add(client);
  return { clock, client, state, transport: new FakeTransport() };
}

/** Every JSON message written, in order (one write may carry several lines). */
const messages = (t: FakeTransport) => t.sent.join('').split('\n').filter(Boolean).map((s) => JSON.parse(s));

test('entries are framed and written in order; ready settles on subscribed', async () => {
  const { client, transport } = setup();
  client.tell({ type: 'subscribed' });
  assert.is(await client.ready, null);
  client.attach(transport);
  client.tell({ type: 'entries', entries: [entry(1), entry(2)] });
  client.tell({ type: 'entries', entries: [entry(3)] });
  assert.equal(messages(transport).map((m) => m.message), ['line 1', 'line 2', 'line 3']);
  assert.ok(transport.sent.every((s) => s.endsWith('\n')));
});

test('before attach, entries wait in the backlog and go out first', () => {
  const { client, transport } = setup();
  client.tell({ type: 'subscribed' });
  client.tell({ type: 'entries', entries: [entry(1), entry(2)] });
  assert.is(client.stats().pendingEntries, 2);
  client.attach(transport);
  client.tell({ type: 'entries', entries: [entry(3)] });
  assert.equal(messages(transport).map((m) => m.message), ['line 1', 'line 2', 'line 3']);
});

test('a refusal settles ready with the FilterError', async () => {
  const { client } = setup();
  client.tell({ ok: false, parameter: 'regex', error: 'bad' });
  assert.equal(await client.ready, { ok: false, parameter: 'regex', error: 'bad' });
});

test('a client that does not read: pending stays within the bound, the rest is dropped, then one notice', () => {
  const { client, transport, state } = setup({ maxEntries: 10 });
  client.tell({ type: 'subscribed' });
  client.attach(transport);
  for (let i = 0; i < 50; i++) client.tell({ type: 'entries', entries: [entry(i)] });
  assert.is(messages(transport).length, 10);
  assert.is(client.stats().pendingEntries, 10);
  assert.is(client.stats().peakEntries, 10);
  assert.is(state.dropped, 40);
  // Half drained: caught up; the notice takes the gap's place.
  transport.flush(5);
  assert.equal(messages(transport)[10], { notice: 'dropped', count: 40 });
  assert.is(client.stats().pendingEntries, 5);
  transport.flush();
  client.tell({ type: 'entries', entries: [entry(100)] });
  assert.is(messages(transport).at(-1).message, 'line 100');
  assert.is(client.stats().notices, 1);
  assert.is(state.closed, 0);
});

test('the byte bound holds too (one oversized entry alone still goes out)', () => {
  const { client, transport, state } = setup({ maxEntries: 1000, maxBytes: 1000 });
  client.tell({ type: 'subscribed' });
  client.attach(transport);
  for (let i = 0; i < 20; i++) client.tell({ type: 'entries', entries: [entry(i, 'x'.repeat(200))] });
  assert.ok(client.stats().peakBytes <= 1000, `peak ${client.stats().peakBytes}`);
  assert.ok(state.dropped > 0);
  transport.flush();
  transport.flush(); // the dropped notice
  client.tell({ type: 'entries', entries: [entry(99, 'y'.repeat(5000))] });
  transport.flush();
  const last = messages(transport).at(-1);
  assert.is(last.message.length, 5000);
});

test('still dropping after stallTimeoutMs: disconnected as too slow and unsubscribed', () => {
  const { client, transport, state, clock } = setup({ maxEntries: 2, stallTimeoutMs: 60_000 });
  client.tell({ type: 'subscribed' });
  client.attach(transport);
  client.tell({ type: 'entries', entries: [entry(1), entry(2), entry(3)] });
  clock.advance(59_999);
  assert.is(transport.ended, undefined);
  clock.advance(1);
  assert.is(transport.ended, 'too slow');
  assert.is(state.closed, 1);
  assert.is(client.alive, false);
  assert.is(client.tell({ type: 'entries', entries: [entry(4)] }), false);
});

test('dropping more than 10× the bound in one stall disconnects at once', () => {
  const { client, transport, state } = setup({ maxEntries: 5 });
  client.tell({ type: 'subscribed' });
  client.attach(transport);
  client.tell({ type: 'entries', entries: Array.from({ length: 200 }, (_, i) => entry(i)) });
  assert.is(transport.ended, 'too slow');
  assert.is(state.dropped, 51);
  assert.is(state.closed, 1);
});

test('catching up cancels the stall timer', () => {
  const { client, transport, clock } = setup({ maxEntries: 2, stallTimeoutMs: 1000 });
  client.tell({ type: 'subscribed' });
  client.attach(transport);
  client.tell({ type: 'entries', entries: [entry(1), entry(2), entry(3)] });
  transport.flush();
  clock.advance(5000);
  assert.is(transport.ended, undefined);
  assert.is(client.alive, true);
});

test('tell never throws: a failing transport ends that client only', () => {
  const { client, state } = setup();
  client.tell({ type: 'subscribed' });
  let ended: EndReason | undefined;
  client.attach({
    send() {
      throw new Error('boom');
    },
    end: (r) => (ended = r),
    bufferedBytes: () => 0,
  });
  assert.not.throws(() => client.tell({ type: 'entries', entries: [entry(1)] }));
  assert.is(ended, 'subscription failed');
  assert.is(state.closed, 1);
});

test('close is idempotent and reported once', () => {
  const { client, state } = setup();
  client.close();
  client.close();
  client.end('too slow');
  assert.is(state.closed, 1);
});

test('a batch that fits goes out in one write; the same batch array is encoded once for every client', () => {
  const a = setup({ id: 'a' });
  const b = setup({ id: 'b' });
  for (const x of [a, b]) {
    x.client.tell({ type: 'subscribed' });
    x.client.attach(x.transport);
  }
  const batch = [entry(1), entry(2), entry(3)];
  a.client.tell({ type: 'entries', entries: batch });
  b.client.tell({ type: 'entries', entries: batch });
  assert.is(a.transport.sent.length, 1);
  assert.is(b.transport.sent.length, 1);
  assert.equal(messages(a.transport).map((m) => m.message), ['line 1', 'line 2', 'line 3']);
  assert.is(a.transport.sent[0], b.transport.sent[0]);
  assert.is(a.client.stats().pendingEntries, 3);
  a.transport.flush();
  assert.is(a.client.stats().pendingEntries, 0);
  assert.is(a.client.stats().pendingBytes, 0);
});

test('the shared budget: many stalled clients and a flood stay within MAX_LIVE_BYTES; the furthest behind are shed as too slow', () => {
  const MAX = 64 * 1024;
  const registry = new LiveRegistry(MAX);
  // Each client alone may hold 32 KiB: ten stalled clients would hold 320 KiB without the shared budget.
  const stalled = Array.from({ length: 10 }, (_, i) => setup({ id: `s${i}`, maxEntries: 10_000, maxBytes: 32 * 1024, budget: registry }));
  const reader = setup({ id: 'reader', maxEntries: 10_000, maxBytes: 32 * 1024, budget: registry });
  for (const x of [...stalled, reader]) {
    x.client.tell({ type: 'subscribed' });
    x.client.attach(x.transport);
  }
  for (let i = 0; i < 2000; i++) {
    const batch = [entry(i, `flood ${i} ${'x'.repeat(200)}`)];
    for (const x of [...stalled, reader]) x.client.tell({ type: 'entries', entries: batch });
    reader.transport.flush();
    const s = registry.stats();
    assert.ok(s.bytes <= MAX, `live bytes ${s.bytes} within ${MAX}`);
  }
  const s = registry.stats();
  assert.ok(s.peakBytes <= MAX, `peak ${s.peakBytes}`);
  // The reading client got every entry, in order, without a gap.
  const got = messages(reader.transport);
  assert.is(got.length, 2000);
  assert.ok(got.every((m, i) => m.message.startsWith(`flood ${i} `)));
  // Stalled clients were shed (too slow) or dropped for; the ones shed were told why.
  const shed = stalled.filter((x) => x.state.reason === 'too slow');
  assert.ok(shed.length > 0, 'some stalled clients shed');
  assert.ok(shed.every((x) => x.transport.ended === 'too slow'), 'a shed client is told why');
  assert.ok(s.shed > 0);
  assert.is(reader.state.closed, 0);
  // Whatever is still open gave nothing back it did not take: the counter is the clients' pending bytes.
  const pending = [...stalled, reader].filter((x) => x.client.alive).reduce((n, x) => n + x.client.stats().pendingBytes, 0);
  assert.is(registry.stats().bytes, pending);
});

test('a client that is itself the furthest behind gets no room: it drops, and is told how many once it catches up', () => {
  const registry = new LiveRegistry(4096);
  const x = setup({ maxEntries: 10_000, maxBytes: 1024 * 1024, budget: registry });
  x.client.tell({ type: 'subscribed' });
  x.client.attach(x.transport);
  for (let i = 0; i < 100; i++) x.client.tell({ type: 'entries', entries: [entry(i, 'y'.repeat(100))] });
  assert.ok(registry.stats().bytes <= 4096);
  assert.ok(x.state.dropped > 0);
  assert.is(x.client.alive, true);
  x.transport.flush();
  x.transport.flush();
  const notice = messages(x.transport).find((m) => m.notice === 'dropped');
  assert.is(notice?.count, x.state.dropped);
  assert.is(registry.stats().bytes, 0);
});

test.run();
