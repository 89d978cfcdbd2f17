/**
 * GET /logs/export: the whole query, oldest first, past MAX_LOG_LIMIT and MAX_RESPONSE_MB, page by page
 * through the query queue; from the store on disk and from the hot window.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LogQuery } from '../../actors/model/query-protocol.js';
import { Level, type LogEntry } from '../../actors/model/log-entry.js';
import { ManualClock, type ActorFactory, type ActorRef } from '../../runtime/index.js';
import type { LogsMsg } from '../../http/index.js';
import { checkResponse } from '../support/openapi-check.js';
import { openLineStream, request, waitFor } from '../support/http-client.js';
import { HOUR, makeEntry, startHarness, type Harness, type HarnessOptions } from './harness.js';

const test = suite('http GET /logs/export');

const MAX_LIMIT = 100;
const MAX_BYTES = 64 * 1024;

/** Stands before whoever answers /logs: records every page query, and holds the `holdAt`-th until released. */
function spy() {
  const seen: LogQuery[] = [];
  let held: (() => void) | undefined;
  const s = {
    seen,
    holdAt: Infinity,
    /** Page queries of exports (a /logs page in these tests asks limit=1). */
    exportPages: () => seen.filter((q) => q.limit !== 1).length,
    release: () => held?.(),
    via: (target: ActorRef<LogsMsg>): ActorFactory<LogsMsg> => () => ({
      receive(m: LogsMsg) {
        if (m.type === 'query') {
          seen.push(m.query);
          if (seen.length === s.holdAt) return void (held = () => target.tell(m));
        }
        target.tell(m);
      },
    }),
  };
  return s;
}

let h: Harness | undefined;
let pages: ReturnType<typeof spy>;
async function start(opts: HarnessOptions = {}): Promise<void> {
  pages = spy();
  h = await startHarness({ logsVia: pages.via, ...opts, config: { maxLimit: MAX_LIMIT, maxResponseBytes: MAX_BYTES, ...opts.config } });
}
test.after.each(async () => {
  await h?.close();
  h = undefined;
});

/**
 * 1500 entries of ~200 bytes over the last hour, api and worker alternating, every third pair
 * sharing one Docker time (seq decides), and one multi-line api error.
 */
function bulk(now: number): LogEntry[] {
  const out: LogEntry[] = [];
  for (let i = 0; i < 1500; i++) {
    const ms = now - HOUR + Math.floor(i / 3) * 1000;
    out.push(makeEntry(i % 2 ? 'worker' : 'api', i % 7 === 0 ? Level.ERROR : Level.INFO, `line ${i} ${'x'.repeat(150)}`, ms));
  }
  out.push(makeEntry('api', Level.ERROR, 'Traceback (most recent call last):\n  File "app.py", line 3\nValueError: bad', now - 1000));
  return out;
}

for (const mode of ['disk', 'memory'] as const) {
  test(`${mode}: NDJSON of every matching line exactly once, oldest first, past MAX_LOG_LIMIT and MAX_RESPONSE_MB`, async () => {
    await start({ store: mode });
    const entries = bulk(Date.now());
    await h!.append(entries);
    const r = await request(h!.port, '/logs/export?service=api');
    assert.is(r.status, 200, r.text.slice(0, 300));
    assert.is(r.headers['content-type'], 'application/x-ndjson');
    assert.match(String(r.headers['content-disposition']), /^attachment; filename="logagg-\d{8}T\d{6}Z\.ndjson"$/);
    const lines = r.text.split('\n');
    assert.is(lines.pop(), '', 'every line ends with a newline');
    const got = lines.map((l) => JSON.parse(l));
    const want = entries.filter((e) => e.service === 'api');
    assert.ok(want.length > MAX_LIMIT && Buffer.byteLength(r.text) > 4 * MAX_BYTES, 'more than a page by count and by bytes');
    assert.equal(got.map((e) => e.message), want.map((e) => e.message), 'every api line once, in (Docker time, seq) order');
    for (let i = 1; i < got.length; i++) assert.ok(got[i].seq > got[i - 1].seq, 'seq grows');
    for (const e of got) checkResponse('/logs/export', 200, e, 'application/x-ndjson');
    assert.ok(pages.exportPages() >= Math.ceil(want.length / MAX_LIMIT), `${pages.exportPages()} pages`);
    assert.ok(pages.seen.every((q) => q.order === 'asc' && q.limit === MAX_LIMIT && q.maxBytes === MAX_BYTES));

    // The filters of /logs apply: level, since/until, search, regex.
    const errors = (await request(h!.port, '/logs/export?level=error&search=LINE&regex=line%20\\d%2B0%20')).text.trim().split('\n').map((l) => JSON.parse(l).message);
    assert.equal(errors, entries.filter((e) => e.level === Level.ERROR && /line \d+0 /.test(e.message)).map((e) => e.message));
    const none = await request(h!.port, '/logs/export?service=nobody');
    assert.equal([none.status, none.text], [200, '']);
  });
}

