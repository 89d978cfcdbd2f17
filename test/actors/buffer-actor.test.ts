import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bufferActor, type BufferMsg } from '../../actors/buffer-actor.js';
import type { BufferStats, LiveEvent, LogQuery, QueryReply, QueryResult } from '../../actors/model/query-protocol.js';
import type { AppendAck } from '../../actors/model/ingest-protocol.js';
import { Level, type LogEntry } from '../../actors/model/log-entry.js';
import { ActorSystem, ask, ManualClock, type ActorRef } from '../../runtime/index.js';
import { makeEntry, T0 } from '../support/entries.js';
import { flush } from '../support/flush.js';

const test = suite('buffer-actor');

const HOUR = 3_600_000;

/** A fresh system on a manual clock (now = T0 + 1 min) with one buffer actor. */
function setup(opts: { capacity?: number; retentionMs?: number; now?: number } = {}) {
  const clock = new ManualClock(opts.now ?? T0 + 60_000);
  const sys = new ActorSystem({ clock });
  const buffer = sys.spawn<BufferMsg>('buffer', bufferActor({ capacity: opts.capacity ?? 1000, retentionMs: opts.retentionMs ?? HOUR }));
  const append = (entries: LogEntry[]) => buffer.tell({ type: 'append', entries });
  const reply = (query: LogQuery) => ask<BufferMsg, QueryReply>(buffer, (replyTo) => ({ type: 'query', query, replyTo }), 1000, clock);
  const query = async (query: LogQuery): Promise<QueryResult> => {
    const r = await reply(query);
    if (!r.ok) throw new Error(`query refused: ${r.parameter}: ${r.error}`);
    return r.result;
  };
  const messages = async (q: LogQuery) => (await query(q)).entries.map((e) => e.message);
  const stats = () => ask<BufferMsg, BufferStats>(buffer, (replyTo) => ({ type: 'stats', replyTo }), 1000, clock);
  return { clock, sys, buffer, append, reply, query, messages, stats };
}

/** A subscriber ref that records what it is told; `accept` decides what tell returns. */
function recorder(accept: () => boolean = () => true): ActorRef<LiveEvent> & { events: LiveEvent[] } {
  const events: LiveEvent[] = [];
  return {
    path: '/test/subscriber',
    alive: true,
    events,
    tell(e: LiveEvent) {
      if (!accept()) return false;
      events.push(e);
      return true;
    },
  };
}

/** Entries of three containers with interleaved times; several share a millisecond, some share ms and nanos. */
function interleaved(n: number): LogEntry[] {
  const names = ['api-1', 'db-1', 'worker-1'];
  const services = ['api', 'db', 'worker'];
  const out: LogEntry[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    out.push(makeEntry({ containerName: names[c]!, service: services[c]!, dockerMs: T0 + Math.floor(i / 2), nanos: (i * 7919) % 3 === 0 ? 500 : (i % 5) * 1000, message: `m${i}` }));
  }
  return out;
}

/** Sorts like the buffer does: Docker time (ts text sorts as time), then arrival. */
function expectedOrder(entries: LogEntry[], order: 'asc' | 'desc'): string[] {
  const idx = entries.map((e, i) => ({ e, i }));
  idx.sort((a, b) => (a.e.dockerTs < b.e.dockerTs ? -1 : a.e.dockerTs > b.e.dockerTs ? 1 : a.i - b.i));
  const msgs = idx.map((x) => x.e.message);
  return order === 'asc' ? msgs : msgs.reverse();
}

test('acks an append with its count', async () => {
  const { sys, buffer, clock } = setup();
  const ack = await ask<BufferMsg, AppendAck>(buffer, (a) => ({ type: 'append', entries: [makeEntry(), makeEntry()], ack: a }), 1000, clock);
  assert.equal(ack, { type: 'appended', count: 2 });
  await sys.shutdown();
});

test('evicts the oldest entries when full', async () => {
  const { sys, append, messages, stats } = setup({ capacity: 3 });
  append([1, 2, 3, 4, 5].map((i) => makeEntry({ dockerMs: T0 + i, message: `m${i}` })));
  assert.equal(await messages({ limit: 10, order: 'asc' }), ['m3', 'm4', 'm5']);
  append([makeEntry({ dockerMs: T0 + 6, message: 'm6' })]);
  assert.equal(await messages({ limit: 10 }), ['m6', 'm5', 'm4']);
  const s = await stats();
  assert.is(s.size, 3);
  assert.is(s.evicted, 3);
  assert.is(s.appended, 6);
  assert.is(s.oldestMs, T0 + 4);
  assert.is(s.newestMs, T0 + 6);
  await sys.shutdown();
});

