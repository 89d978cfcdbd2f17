import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bufferActor, type BufferMsg } from '../../actors/buffer-actor.js';
import type { BufferStats, LogQuery, QueryReply, QueryResult } from '../../actors/model/query-protocol.js';
import { Level, type LogEntry } from '../../actors/model/log-entry.js';
import { ActorSystem, ask, ManualClock } from '../../runtime/index.js';
import { makeEntry, T0 } from '../support/entries.js';

const test = suite('buffer-large');

const N = 100_000;
const TOTAL = 120_000;
const CONTAINERS = 50;

/** Entry i: container i % 50, ten per millisecond, every 13th an ERROR, every 1000th mentions "needle". */
function entryAt(i: number): LogEntry {
  const c = i % CONTAINERS;
  return makeEntry({
    dockerMs: T0 + Math.floor(i / 10),
    nanos: (i % 10) * 1000,
    containerName: `c${c}`,
    service: `s${c % 10}`,
    level: i % 13 === 0 ? Level.ERROR : Level.INFO,
    message: `request ${i} handled path=/api/v1/orders/${i}${i % 1000 === 7 ? ' needle' : ''}`,
  });
}

test('120k entries through a 100k buffer: queries still answer correctly', async () => {
  const clock = new ManualClock(T0 + 3_600_000);
  const sys = new ActorSystem({ clock });
  const buffer = sys.spawn<BufferMsg>('buffer', bufferActor({ capacity: N, retentionMs: 24 * 3_600_000 }));
  const query = async (q: LogQuery): Promise<QueryResult> => {
    const r = await ask<BufferMsg, QueryReply>(buffer, (replyTo) => ({ type: 'query', query: q, replyTo }), 60_000, clock);
    if (!r.ok) throw new Error(r.error);
    return r.result;
  };
  const ids = (r: QueryResult) => r.entries.map((e) => Number(e.message.split(' ')[1]));

  for (let i = 0; i < TOTAL; i += 1000) buffer.tell({ type: 'append', entries: Array.from({ length: 1000 }, (_, k) => entryAt(i + k)) });
  const stats = await ask<BufferMsg, BufferStats>(buffer, (replyTo) => ({ type: 'stats', replyTo }), 60_000, clock);
  assert.is(stats.size, N);
  assert.is(stats.evicted, TOTAL - N);
  assert.is(stats.oldestMs, entryAt(TOTAL - N).dockerMs);

  const first = TOTAL - N; // oldest kept
  const range = (from: number, to: number, keep: (i: number) => boolean = () => true) => {
    const out: number[] = [];
    for (let i = from; i < to; i++) if (keep(i)) out.push(i);
    return out;
  };

  assert.equal(ids(await query({ limit: 5 })), [TOTAL - 1, TOTAL - 2, TOTAL - 3, TOTAL - 4, TOTAL - 5]);
  assert.equal(ids(await query({ limit: 3, order: 'asc' })), [first, first + 1, first + 2]);
  assert.equal(ids(await query({ limit: 1000, search: 'NEEDLE', order: 'asc' })), range(first, TOTAL, (i) => i % 1000 === 7));
  assert.equal(ids(await query({ limit: 1000, regex: 'needle$', services: ['s7'], order: 'asc' })), range(first, TOTAL, (i) => i % 1000 === 7 && i % 10 === 7));
  const errors = await query({ limit: 50, minLevel: Level.ERROR, container: 'c26' });
  assert.equal(ids(errors), range(first, TOTAL, (i) => i % 13 === 0 && i % CONTAINERS === 26).reverse().slice(0, 50));

  // A window in the middle, paged asc, equals the plain range.
  const sinceMs = T0 + 5000;
  const untilMs = T0 + 5999;
  const seen: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await query({ limit: 1500, sinceMs, untilMs, order: 'asc', ...(cursor ? { cursor } : {}) });
    seen.push(...ids(page));
    cursor = page.nextCursor;
  } while (cursor);
  assert.equal(seen, range(50_000, 60_000));
  await sys.shutdown();
});

test.run();
