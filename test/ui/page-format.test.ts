/** The page's small pure helpers: relative and absolute times, folded stack traces, the error chart's geometry. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bucketSeconds, chartGeometry, widthFromRefusal } from '../../http/ui/chart-geometry.js';
import { foldMessage } from '../../http/ui/message-fold.js';
import { absoluteTime, relativeTime } from '../../http/ui/time-format.js';

const test = suite('ui formats');
const NOW = Date.UTC(2026, 0, 2, 12, 0, 0);

test('relative times', () => {
  assert.is(relativeTime(new Date(NOW - 500).toISOString(), NOW), 'now');
  assert.is(relativeTime(new Date(NOW + 5000).toISOString(), NOW), 'now', 'clock skew');
  assert.is(relativeTime(new Date(NOW - 12_000).toISOString(), NOW), '12s ago');
  assert.is(relativeTime(new Date(NOW - 5 * 60_000).toISOString(), NOW), '5m ago');
  assert.is(relativeTime(new Date(NOW - 3 * 3_600_000).toISOString(), NOW), '3h ago');
  assert.is(relativeTime(new Date(NOW - 2 * 86_400_000).toISOString(), NOW), '2d ago');
  assert.is(relativeTime('garbage', NOW), '');
});

test('absolute times in a given zone, with the date when not today', () => {
  assert.is(absoluteTime('2026-01-02T11:59:58.123Z', NOW, 0), '11:59:58.123');
  assert.is(absoluteTime('2026-01-02T11:59:58.123Z', NOW, 120), '13:59:58.123');
  assert.is(absoluteTime('2026-01-01T23:00:00.000Z', NOW, 0), '2026-01-01 23:00:00.000');
  assert.is(absoluteTime('2026-01-01T23:00:00.000Z', NOW, 60), '00:00:00.000', 'the next day in UTC+1 is today');
});

test('stack traces fold to their first line', () => {
  assert.equal(foldMessage('plain'), { head: 'plain', more: 0 });
  assert.equal(foldMessage('Traceback (most recent call last):\n  File "a.py"\n  File "b.py"\nValueError: x'), { head: 'Traceback (most recent call last):', more: 3 });
  assert.equal(foldMessage('trailing\n'), { head: 'trailing', more: 0 });
});

test('chart: shared scale, totals, rate and per minute; bucket sizes', () => {
  const c = chartGeometry(
    {
      bucket_seconds: 60,
      since: '2026-01-02T11:00:00.000Z',
      until: '2026-01-02T11:10:00.000Z',
      services: [
        { service: 'a', buckets: [{ start: '2026-01-02T11:00:00.000Z', lines: 100, errors: 5 }, { start: '2026-01-02T11:09:00.000Z', lines: 100, errors: 10 }] },
        { service: 'b', buckets: [{ start: '2026-01-02T11:04:00.000Z', lines: 10, errors: 0 }] },
      ],
    },
    300,
    80,
  );
  assert.is(c.max, 10);
  assert.is(c.lines[0]!.service, 'a');
  assert.is(c.lines[0]!.d, 'M15,40 L285,0');
  assert.is(c.lines[0]!.errors, 15);
  assert.is(c.lines[0]!.rate, 0.075);
  assert.is(c.lines[0]!.perMinute, 1.5);
  assert.is(c.lines[1]!.d, 'M135,80');
  assert.is(bucketSeconds(300_000), 60, 'never below the statistics width');
  assert.is(bucketSeconds(3_600_000), 60);
  assert.is(bucketSeconds(86_400_000), 1800);
  assert.is(bucketSeconds(86_400_000, 60, 420), 1680, 'a multiple of a wider width');
  assert.is(bucketSeconds(3_600_000, 60, 420), 420);
  assert.is(widthFromRefusal('bucket: must be a multiple of 420 seconds (the statistics\' bucket width); got 60'), 420);
  assert.is(widthFromRefusal('something else'), undefined);
});

test.run();