test('eviction by capacity removes the oldest arrival across containers', async () => {
  const { sys, append, messages } = setup({ capacity: 4 });
  append(interleaved(10));
  assert.equal(await messages({ limit: 10, order: 'asc' }), expectedOrder(interleaved(10).slice(6), 'asc'));
  await sys.shutdown();
});

test('eviction goes by Docker time, not arrival: history read late does not push out newer lines', async () => {
  const { sys, append, messages, stats } = setup({ capacity: 4 });
  const a = (i: number) => makeEntry({ containerId: 'a'.repeat(64), containerName: 'a', service: 'a', dockerMs: T0 + i * 10, message: `a${i}` });
  const b = (i: number) => makeEntry({ containerId: 'b'.repeat(64), containerName: 'b', service: 'b', dockerMs: T0 + i * 10 + 5, message: `b${i}` });
  append([a(6), a(7), a(8), a(9)]); // recent lines of a arrive first
  append([b(1), b(2), b(8)]); // then b's history: older lines are not kept, b8 is
  assert.equal(await messages({ limit: 10, order: 'asc' }), ['a7', 'a8', 'b8', 'a9']);
  append([b(9)]);
  assert.equal(await messages({ limit: 10, order: 'asc' }), ['a8', 'b8', 'a9', 'b9']);
  assert.is((await stats()).evicted, 4);
  assert.equal(await messages({ limit: 10, services: ['a'] }), ['a9', 'a8']);
  await sys.shutdown();
});

test('retention: queries never return entries older than now - retention, and the sweep evicts them', async () => {
  const { sys, clock, append, messages, stats } = setup({ retentionMs: 60_000, now: T0 });
  append([makeEntry({ dockerMs: T0 - 50_000, message: 'old' }), makeEntry({ dockerMs: T0, message: 'newer' })]);
  assert.equal(await messages({ limit: 10 }), ['newer', 'old']);
  clock.advance(15_000); // 'old' is now 65 s old; the sweep (every 30 s) has not run yet
  assert.equal(await messages({ limit: 10 }), ['newer'], 'filtered at query time, before any sweep');
  assert.is((await stats()).size, 2);
  clock.advance(15_000); // the sweep runs
  await flush();
  const s = await stats();
  assert.is(s.size, 1);
  assert.is(s.evicted, 1);
  clock.advance(60_000); // 'newer' is 90 s old
  await flush();
  assert.is((await stats()).size, 0);
  assert.equal(await messages({ limit: 10 }), []);
  await sys.shutdown();
});

test('an appended entry already past retention is not stored', async () => {
  const { sys, append, messages, stats } = setup({ retentionMs: 60_000, now: T0 + 10 * 60_000 });
  append([makeEntry({ dockerMs: T0, message: 'ancient' }), makeEntry({ dockerMs: T0 + 10 * 60_000, message: 'now' })]);
  assert.equal(await messages({ limit: 10 }), ['now']);
  const s = await stats();
  assert.is(s.size, 1);
  assert.is(s.evicted, 1);
  await sys.shutdown();
});

test('newest first (default) and asc across containers with interleaved times', async () => {
  const { sys, append, messages } = setup();
  const entries = interleaved(60);
  append(entries);
  assert.equal(await messages({ limit: 100 }), expectedOrder(entries, 'desc'));
  assert.equal(await messages({ limit: 100, order: 'asc' }), expectedOrder(entries, 'asc'));
  assert.equal(await messages({ limit: 5 }), expectedOrder(entries, 'desc').slice(0, 5));
  await sys.shutdown();
});

test('a container line that arrives out of time order still comes back in time order', async () => {
  const { sys, append, messages } = setup();
  append([makeEntry({ dockerMs: T0 + 10, message: 'b' }), makeEntry({ dockerMs: T0 + 30, message: 'd' })]);
  append([makeEntry({ dockerMs: T0 + 5, message: 'a' }), makeEntry({ dockerMs: T0 + 20, message: 'c' })]);
  assert.equal(await messages({ limit: 10, order: 'asc' }), ['a', 'b', 'c', 'd']);
  assert.equal(await messages({ limit: 10 }), ['d', 'c', 'b', 'a']);
  await sys.shutdown();
});

