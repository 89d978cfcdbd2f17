/**
 * GET /logs produces a page in parts: the store (or the hot window) is asked for at most
 * SUB_PAGE_BYTES of JSON at once, each part is written out before the next is asked for, and the
 * page as a whole still stops at MAX_RESPONSE_MB with a cursor that continues exactly after it.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LogQuery } from '../../actors/model/query-protocol.js';
import { Level, type LogEntry } from '../../actors/model/log-entry.js';
import type { ActorFactory, ActorRef } from '../../runtime/index.js';
import { SUB_PAGE_BYTES, type LogsMsg } from '../../http/index.js';
import { checkResponse } from '../support/openapi-check.js';
import { request } from '../support/http-client.js';
import { HOUR, makeEntry, startHarness, type Harness } from './harness.js';

const test = suite('http GET /logs in parts');
const KB = 1024;

/** Records every query that reaches whoever answers /logs. */
function spy() {
  const seen: LogQuery[] = [];
  return {
    seen,
    via: (target: ActorRef<LogsMsg>): ActorFactory<LogsMsg> => () => ({
      receive(m: LogsMsg) {
        if (m.type === 'query') seen.push(m.query);
        target.tell(m);
      },
    }),
  };
}

let h: Harness | undefined;
test.after.each(async () => {
  await h?.close();
  h = undefined;
});

for (const mode of ['disk', 'memory'] as const) {
  test(`${mode}: a 3 MB page is asked for in parts of at most SUB_PAGE_BYTES; a 2 MB cap ends it with a cursor that continues exactly`, async () => {
    const parts = spy();
    h = await startHarness({ store: mode, capacity: 1000, logsVia: parts.via, config: { maxResponseBytes: 2 * SUB_PAGE_BYTES + 100 * KB } });
    const base = Date.now() - HOUR;
    // 150 entries of ~20 KB: 3 MB of JSON in all.
    const entries: LogEntry[] = Array.from({ length: 150 }, (_, i) => makeEntry('api', Level.INFO, `part ${i} ${'p'.repeat(20 * KB)}`, base + i * 10));
    await h.append(entries);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const before = parts.seen.length;
      const r = await request(h.port, `/logs?limit=1000&order=asc${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.is(r.status, 200);
      checkResponse('/logs', 200, r.body);
      assert.ok(Buffer.byteLength(r.text) <= 2 * SUB_PAGE_BYTES + 100 * KB, `page of ${Buffer.byteLength(r.text)} bytes within its cap`);
      const asked = parts.seen.slice(before);
      assert.ok(asked.every((q) => q.maxBytes !== undefined && q.maxBytes <= SUB_PAGE_BYTES), `parts asked: ${asked.map((q) => q.maxBytes).join(', ')}`);
      if (r.body.next_cursor) assert.ok(asked.length >= 2, `a full page took ${asked.length} parts`);
      seen.push(...r.body.logs.map((e: { message: string }) => e.message.split(' ').slice(0, 2).join(' ')));
      cursor = r.body.next_cursor;
      pages++;
    } while (cursor && pages < 20);
    assert.equal(seen, entries.map((_, i) => `part ${i}`), 'every entry once, in order, across pages');
    assert.ok(pages >= 2, `${pages} pages`);
  });
}

test('limit is honoured across parts: limit=60 over 20 KB entries is one page of exactly 60 with a cursor', async () => {
  const parts = spy();
  h = await startHarness({ capacity: 1000, logsVia: parts.via });
  const base = Date.now() - HOUR;
  await h.append(Array.from({ length: 100 }, (_, i) => makeEntry('api', Level.INFO, `n ${i} ${'q'.repeat(20 * KB)}`, base + i)));
  const r = await request(h.port, '/logs?limit=60');
  assert.is(r.status, 200);
  assert.is(r.body.count, 60);
  assert.is(r.body.logs.length, 60);
  assert.ok(r.body.next_cursor);
  assert.ok(parts.seen.length >= 2, `${parts.seen.length} parts`);
  assert.equal(r.body.logs.map((e: { message: string }) => e.message.split(' ')[1]), Array.from({ length: 60 }, (_, i) => String(99 - i)));
});

test.run();
