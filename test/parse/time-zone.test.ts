import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveTimeZone, type LocalZone } from '../../actors/parse/time-zone.js';
import { parseLine } from '../../actors/parse/parse-line.js';
import { withLocalZone } from '../../actors/parse/timestamp.js';

function zone(tz: string): LocalZone {
  const z = resolveTimeZone(tz);
  if (z === undefined || 'error' in z) throw new Error(`no zone for ${tz}`);
  return z;
}
const wall = (iso: string): number => Date.parse(iso + 'Z');
const utc = (ms: number): string => new Date(ms).toISOString();

test('Berlin: winter +01:00, summer +02:00', () => {
  const z = zone('Europe/Berlin');
  assert.is(utc(z.toUtc(wall('2025-01-15T12:00:00'))), '2025-01-15T11:00:00.000Z');
  assert.is(utc(z.toUtc(wall('2025-07-15T12:00:00'))), '2025-07-15T10:00:00.000Z');
});

test('DST gap (spring forward): a skipped wall time moves forward by the gap', () => {
  const z = zone('Europe/Berlin');
  // 2025-03-30 02:00 CET → 03:00 CEST: 02:30 does not exist; read as 03:30 CEST.
  assert.is(utc(z.toUtc(wall('2025-03-30T02:30:00'))), '2025-03-30T01:30:00.000Z');
  assert.is(utc(z.toUtc(wall('2025-03-30T01:59:59'))), '2025-03-30T00:59:59.000Z');
  assert.is(utc(z.toUtc(wall('2025-03-30T03:00:00'))), '2025-03-30T01:00:00.000Z');
});

test('DST overlap (fall back): a repeated wall time takes the earlier instant', () => {
  const z = zone('Europe/Berlin');
  // 2025-10-26 03:00 CEST → 02:00 CET: 02:30 happens twice; the first is 00:30Z.
  assert.is(utc(z.toUtc(wall('2025-10-26T02:30:00'))), '2025-10-26T00:30:00.000Z');
  assert.is(utc(z.toUtc(wall('2025-10-26T03:00:00'))), '2025-10-26T02:00:00.000Z');
  assert.is(utc(z.toUtc(wall('2025-10-26T01:59:00'))), '2025-10-25T23:59:00.000Z');
});

test('southern hemisphere and half-hour zones', () => {
  assert.is(utc(zone('Australia/Sydney').toUtc(wall('2025-01-15T12:00:00'))), '2025-01-15T01:00:00.000Z');
  assert.is(utc(zone('Asia/Kolkata').toUtc(wall('2025-01-15T12:00:00'))), '2025-01-15T06:30:00.000Z');
  assert.is(utc(zone('America/New_York').toUtc(wall('2025-03-09T02:30:00'))), '2025-03-09T07:30:00.000Z');
});

test('UTC-like names, empty and glibc ":" prefix; refused names say why', () => {
  assert.is(resolveTimeZone(undefined), undefined);
  assert.is(resolveTimeZone(''), undefined);
  assert.is(resolveTimeZone('UTC'), undefined);
  assert.is(resolveTimeZone('Etc/UTC'), undefined);
  assert.is((resolveTimeZone(':Europe/Paris') as LocalZone).name, 'Europe/Paris');
  for (const bad of ['CET-1CEST,M3.5.0,M10.5.0/3', 'Mars/Olympus', '+01:00', 'not a zone']) {
    const r = resolveTimeZone(bad);
    assert.ok(r && 'error' in r, bad);
    assert.match((r as { error: string }).error, /IANA/);
  }
});

test('a line without an offset is read in the zone; with an offset or epoch it is not', () => {
  const z = zone('Europe/Berlin');
  const now = Date.parse('2025-10-26T12:00:00Z');
  const at = (line: string) => withLocalZone(z, () => parseLine(line, { now })).time;
  assert.is(at('2025-07-01 12:00:00,250 INFO x'), '2025-07-01T10:00:00.250Z');
  assert.is(at('2025-07-01T12:00:00+00:00 INFO x'), '2025-07-01T12:00:00.000Z');
  assert.is(at('2025-07-01T12:00:00Z INFO x'), '2025-07-01T12:00:00.000Z');
  assert.is(at('{"time":"2025-07-01T12:00:00","msg":"x"}'), '2025-07-01T10:00:00.000Z');
  assert.is(at('{"time":1751371200000,"msg":"x"}'), '2025-07-01T12:00:00.000Z');
  assert.is(at('Jul  1 12:00:00 host app: x'), '2025-07-01T10:00:00.000Z');
  // Outside withLocalZone: UTC as before.
  assert.is(parseLine('2025-07-01 12:00:00 INFO x', { now }).time, '2025-07-01T12:00:00.000Z');
});

test.run();