for (const order of ['desc', 'asc'] as const) {
  test(`pagination (${order}): pages with cursors have no duplicates and no gaps`, async () => {
    const { sys, append, query } = setup();
    const entries = interleaved(100);
    append(entries);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await query({ limit: 7, order, services: ['api', 'db', 'worker'], ...(cursor ? { cursor } : {}) });
      assert.ok(page.entries.length <= 7);
      seen.push(...page.entries.map((e) => e.message));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    assert.is(pages, 15); // 100 / 7 → 14 full pages and one of 2, no empty last page
    assert.equal(seen, expectedOrder(entries, order));
    await sys.shutdown();
  });
}

test('pagination with a filter: the cursor continues past non-matching entries', async () => {
  const { sys, append, query } = setup();
  append(interleaved(90));
  const all = (await query({ limit: 100, services: ['db'] })).entries.map((e) => e.message);
  assert.is(all.length, 30);
  const p1 = await query({ limit: 20, services: ['db'] });
  assert.ok(p1.nextCursor);
  const p2 = await query({ limit: 20, services: ['db'], cursor: p1.nextCursor! });
  assert.is(p2.nextCursor, undefined);
  assert.equal([...p1.entries, ...p2.entries].map((e) => e.message), all);
  await sys.shutdown();
});

test('an exact page leaves no cursor; a bad cursor is refused naming cursor', async () => {
  const { sys, append, query, reply } = setup();
  append(interleaved(6));
  assert.is((await query({ limit: 6 })).nextCursor, undefined);
  assert.ok((await query({ limit: 5 })).nextCursor);
  const r = await reply({ limit: 5, cursor: 'not-a-cursor' });
  assert.is(r.ok, false);
  if (!r.ok) assert.is(r.parameter, 'cursor');
  await sys.shutdown();
});

test('sinceMs and untilMs are inclusive', async () => {
  const { sys, append, messages } = setup();
  append([0, 1, 2, 3, 4].map((i) => makeEntry({ dockerMs: T0 + i * 1000, nanos: 999_999, message: `m${i}` })));
  assert.equal(await messages({ limit: 10, sinceMs: T0 + 1000, untilMs: T0 + 3000, order: 'asc' }), ['m1', 'm2', 'm3']);
  assert.equal(await messages({ limit: 10, sinceMs: T0 + 1001, untilMs: T0 + 2999 }), ['m2']);
  assert.equal(await messages({ limit: 10, sinceMs: T0 + 1001, untilMs: T0 + 1999 }), []);
  assert.equal(await messages({ limit: 10, sinceMs: T0 + 4000 }), ['m4']);
  assert.equal(await messages({ limit: 10, untilMs: T0 }), ['m0']);
  assert.equal(await messages({ limit: 10, sinceMs: T0 + 3000, untilMs: T0 + 1000 }), []);
  await sys.shutdown();
});

test('filters: services, minLevel, stream, search, regex', async () => {
  const { sys, append, messages } = setup();
  append([
    makeEntry({ dockerMs: T0 + 1, service: 'api', level: Level.INFO, message: 'GET /users 200' }),
    makeEntry({ dockerMs: T0 + 2, service: 'api', level: Level.ERROR, stream: 'stderr', message: 'Timeout talking to DB' }),
    makeEntry({ dockerMs: T0 + 3, service: 'db', containerName: 'db-1', level: Level.WARNING, message: 'slow query: a.b took 3s' }),
    makeEntry({ dockerMs: T0 + 4, service: 'db', containerName: 'db-1', level: Level.CRITICAL, stream: 'stderr', message: 'out of memory' }),
    makeEntry({ dockerMs: T0 + 5, service: 'worker', containerName: 'worker-1', level: Level.DEBUG, message: 'job 42 axb done' }),
  ]);
  const asc = { limit: 10, order: 'asc' as const };
  assert.equal(await messages({ ...asc, services: ['db'] }), ['slow query: a.b took 3s', 'out of memory']);
  assert.equal(await messages({ ...asc, services: ['db', 'worker'] }), ['slow query: a.b took 3s', 'out of memory', 'job 42 axb done']);
  assert.equal(await messages({ ...asc, services: ['nope'] }), []);
  assert.equal(await messages({ ...asc, minLevel: Level.WARNING }), ['Timeout talking to DB', 'slow query: a.b took 3s', 'out of memory']);
  assert.equal(await messages({ ...asc, minLevel: Level.CRITICAL }), ['out of memory']);
  assert.equal(await messages({ ...asc, stream: 'stderr' }), ['Timeout talking to DB', 'out of memory']);
  assert.equal(await messages({ ...asc, stream: 'stdout' }), ['GET /users 200', 'slow query: a.b took 3s', 'job 42 axb done']);
  assert.equal(await messages({ ...asc, search: 'timeout' }), ['Timeout talking to DB']);
  assert.equal(await messages({ ...asc, search: 'a.b' }), ['slow query: a.b took 3s'], 'search is literal');
  assert.equal(await messages({ ...asc, regex: 'a.b' }), ['slow query: a.b took 3s', 'job 42 axb done']);
  assert.equal(await messages({ ...asc, regex: '^(GET|POST) /\\w+ [2-5]\\d\\d$' }), ['GET /users 200']);
  assert.equal(await messages({ ...asc, regex: 'timeout' }), [], 'regex is case-sensitive');
  assert.equal(await messages({ ...asc, regex: '(?i)timeout' }), ['Timeout talking to DB']);
  assert.equal(await messages({ ...asc, regex: '(?i)^OUT OF' }), ['out of memory']);
  await sys.shutdown();
});

