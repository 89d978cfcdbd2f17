/** GET /errors/buckets: contiguous per-service series from the error statistics, on an injected clock. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Level } from '../../actors/model/log-entry.js';
import { ManualClock } from '../../runtime/index.js';
import { requestChecked } from '../support/openapi-check.js';
import { makeEntry, startHarness, type Harness } from './harness.js';

const test = suite('http GET /errors/buckets');

const MIN = 60_000;
/** 2025-10-25T15:00:30Z: half a minute into a bucket. */
const NOW = Date.UTC(2025, 9, 25, 15, 0, 30);
const iso = (ms: number): string => new Date(ms).toISOString();

let h: Harness | undefined;
test.before.each(async () => {
  h = await startHarness({ clock: new ManualClock(NOW) });
  await h.append([
    makeEntry('db', Level.INFO, 'two hours ago', NOW - 120 * MIN),
    makeEntry('api', Level.INFO, 'a', NOW - 50 * MIN),
    makeEntry('api', Level.ERROR, 'b failed', NOW - 50 * MIN + 10_000),
    makeEntry('api', Level.CRITICAL, 'c died', NOW - 50 * MIN + 20_000),
    makeEntry('api', Level.WARNING, 'd', NOW - 10 * MIN),
    makeEntry('api', Level.INFO, 'e', NOW - 10 * MIN),
    makeEntry('worker', Level.ERROR, 'f failed', NOW - 5 * MIN),
  ]);
});
test.after.each(async () => {
  await h?.close();
  h = undefined;
});

const get = (url: string, status: number, headers: Record<string, string> = {}): Promise<any> => requestChecked(h!.port, '/errors/buckets', url, status, headers);

test('default: the last hour in one-minute buckets, contiguous with zeros, every service with lines in it', async () => {
  const r = await get('/errors/buckets', 200);
  assert.is(r.bucket_seconds, 60);
  assert.is(r.since, '2025-10-25T14:00:00.000Z');
  assert.is(r.until, '2025-10-25T15:01:00.000Z');
  assert.equal(r.services.map((s: any) => s.service), ['api', 'worker'], 'db has no line in the window');
  for (const s of r.services) {
    assert.is(s.buckets.length, 61);
    s.buckets.forEach((b: any, i: number) => assert.is(b.start, iso(Date.parse(r.since) + i * MIN)));
  }
  const api = r.services[0].buckets;
  assert.equal(api[10], { start: '2025-10-25T14:10:00.000Z', lines: 3, errors: 2 });
  assert.equal(api[50], { start: '2025-10-25T14:50:00.000Z', lines: 2, errors: 0 });
  assert.is(api.reduce((n: number, b: any) => n + b.lines, 0), 5);
  const worker = r.services[1].buckets;
  assert.equal(worker.filter((b: any) => b.lines > 0), [{ start: '2025-10-25T14:55:00.000Z', lines: 1, errors: 1 }]);
});

test('bucket: a multiple of the width sums whole buckets; service filters; since/until move the window', async () => {
  const r = await get('/errors/buckets?bucket=600', 200);
  assert.is(r.bucket_seconds, 600);
  assert.equal([r.since, r.until], ['2025-10-25T14:00:00.000Z', '2025-10-25T15:10:00.000Z']);
  assert.equal(r.services[0].buckets.map((b: any) => [b.lines, b.errors]), [[0, 0], [3, 2], [0, 0], [0, 0], [0, 0], [2, 0], [0, 0]]);
  assert.equal(r.services[1].buckets.map((b: any) => b.lines), [0, 0, 0, 0, 0, 1, 0]);

  const one = await get('/errors/buckets?service=worker,db&bucket=3600&since=3h&until=2025-10-25T15:00:00Z', 200);
  assert.equal([one.since, one.until], ['2025-10-25T12:00:00.000Z', '2025-10-25T16:00:00.000Z']);
  assert.equal(one.services, [
    { service: 'db', buckets: [{ start: '2025-10-25T12:00:00.000Z', lines: 0, errors: 0 }, { start: '2025-10-25T13:00:00.000Z', lines: 1, errors: 0 }, { start: '2025-10-25T14:00:00.000Z', lines: 0, errors: 0 }, { start: '2025-10-25T15:00:00.000Z', lines: 0, errors: 0 }] },
    { service: 'worker', buckets: [{ start: '2025-10-25T12:00:00.000Z', lines: 0, errors: 0 }, { start: '2025-10-25T13:00:00.000Z', lines: 0, errors: 0 }, { start: '2025-10-25T14:00:00.000Z', lines: 1, errors: 1 }, { start: '2025-10-25T15:00:00.000Z', lines: 0, errors: 0 }] },
  ]);
  assert.equal((await get('/errors/buckets?service=nope', 200)).services, []);
  // The whole 24 h retention in 2-minute buckets: 721, within the bound.
  assert.is((await get('/errors/buckets?since=2d&bucket=120', 200)).services[0].buckets.length, 721);
});

test('400 naming the parameter: a bucket that is not a multiple, too many buckets, bad times and services', async () => {
  for (const [url, parameter, message] of [
    ['/errors/buckets?bucket=90', 'bucket', /multiple of 60 seconds/],
    ['/errors/buckets?bucket=30', 'bucket', /multiple of 60 seconds/],
    ['/errors/buckets?bucket=0', 'bucket', /whole number/],
    ['/errors/buckets?bucket=1m', 'bucket', /whole number/],
    ['/errors/buckets?since=2d', 'bucket', /1441 buckets .* at most 1000/],
    ['/errors/buckets?since=soon', 'since', /since/],
    ['/errors/buckets?since=1h&until=2h', 'since', /later than until/],
    ['/errors/buckets?service=', 'service', /service/],
  ] as const) {
    const body = await get(url, 400);
    assert.is(body.parameter, parameter, url);
    assert.match(body.error, message, url);
  }
});

test('the token is required when API_TOKEN is set', async () => {
  await h!.close();
  h = await startHarness({ clock: new ManualClock(NOW), config: { apiToken: 's3cret' } });
  await get('/errors/buckets', 401);
  assert.equal((await get('/errors/buckets', 200, { authorization: 'Bearer s3cret' })).services, []);
});

test.run();
