import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseLeadingTimestamp, normalizeTimeValue, epochToIso, formatIso } from '../../actors/parse/timestamp.js';
import { Level } from '../../actors/model/log-entry.js';

const NOW = Date.UTC(2025, 9, 26, 12, 0, 0); // 2025-10-26T12:00:00Z

function lead(text: string, now = NOW) {
  return parseLeadingTimestamp(text, 0, now);
}

test('RFC 3339 with Z, offsets, 0–9 fractional digits', () => {
  assert.is(lead('2025-10-25T14:30:00Z msg')?.time, '2025-10-25T14:30:00.000Z');
  assert.is(lead('2025-10-25T14:30:00.5Z msg')?.time, '2025-10-25T14:30:00.500Z');
  assert.is(lead('2025-10-25T14:30:00.123Z msg')?.time, '2025-10-25T14:30:00.123Z');
  assert.is(lead('2025-10-25T14:30:00.123456789Z msg')?.time, '2025-10-25T14:30:00.123456789Z');
  assert.is(lead('2025-10-25T14:30:00.1234567+02:00 msg')?.time, '2025-10-25T12:30:00.1234567Z');
  assert.is(lead('2025-10-25T14:30:00-0500 msg')?.time, '2025-10-25T19:30:00.000Z');
  assert.is(lead('2025-10-25T14:30:00+05 msg')?.time, '2025-10-25T09:30:00.000Z');
  assert.is(lead('2025-10-25T14:30:00.123456789123Z')?.time, '2025-10-25T14:30:00.123456789Z');
});

test('no zone means UTC; end index points after the timestamp', () => {
  const ts = lead('2025-10-25T14:30:00.250 hello');
  assert.is(ts?.time, '2025-10-25T14:30:00.250Z');
  assert.is(ts?.end, '2025-10-25T14:30:00.250'.length);
});

test('Python style with comma milliseconds', () => {
  const ts = lead('2025-10-25 14:30:00,123 - app - INFO - hi');
  assert.is(ts?.time, '2025-10-25T14:30:00.123Z');
  assert.is(ts?.end, 23);
});

test('Go style slashes', () => {
  assert.is(lead('2025/10/25 14:30:00 listening')?.time, '2025-10-25T14:30:00.000Z');
  assert.is(lead('2025/10/25 14:30:00.123456 listening')?.time, '2025-10-25T14:30:00.123456Z');
});

test('bracketed ISO and nginx forms', () => {
  const ts = lead('[2025-10-25 14:30:00,123] WARN x');
  assert.is(ts?.time, '2025-10-25T14:30:00.123Z');
  assert.is(ts?.end, 25);
  assert.is(lead('[25/Oct/2025:14:30:00 +0200] x')?.time, '2025-10-25T12:30:00.000Z');
});

test('nginx access log: time found after the client address, nothing consumed', () => {
  const line = '1.2.3.4 - - [25/Oct/2025:14:30:00 +0000] "GET / HTTP/1.1" 200 612';
  const ts = lead(line);
  assert.is(ts?.time, '2025-10-25T14:30:00.000Z');
  assert.is(ts?.inline, true);
  assert.is(ts?.end, 0);
});

test('syslog without year: the year that is not in the future', () => {
  assert.is(lead('Oct 25 14:30:00 host app: x')?.time, '2025-10-25T14:30:00.000Z');
  assert.is(lead('Oct  5 04:03:02 host app: x')?.time, '2025-10-05T04:03:02.000Z');
  // In January, a December line is from last year.
  const jan = Date.UTC(2026, 0, 2, 0, 0, 0);
  assert.is(lead('Dec 31 23:59:59 host app: x', jan)?.time, '2025-12-31T23:59:59.000Z');
  // Up to a day ahead (clock skew, zones) stays this year.
  assert.is(lead('Oct 27 01:00:00 h: x')?.time, '2025-10-27T01:00:00.000Z');
  // New Year's Eve, line stamped just after midnight: next year.
  const nye = Date.UTC(2025, 11, 31, 23, 30, 0);
  assert.is(lead('Jan  1 00:10:00 h: x', nye)?.time, '2026-01-01T00:10:00.000Z');
});