test('combined filters all have to match', async () => {
  const { sys, append, messages } = setup();
  // Each variant differs from the matching prototype in exactly one respect.
  const proto = { service: 'api', containerName: 'api-1', level: Level.ERROR, stream: 'stderr' as const, message: 'request 17 FAILED' };
  append([
    makeEntry({ ...proto, dockerMs: T0 + 1, message: 'request 1 FAILED' }),
    makeEntry({ ...proto, dockerMs: T0 + 2, service: 'db', containerName: 'db-1' }),
    makeEntry({ ...proto, dockerMs: T0 + 3, containerName: 'api-2' }),
    makeEntry({ ...proto, dockerMs: T0 + 4, level: Level.INFO }),
    makeEntry({ ...proto, dockerMs: T0 + 5, stream: 'stdout' }),
    makeEntry({ ...proto, dockerMs: T0 + 6, message: 'request 17 ok' }),
    makeEntry({ ...proto, dockerMs: T0 + 7, message: 'retry of request 17 FAILED' }),
    makeEntry({ ...proto, dockerMs: T0 + 8, message: 'request 2 failed' }),
  ]);
  const got = await messages({ limit: 50, order: 'asc', services: ['api', 'web'], container: 'api-1', minLevel: Level.WARNING, stream: 'stderr', search: 'failed', regex: '^request \\d+' });
  assert.equal(got, ['request 1 FAILED', 'request 2 failed']);
  await sys.shutdown();
});

test('container: by id prefix (any case), by name with or without a leading slash', async () => {
  const { sys, append, messages } = setup();
  const a = makeEntry({ dockerMs: T0 + 1, containerName: '/api-1', message: 'from api' });
  const b = makeEntry({ dockerMs: T0 + 2, containerName: 'db-1', service: 'db', message: 'from db' });
  append([a, b]);
  assert.equal(await messages({ limit: 10, container: a.containerId.slice(0, 12) }), ['from api']);
  assert.equal(await messages({ limit: 10, container: b.containerId.slice(0, 4).toUpperCase() }), ['from db']);
  assert.equal(await messages({ limit: 10, container: a.containerId }), ['from api']);
  assert.equal(await messages({ limit: 10, container: 'api-1' }), ['from api']);
  assert.equal(await messages({ limit: 10, container: '/db-1' }), ['from db']);
  assert.equal(await messages({ limit: 10, container: 'db' }), [], 'a name must match exactly');
  await sys.shutdown();
});