test('text: one line per entry, `<timestamp> <service> <LEVEL> <message>`, continuation lines indented', async () => {
  const now = Date.UTC(2025, 9, 25, 14, 30, 0);
  await start({ store: 'memory', clock: new ManualClock(now + 60_000) });
  await h!.append([
    makeEntry('api', Level.INFO, 'started', now - 2000, { time: '2025-10-25T14:29:57.250123Z' }),
    makeEntry('worker', Level.ERROR, 'Traceback (most recent call last):\n  File "app.py", line 3\r\nValueError: bad', now - 1000),
    makeEntry('api', Level.WARNING, 'slow', now),
  ]);
  const r = await request(h!.port, `/logs/export?format=TEXT&since=${encodeURIComponent('2025-10-25T14:00:00Z')}&until=${encodeURIComponent('2025-10-25T15:00:00Z')}`);
  assert.is(r.status, 200);
  assert.is(r.headers['content-type'], 'text/plain; charset=utf-8');
  assert.match(String(r.headers['content-disposition']), /^attachment; filename="logagg-\d{8}T\d{6}Z\.txt"$/);
  assert.is(
    r.text,
    [
      '2025-10-25T14:29:57.250Z api INFO started',
      '2025-10-25T14:29:59.000Z worker ERROR Traceback (most recent call last):',
      '    File "app.py", line 3',
      '  ValueError: bad',
      '2025-10-25T14:30:00.000Z api WARNING slow',
      '',
    ].join('\n'),
  );
});

test('each page takes the query queue in turn: a /logs page is answered between two pages of an export', async () => {
  await start({ store: 'memory', config: { concurrentQueries: 1 } });
  await h!.append(bulk(Date.now()).slice(0, 1000));
  pages.holdAt = 2;
  const s = await openLineStream(h!.port, '/logs/export');
  try {
    await waitFor(() => pages.seen.length === 2, 3000, 'the second page asked');
    const page = request(h!.port, '/logs?limit=1');
    await waitFor(() => h!.http.queryLoad().waiting === 1, 3000, 'the /logs page waiting for the slot');
    pages.release();
    assert.is((await page).status, 200);
    await waitFor(() => s.ended, 5000, 'the export ends');
    assert.equal(pages.seen.slice(0, 4).map((q) => q.limit), [MAX_LIMIT, MAX_LIMIT, 1, MAX_LIMIT]);
    assert.is(s.lines().length, 1000);
  } finally {
    s.close();
  }
});

test('a client that goes away stops the export: no page is asked for after it', async () => {
  await start({ store: 'memory', config: { concurrentQueries: 1 } });
  await h!.append(bulk(Date.now()).slice(0, 1000));
  pages.holdAt = 3;
  const s = await openLineStream(h!.port, '/logs/export?format=text');
  await waitFor(() => pages.seen.length === 3, 3000, 'the third page asked');
  s.close();
  await waitFor(() => connections() === 0, 3000, 'the server sees the client gone');
  pages.release();
  // Two pages in turn through the one query slot: an export that went on would have asked before the second.
  for (let i = 0; i < 2; i++) assert.is((await request(h!.port, '/logs?limit=1')).status, 200);
  assert.is(pages.exportPages(), 3);
  assert.ok(s.lines().length < 1000);
});

let connectionCount = -1;
function connections(): number {
  h!.http.server.getConnections((_e, n) => (connectionCount = n));
  return connectionCount;
}

test('400 naming the parameter; the token is required when API_TOKEN is set', async () => {
  await start({ store: 'memory', config: { apiToken: 's3cret' } });
  const auth = { authorization: 'Bearer s3cret' };
  for (const [url, parameter] of [
    ['/logs/export?format=csv', 'format'],
    ['/logs/export?format=text&format=ndjson', 'format'],
    ['/logs/export?level=loud', 'level'],
    ['/logs/export?since=later', 'since'],
    ['/logs/export?regex=(a)\\1', 'regex'],
  ] as const) {
    const r = await request(h!.port, url, { headers: auth });
    assert.is(r.status, 400, url);
    assert.is(r.body.parameter, parameter, url);
    checkResponse('/logs/export', 400, r.body);
  }
  const denied = await request(h!.port, '/logs/export');
  assert.is(denied.status, 401);
  checkResponse('/logs/export', 401, denied.body);
  assert.is((await request(h!.port, '/logs/export', { headers: auth })).status, 200);
});

test.run();
