/** The buffer's byte budgets: the window's bound, a page's byte cap continued by cursor, the tail's bound, filter groups. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bufferActor, type BufferMsg } from '../../actors/buffer-actor.js';
import { entryJsonBytes, PAGE_ENVELOPE_BYTES } from '../../actors/buffer/entry-json.js';
import type { BufferStats, LiveEvent, LogQuery, QueryReply, QueryResult } from '../../actors/model/query-protocol.js';
import type { LogEntry } from '../../actors/model/log-entry.js';
import { ActorSystem, ask, ManualClock, type ActorRef } from '../../runtime/index.js';
import { makeEntry, T0 } from '../support/entries.js';
import { flush } from '../support/flush.js';

const test = suite('buffer byte budgets');
const HOUR = 3_600_000;
const KB = 1024;

let sys: ActorSystem | undefined;
test.after.each(async () => {
  await sys?.shutdown();
  sys = undefined;
});

function setup(opts: { capacity?: number; maxBytes?: number } = {}) {
  const clock = new ManualClock(T0 + 60_000);
  sys = new ActorSystem({ clock });
  const buffer = sys.spawn<BufferMsg>('buffer', bufferActor({ capacity: opts.capacity ?? 10_000, retentionMs: HOUR, ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}) }));
  const append = (entries: LogEntry[]) => buffer.tell({ type: 'append', entries });
  const query = async (q: LogQuery): Promise<QueryResult> => {
    const r = await ask<BufferMsg, QueryReply>(buffer, (replyTo) => ({ type: 'query', query: q, replyTo }), 1000, clock);
    if (!r.ok) throw new Error(`${r.parameter}: ${r.error}`);
    return r.result;
  };
  const stats = () => ask<BufferMsg, BufferStats>(buffer, (replyTo) => ({ type: 'stats', replyTo }), 1000, clock);
  return { buffer, append, query, stats };
}

function recorder(): ActorRef<LiveEvent> & { events: LiveEvent[] } {
  const events: LiveEvent[] = [];
  return { path: '/test/sub', alive: true, events, tell: (e: LiveEvent) => (events.push(e), true) };
}

const big = (i: number, size = 200 * KB) => makeEntry({ dockerMs: T0 + i, message: `big ${i} ${'x'.repeat(size)}` });

test('the window holds at most MAX_LOG_BUFFER_MB: big lines evict the oldest, and the counter never passes the bound', async () => {
  const MAX = 4 * 1024 * KB;
  const { append, stats, query } = setup({ maxBytes: MAX });
  for (let i = 0; i < 300; i++) {
    append([big(i)]);
    if (i % 10 === 0) {
      const s = await stats();
      assert.ok(s.approxBytes <= MAX, `approxBytes ${s.approxBytes} within ${MAX} after ${i + 1} lines`);
    }
  }
  const s = await stats();
  assert.ok(s.approxBytes <= MAX);
  assert.is(s.maxBytes, MAX);
  assert.ok(s.size > 10 && s.size < 25, `size ${s.size}`);
  assert.is(s.evicted + s.size, 300);
  // The newest are the ones kept.
  const page = await query({ limit: 1, order: 'desc' });
  assert.match(page.entries[0]!.message, /^big 299 /);
});

test('a page stops before its byte cap, carries a cursor, and the cursor continues it to the end, each entry once', async () => {
  const CAP = 1024 * KB;
  const { append, query } = setup({ maxBytes: 64 * 1024 * KB });
  const entries = Array.from({ length: 100 }, (_, i) => big(i, 50 * KB));
  append(entries);
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await query({ limit: 1000, order: 'asc', maxBytes: CAP, ...(cursor ? { cursor } : {}) });
    pages++;
    const bytes = page.entries.reduce((n, e) => n + entryJsonBytes(e), 0);
    assert.ok(bytes <= CAP - PAGE_ENVELOPE_BYTES, `page of ${bytes} bytes within ${CAP}`);
    assert.ok(page.entries.length > 0);
    seen.push(...page.entries.map((e) => e.message.slice(0, 8)));
    cursor = page.nextCursor;
  } while (cursor && pages < 100);
  assert.is(seen.length, 100);
  assert.equal(seen, entries.map((e) => e.message.slice(0, 8)));
  assert.ok(pages >= 5, `${pages} pages`);
});

test('one entry larger than the cap is still a page of its own', async () => {
  const { append, query } = setup({ maxBytes: 64 * 1024 * KB });
  append([big(1, 300 * KB), big(2, 10)]);
  const p1 = await query({ limit: 10, order: 'asc', maxBytes: 100 * KB });
  assert.is(p1.entries.length, 1);
  assert.ok(p1.nextCursor);
  const p2 = await query({ limit: 10, order: 'asc', maxBytes: 100 * KB, cursor: p1.nextCursor! });
  assert.is(p2.entries.length, 1);
  assert.is(p2.nextCursor, undefined);
});

test('tail=N gives the newest entries that fit tailBytes, oldest first', async () => {
  const { buffer, append } = setup({ maxBytes: 64 * 1024 * KB });
  append(Array.from({ length: 300 }, (_, i) => big(i)));
  const sub = recorder();
  buffer.tell({ type: 'subscribe', id: 's', filter: {}, tail: 1000, tailBytes: 1024 * KB, subscriber: sub });
  await flush();
  const tail = sub.events.find((e): e is Extract<LiveEvent, { type: 'entries' }> => 'type' in e && e.type === 'entries')!;
  const bytes = tail.entries.reduce((n, e) => n + entryJsonBytes(e) + 16, 0);
  assert.ok(bytes <= 1024 * KB, `tail of ${bytes} bytes`);
  // 200 KB lines: five fit 1 MiB with their frames, a sixth would not.
  const n = tail.entries.length;
  assert.is(n, 5);
  assert.equal(tail.entries.map((e) => e.message.slice(0, 8)), Array.from({ length: n }, (_, i) => `big ${300 - n + i} `));
});

test('subscribers with the same filter are one group: every member gets the same batch, matched once', async () => {
  const { buffer, append } = setup();
  const a = recorder();
  const b = recorder();
  const c = recorder();
  buffer.tell({ type: 'subscribe', id: 'a', filter: { services: ['api', 'db'] }, subscriber: a });
  buffer.tell({ type: 'subscribe', id: 'b', filter: { services: ['db', 'api'] }, subscriber: b });
  buffer.tell({ type: 'subscribe', id: 'c', filter: { services: ['db'] }, subscriber: c });
  append([makeEntry({ message: 'one' }), makeEntry({ service: 'db', containerName: 'db-1', message: 'two' }), makeEntry({ service: 'web', containerName: 'web-1', message: 'three' })]);
  await flush();
  const batch = (r: typeof a) => (r.events.at(-1) as Extract<LiveEvent, { type: 'entries' }>).entries;
  assert.equal(batch(a).map((e) => e.message), ['one', 'two']);
  assert.is(batch(a), batch(b), 'the same array for the whole group');
  assert.equal(batch(c).map((e) => e.message), ['two']);
  buffer.tell({ type: 'unsubscribe', id: 'a' });
  append([makeEntry({ message: 'four' })]);
  await flush();
  assert.equal(batch(b).map((e) => e.message), ['four']);
  assert.equal(batch(a).map((e) => e.message), ['one', 'two']);
});

test.run();