test('entries come back exactly: dockerTs nanoseconds, own time, fields, truncated', async () => {
  const { sys, append, query } = setup();
  const entries: LogEntry[] = [
    makeEntry({ dockerTs: '2025-10-25T14:30:00.123456789Z', dockerMs: T0 + 123, message: 'a', fields: { user: 'x', n: 3, nested: { ok: true, list: [1, null, 'é'] } } }),
    makeEntry({ dockerTs: '2025-10-25T14:30:00.123456790Z', dockerMs: T0 + 123, message: 'b', time: '2025-10-25T14:29:59.999Z', truncated: true, stream: 'stderr' }),
    makeEntry({ dockerTs: '2025-10-25T14:30:00.124000000Z', dockerMs: T0 + 124, message: 'c', time: '2025-10-25T14:29:59.123456Z', fields: {} }),
    makeEntry({ dockerTs: '2025-10-25T14:30:00.124000001Z', dockerMs: T0 + 124, message: 'd', time: '2025-10-25T14:29:59.123456789Z' }),
    // Forms the columns cannot rebuild are kept as given.
    makeEntry({ dockerTs: '2025-10-25T14:30:00.125Z', dockerMs: T0 + 125, message: 'e', time: '2025-10-25T14:29:59Z' }),
    makeEntry({ dockerTs: '2025-10-25T14:30:00.126000000Z', dockerMs: T0 + 126, message: 'f', time: '+012025-10-25T14:29:59.000Z' }),
    makeEntry({ dockerMs: T0 + 127, message: 'ünïcödé ✓ and a longer message that V8 would slice 😀', level: Level.CRITICAL }),
  ];
  append(entries);
  const got = (await query({ limit: 10, order: 'asc' })).entries;
  assert.equal(got, entries);
  await sys.shutdown();
});

test('entries with the same Docker time keep their arrival order', async () => {
  const { sys, append, messages } = setup();
  const ts = '2025-10-25T14:30:00.000000001Z';
  append(['x', 'y', 'z'].map((m, i) => makeEntry({ dockerTs: ts, dockerMs: T0, containerName: `c${i}`, message: m })));
  assert.equal(await messages({ limit: 10, order: 'asc' }), ['x', 'y', 'z']);
  assert.equal(await messages({ limit: 10 }), ['z', 'y', 'x']);
  await sys.shutdown();
});

test('an invalid regex is a FilterError naming regex; so is one that is not linear-time', async () => {
  const { sys, append, reply } = setup();
  append([makeEntry()]);
  for (const regex of ['(unclosed', '(a)\\1', '(?=x)y', '(?<!x)y', '(?i)(unclosed']) {
    const r = await reply({ limit: 10, regex });
    assert.is(r.ok, false, regex);
    if (!r.ok) {
      assert.is(r.parameter, 'regex');
      assert.match(r.error, /accepted/);
    }
  }
  await sys.shutdown();
});

test('other invalid parameters are named', async () => {
  const { sys, reply } = setup();
  const cases: [LogQuery, string][] = [
    [{ limit: 0 }, 'limit'],
    [{ limit: 1.5 }, 'limit'],
    [{ limit: 10, minLevel: 9 as Level }, 'level'],
    [{ limit: 10, stream: 'stdin' as 'stdout' }, 'stream'],
    [{ limit: 10, sinceMs: NaN }, 'since'],
    [{ limit: 10, order: 'up' as 'asc' }, 'order'],
  ];
  for (const [q, parameter] of cases) {
    const r = await reply(q);
    assert.is(r.ok, false, parameter);
    if (!r.ok) assert.is(r.parameter, parameter);
  }
  await sys.shutdown();
});

test('a catastrophic regex completes (linear engine)', async () => {
  const { sys, append, messages } = setup();
  const evil = 'a'.repeat(5000) + '!';
  append([makeEntry({ message: evil }), makeEntry({ dockerMs: T0 + 1, message: 'aaaa' })]);
  assert.equal(await messages({ limit: 10, regex: '^(a+)+$' }), ['aaaa']);
  assert.equal(await messages({ limit: 10, regex: '(a|aa)*b' }), []);
  assert.equal(await messages({ limit: 10, regex: '(?i)^(A+)+$' }), ['aaaa']);
  await sys.shutdown();
});