test('klog: level from the leading letter, year from reference', () => {
  const ts = lead('E1025 14:30:00.123456   12345 main.go:42] boom');
  assert.is(ts?.time, '2025-10-25T14:30:00.123456Z');
  assert.is(ts?.level, Level.ERROR);
  assert.is(lead('W1025 14:30:00.000001 1 a.go:1] x')?.level, Level.WARNING);
  assert.is(lead('I1025 14:30:00.000001 1 a.go:1] x')?.level, Level.INFO);
  assert.is(lead('F1025 14:30:00.000001 1 a.go:1] x')?.level, Level.CRITICAL);
});

test('not timestamps', () => {
  for (const s of ['hello world', '2025-13-01T00:00:00Z x', '2025-02-30 10:00:00 x', '2023-02-29 10:00:00', '12345 items', 'Octopus 25 14:30:00', '2025-10-25', '']) {
    const ts = lead(s);
    assert.ok(ts === undefined, s);
  }
  assert.is(lead('2024-02-29 10:00:00')?.time, '2024-02-29T10:00:00.000Z');
});

test('epoch numbers: s, ms, µs, ns by magnitude', () => {
  assert.is(epochToIso(1761402600), '2025-10-25T14:30:00.000Z');
  assert.is(epochToIso(1761402600.123456), '2025-10-25T14:30:00.123456Z');
  assert.is(epochToIso(1761402600123), '2025-10-25T14:30:00.123Z');
  assert.is(epochToIso(1761402600123456), '2025-10-25T14:30:00.123456Z');
  assert.is(epochToIso('1761402600123456789'), '2025-10-25T14:30:00.123456789Z');
  assert.is(epochToIso(1761402600123000), '2025-10-25T14:30:00.123Z');
  assert.is(epochToIso(35), undefined); // a duration, not a date
  assert.is(epochToIso(-5), undefined);
  assert.is(epochToIso(Number.NaN), undefined);
});

test('field values: ISO strings, epoch, numeric strings, other forms', () => {
  assert.is(normalizeTimeValue('2025-10-25T16:30:00.123+02:00'), '2025-10-25T14:30:00.123Z');
  assert.is(normalizeTimeValue('2025-10-25 14:30:00,123'), '2025-10-25T14:30:00.123Z');
  assert.is(normalizeTimeValue(1761402600123), '2025-10-25T14:30:00.123Z');
  assert.is(normalizeTimeValue('1761402600'), '2025-10-25T14:30:00.000Z');
  assert.is(normalizeTimeValue('Sat, 25 Oct 2025 14:30:00 GMT'), '2025-10-25T14:30:00.000Z');
  assert.is(normalizeTimeValue('Oct 25 14:30:00', NOW), '2025-10-25T14:30:00.000Z');
  assert.is(normalizeTimeValue('25/Oct/2025:14:30:00 +0000'), '2025-10-25T14:30:00.000Z');
  assert.is(normalizeTimeValue('2025-10-25T14:30:00Z trailing words'), undefined);
  assert.is(normalizeTimeValue('soon'), undefined);
  assert.is(normalizeTimeValue({}), undefined);
  assert.is(normalizeTimeValue(null), undefined);
});

test('formatIso keeps up to 9 digits, pads short fractions', () => {
  const ms = Date.UTC(2025, 9, 25, 14, 30, 0);
  assert.is(formatIso(ms, ''), '2025-10-25T14:30:00.000Z');
  assert.is(formatIso(ms, '1'), '2025-10-25T14:30:00.100Z');
  assert.is(formatIso(ms, '1234'), '2025-10-25T14:30:00.1234Z');
  assert.is(formatIso(Number.NaN, ''), undefined);
  for (const t of [0, 951782400000, 4102444800000, -1000]) assert.is(formatIso(t, ''), new Date(t).toISOString());
});

test.run();
