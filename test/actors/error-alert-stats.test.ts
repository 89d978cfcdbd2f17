import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BucketSeries } from '../../actors/errors/bucket-series.js';
import { ErrorStats, MAX_SAMPLE } from '../../actors/errors/error-stats.js';
import { Level, type LogEntry } from '../../actors/model/log-entry.js';
import { makeEntry, T0 } from '../support/entries.js';

const test = suite('error-alert-stats');

const MIN = 60_000;
const HOUR = 60 * MIN;
const iso = (ms: number) => new Date(ms).toISOString();

function lines(service: string, n: number, atMs: number, level: Level = Level.INFO, message = 'ok'): LogEntry[] {
  return Array.from({ length: n }, (_, i) => makeEntry({ service, containerName: `${service}-1`, dockerMs: atMs + i, level, message }));
}

test('counts lines and errors per service; rates; sorted by error count', () => {
  const s = new ErrorStats({ retentionMs: HOUR });
  s.record([...lines('api', 8, T0), ...lines('api', 2, T0 + 10, Level.ERROR, 'ValueError: x')], T0 + MIN);
  s.record([...lines('db', 6, T0), ...lines('db', 3, T0 + 20, Level.ERROR), ...lines('db', 1, T0 + 30, Level.CRITICAL)], T0 + MIN);
  s.record(lines('web', 5, T0, Level.WARNING), T0 + MIN);
  const sum = s.summary(T0 + MIN);
  assert.is(sum.total_lines, 25);
  assert.is(sum.total_errors, 6);
  assert.is(sum.error_rate, 6 / 25);
  assert.equal(sum.window, { since: iso(T0 + MIN - HOUR), until: iso(T0 + MIN) });
  assert.equal(sum.services_with_errors, [
    { service: 'db', error_count: 4, line_count: 10, error_rate: 0.4, last_error_at: iso(T0 + 30) },
    { service: 'api', error_count: 2, line_count: 10, error_rate: 0.2, last_error_at: iso(T0 + 11) },
  ]);
});

test('no lines: rate 0 and nothing listed', () => {
  const sum = new ErrorStats({ retentionMs: HOUR }).summary(T0);
  assert.equal({ ...sum, window: null, precision: null }, { total_errors: 0, total_lines: 0, error_rate: 0, window: null, precision: null, services_with_errors: [], top_exceptions: [] });
});

test('a since/until window counts only its minutes (Docker time), last_error_at within it', () => {
  const s = new ErrorStats({ retentionMs: HOUR });
  s.record([...lines('api', 10, T0), ...lines('api', 1, T0 + 100, Level.ERROR)], T0);
  s.record([...lines('api', 4, T0 + 5 * MIN), ...lines('api', 2, T0 + 5 * MIN + 100, Level.ERROR)], T0 + 5 * MIN);
  const now = T0 + 10 * MIN;
  const recent = s.summary(now, T0 + 2 * MIN);
  assert.is(recent.total_lines, 6);
  assert.is(recent.total_errors, 2);
  assert.is(recent.services_with_errors[0]!.last_error_at, iso(T0 + 5 * MIN + 101));
  const early = s.summary(now, T0, T0 + MIN - 1);
  assert.is(early.total_lines, 11);
  assert.is(early.total_errors, 1);
  assert.is(early.services_with_errors[0]!.last_error_at, iso(T0 + 100));
  assert.is(s.summary(now, T0 + 6 * MIN).total_lines, 0);
  assert.is(s.summary(now, T0 + 6 * MIN, T0).total_lines, 0, 'since after until');
  assert.is(s.summary(now).total_lines, 17);
});

test('retention: old entries are ignored and pruned', () => {
  const s = new ErrorStats({ retentionMs: HOUR });
  s.record(lines('api', 3, T0, Level.ERROR, 'KeyError: a'), T0);
  s.record(lines('api', 2, T0 - 2 * HOUR, Level.ERROR, 'KeyError: b'), T0);
  assert.is(s.summary(T0).total_lines, 3);
  assert.is(s.fingerprintCount, 1);
  s.record(lines('web', 1, T0 + 30 * MIN, Level.ERROR, 'Boom now'), T0 + 30 * MIN);
  s.prune(T0 + HOUR + 2 * MIN);
  const sum = s.summary(T0 + HOUR + 2 * MIN);
  assert.is(sum.total_lines, 1);
  assert.equal(sum.services_with_errors.map((x) => x.service), ['web']);
  assert.is(s.fingerprintCount, 1);
  assert.equal(sum.top_exceptions.map((t) => t.sample), ['Boom now']);
  assert.is(sum.top_exceptions[0]!.type, undefined, 'no exception type named: absent');
});