test('live: subscribed, then the tail oldest first, then each later batch filtered and in order', async () => {
  const { sys, buffer, append } = setup();
  append([
    makeEntry({ dockerMs: T0 + 1, level: Level.ERROR, message: 'e1' }),
    makeEntry({ dockerMs: T0 + 2, level: Level.INFO, message: 'i1' }),
    makeEntry({ dockerMs: T0 + 3, level: Level.ERROR, message: 'e2' }),
    makeEntry({ dockerMs: T0 + 4, level: Level.ERROR, message: 'e3' }),
  ]);
  const sub = recorder();
  buffer.tell({ type: 'subscribe', id: 's1', filter: { minLevel: Level.ERROR }, tail: 2, subscriber: sub });
  await flush();
  append([makeEntry({ dockerMs: T0 + 5, level: Level.INFO, message: 'i2' })]);
  append([
    makeEntry({ dockerMs: T0 + 6, level: Level.ERROR, message: 'e4' }),
    makeEntry({ dockerMs: T0 + 7, level: Level.INFO, message: 'i3' }),
    makeEntry({ dockerMs: T0 + 8, level: Level.CRITICAL, message: 'c1' }),
  ]);
  append([makeEntry({ dockerMs: T0 + 9, level: Level.ERROR, message: 'e5' })]);
  await flush();
  const shape = sub.events.map((e) => (!('type' in e) ? 'error' : e.type === 'entries' ? e.entries.map((x) => x.message) : e.type));
  assert.equal(shape, ['subscribed', ['e2', 'e3'], ['e4', 'c1'], ['e5']]);
  await sys.shutdown();
});

test('live: without tail only new entries; a bad filter is refused and not subscribed', async () => {
  const { sys, buffer, append, stats } = setup();
  append([makeEntry({ message: 'before' })]);
  const good = recorder();
  const bad = recorder();
  buffer.tell({ type: 'subscribe', id: 'g', filter: { search: 'x' }, subscriber: good });
  buffer.tell({ type: 'subscribe', id: 'b', filter: { regex: '(' }, tail: 10, subscriber: bad });
  await flush();
  append([makeEntry({ message: 'x marks' }), makeEntry({ message: 'nothing' })]);
  await flush();
  assert.equal(good.events, [{ type: 'subscribed' }, { type: 'entries', entries: [makeEntry({ message: 'x marks' })] }]);
  assert.is(bad.events.length, 1);
  const refusal = bad.events[0]!;
  assert.ok(!('type' in refusal) && refusal.ok === false && refusal.parameter === 'regex');
  assert.is((await stats()).subscribers, 1);
  await sys.shutdown();
});

test('live: a subscriber whose tell returns false is dropped; unsubscribe removes one', async () => {
  const { sys, buffer, append, stats } = setup();
  let open = true;
  const flaky = recorder(() => open);
  const steady = recorder();
  buffer.tell({ type: 'subscribe', id: 'flaky', filter: {}, subscriber: flaky });
  buffer.tell({ type: 'subscribe', id: 'steady', filter: {}, subscriber: steady });
  await flush();
  assert.is((await stats()).subscribers, 2);
  append([makeEntry({ message: 'one' })]);
  await flush();
  open = false;
  append([makeEntry({ message: 'two' })]);
  await flush();
  assert.is((await stats()).subscribers, 1);
  open = true;
  append([makeEntry({ message: 'three' })]);
  await flush();
  assert.is(flaky.events.length, 2, 'nothing after the refusal');
  assert.is(steady.events.length, 4);
  buffer.tell({ type: 'unsubscribe', id: 'steady' });
  append([makeEntry({ message: 'four' })]);
  await flush();
  assert.is(steady.events.length, 4);
  assert.is((await stats()).subscribers, 0);
  await sys.shutdown();
});

test('live: a subscriber that is no longer alive is dropped', async () => {
  const { sys, buffer, append, stats } = setup();
  const sub = recorder();
  buffer.tell({ type: 'subscribe', id: 's', filter: {}, subscriber: sub });
  await flush();
  Object.defineProperty(sub, 'alive', { value: false });
  append([makeEntry()]);
  await flush();
  assert.is(sub.events.length, 1);
  assert.is((await stats()).subscribers, 0);
  await sys.shutdown();
});

test('stats report size, capacity, retention, counters, time range and approxBytes', async () => {
  const { sys, append, stats } = setup({ capacity: 100, retentionMs: HOUR });
  const empty = await stats();
  assert.equal({ ...empty, approxBytes: 0 }, { size: 0, capacity: 100, retentionMs: HOUR, evicted: 0, appended: 0, subscribers: 0, approxBytes: 0, maxBytes: Infinity });
  append(interleaved(30));
  const s = await stats();
  assert.is(s.size, 30);
  assert.is(s.appended, 30);
  assert.is(s.oldestMs, T0);
  assert.is(s.newestMs, T0 + 14);
  assert.ok(s.approxBytes > empty.approxBytes);
  await sys.shutdown();
});

test.run();