test('top exceptions: grouped, counted, sorted, with services, first/last seen and a recent sample', () => {
  const s = new ErrorStats({ retentionMs: HOUR });
  const e = (service: string, ms: number, message: string) => makeEntry({ service, dockerMs: ms, level: Level.ERROR, message });
  s.record(
    [
      e('api', T0, "ValueError: invalid literal for int() with base 10: 'abc'"),
      e('db', T0 + 1, 'Connection to 10.0.0.5:5432 timed out after 30s'),
      e('worker', T0 + 2, "ValueError: invalid literal for int() with base 10: 'xyz'"),
      e('api', T0 + 3, 'Connection to 10.0.0.7:5432 timed out after 31s'),
      e('api', T0 + 4, "ValueError: invalid literal for int() with base 10: 'q'"),
      makeEntry({ service: 'api', dockerMs: T0 + 5, level: Level.WARNING, message: 'ValueError: warnings are not errors' }),
    ],
    T0,
  );
  const top = s.summary(T0 + MIN).top_exceptions;
  assert.equal(
    top.map((t) => ({ ...t, fingerprint: t.fingerprint.length })),
    [
      { fingerprint: 16, type: 'ValueError', sample: "ValueError: invalid literal for int() with base 10: 'q'", count: 3, services: ['api', 'worker'], first_seen: iso(T0), last_seen: iso(T0 + 4) },
      { fingerprint: 16, sample: 'Connection to 10.0.0.7:5432 timed out after 31s', count: 2, services: ['api', 'db'], first_seen: iso(T0 + 1), last_seen: iso(T0 + 3) },
    ],
  );
});

test('top exceptions: at most 20, counted within the window; samples cut at 500 characters', () => {
  const s = new ErrorStats({ retentionMs: HOUR });
  const entries: LogEntry[] = [];
  for (let k = 0; k < 25; k++) for (let i = 0; i <= k; i++) entries.push(makeEntry({ dockerMs: T0 + k * 1000 + i, level: Level.ERROR, message: `Kind${k}Error: happened ${i}` }));
  entries.push(makeEntry({ dockerMs: T0 + 5 * MIN, level: Level.ERROR, message: 'Kind0Error: late\n' + 'x'.repeat(2000) }));
  s.record(entries, T0 + 5 * MIN);
  const all = s.summary(T0 + 5 * MIN).top_exceptions;
  assert.is(all.length, 20);
  assert.equal(all.map((t) => t.count), [25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
  const late = s.summary(T0 + 5 * MIN, T0 + 5 * MIN).top_exceptions;
  assert.is(late.length, 1);
  assert.is(late[0]!.type, 'Kind0Error');
  assert.is(late[0]!.count, 1);
  assert.is(late[0]!.sample.length, MAX_SAMPLE);
  assert.ok(late[0]!.sample.startsWith('Kind0Error: late\nxxx'));
});

test('at most maxFingerprints groups: the least recently seen is dropped', () => {
  const s = new ErrorStats({ retentionMs: HOUR, maxFingerprints: 3 });
  const err = (type: string, ms: number) => makeEntry({ dockerMs: ms, level: Level.ERROR, message: `${type}: boom` });
  s.record([err('AError', T0), err('BError', T0 + 1), err('CError', T0 + 2), err('AError', T0 + 3), err('DError', T0 + 4)], T0);
  assert.is(s.fingerprintCount, 3);
  const types = s.summary(T0 + MIN).top_exceptions.map((t) => t.type).sort();
  assert.equal(types, ['AError', 'CError', 'DError']);
  for (let i = 0; i < 100; i++) s.record([err(`X${i}Error`, T0 + 10 + i)], T0);
  assert.is(s.fingerprintCount, 3);
  // Line and error counts are per service, not per group: nothing is lost there.
  assert.is(s.summary(T0 + MIN).total_errors, 105);
});

test('long retentions use wider buckets so that a series stays bounded', () => {
  assert.is(new ErrorStats({ retentionMs: 24 * HOUR }).bucketMs, MIN);
  assert.is(new ErrorStats({ retentionMs: HOUR }).bucketMs, MIN);
  assert.is(new ErrorStats({ retentionMs: 7 * 24 * HOUR }).bucketMs, 7 * MIN);
});

test('bucket series: in-order and out-of-order rows, ranges, dropping', () => {
  const b = new BucketSeries(2);
  for (const k of [10, 11, 15, 12, 3, 20, 11]) b.vals[b.row(k)]! += 1;
  assert.is(b.length, 6);
  const keys = Array.from({ length: b.length }, (_, i) => b.bucketAt(i));
  assert.equal(keys, [3, 10, 11, 12, 15, 20]);
  assert.is(b.vals[b.row(11)], 2);
  assert.equal(b.rows(11, 15), [2, 5]);
  b.dropBefore(12);
  assert.is(b.length, 3);
  const [from, to] = b.rows(0, 100);
  assert.equal([b.bucketAt(from), to - from], [12, 3]);
  for (let k = 21; k < 200; k++) b.vals[b.row(k)]! += k;
  b.dropBefore(190);
  assert.is(b.length, 10);
  assert.is(b.vals[b.row(199)], 199);
  b.dropBefore(1000);
  assert.is(b.length, 0);
});

test('exact windows: whole buckets from counters, the edges from the lines themselves', () => {
  const s = new ErrorStats({ retentionMs: HOUR });
  // One line every 10 s over 5 minutes from T0 (a bucket boundary), every third an error.
  const all = Array.from({ length: 30 }, (_, i) => makeEntry({ service: 'api', dockerMs: T0 + i * 10_000, level: i % 3 === 0 ? Level.ERROR : Level.INFO, message: 'KeyError: k' }));
  s.record(all, T0 + 5 * MIN);
  const now = T0 + 5 * MIN;
  const since = T0 + 25_000; // mid-bucket
  const until = T0 + 3 * MIN + 5_000; // mid-bucket
  const ranges = s.edgeRanges(now, since, until);
  assert.equal(ranges, [{ sinceMs: since, untilMs: T0 + MIN - 1 }, { sinceMs: T0 + 3 * MIN, untilMs: until }]);
  const edges = all.filter((e) => ranges.some((r) => e.dockerMs >= r.sinceMs && e.dockerMs <= r.untilMs));
  const exact = s.summary(now, since, until, edges);
  const expected = all.filter((e) => e.dockerMs >= since && e.dockerMs <= until);
  assert.is(exact.total_lines, expected.length);
  assert.is(exact.total_errors, expected.filter((e) => e.level >= Level.ERROR).length);
  assert.is(exact.top_exceptions[0]!.count, exact.total_errors);
  assert.equal(exact.precision, { exact: true });
  // Without the edges: rounded out to whole minutes, and said so.
  const rounded = s.summary(now, since, until, undefined, 'gone');
  assert.is(rounded.total_lines, 24);
  assert.equal(rounded.precision, { exact: false, bucket_seconds: 60, counted: { since: iso(T0), until: iso(T0 + 4 * MIN - 1) }, reason: 'gone' });
  // Both ends in one bucket: one range; aligned windows need no edges at all.
  assert.equal(s.edgeRanges(now, T0 + 1000, T0 + 2000), [{ sinceMs: T0 + 1000, untilMs: T0 + 2000 }]);
  assert.equal(s.edgeRanges(now, T0, T0 + 2 * MIN - 1), []);
  assert.equal(s.summary(now, T0, T0 + 2 * MIN - 1).precision, { exact: true });
});

test('top_exceptions.type: an exception type, or absent', () => {
  const s = new ErrorStats({ retentionMs: HOUR });
  s.record([makeEntry({ level: Level.ERROR, message: 'ValueError: bad' }), makeEntry({ level: Level.ERROR, message: 'connection refused by upstream' })], T0);
  const top = s.summary(T0).top_exceptions;
  assert.equal(top.map((t) => t.type).sort(), ['ValueError', undefined]);
  assert.not.ok('type' in top.find((t) => t.sample.startsWith('connection'))!);
});

test.run();
