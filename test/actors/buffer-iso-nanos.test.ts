import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { joinIso, splitIso } from '../../actors/buffer/iso-nanos.js';

const test = suite('buffer-iso-nanos');

test('splits and joins back to the same text, for 0 to 9 fractional digits', () => {
  for (const s of [
    '2025-10-25T14:30:00.123456789Z',
    '2025-10-25T14:30:00.000000001Z',
    '2025-10-25T23:59:59.999999999Z',
    '2024-02-29T00:00:00.100000000Z',
    '2025-10-25T14:30:00.123456Z',
    '2025-10-25T14:30:00.123Z',
    '2025-10-25T14:30:00.1Z',
    '2025-10-25T14:30:00Z',
    '1969-12-31T23:59:59.999999999Z',
    '0100-01-01T00:00:00.000Z',
    '9999-12-31T23:59:59.999Z',
  ]) {
    const p = splitIso(s);
    assert.ok(p, s);
    assert.is(joinIso(p!.ms, p!.subMs, p!.digits), s);
  }
});

test('ms holds the milliseconds and subMs the rest', () => {
  assert.equal(splitIso('2025-10-25T14:30:00.123456789Z'), { ms: Date.UTC(2025, 9, 25, 14, 30, 0, 123), subMs: 456789, digits: 9 });
  assert.equal(splitIso('1969-12-31T23:59:59.999000001Z'), { ms: -1, subMs: 1, digits: 9 });
});

test('anything it could not give back exactly is refused', () => {
  for (const s of [
    '2025-02-29T00:00:00Z',
    '2025-04-31T00:00:00Z',
    '2025-10-25T24:00:00Z',
    '2025-10-25T14:60:00Z',
    '2025-10-25T14:30:60Z',
    '0099-10-25T14:30:00Z',
    '2025-10-25T14:30:00.1234567890Z',
    '2025-10-25T14:30:00.Z',
    '2025-10-25T14:30:00+00:00',
    '2025-10-25 14:30:00Z',
    '+012025-10-25T14:30:00.000Z',
    'yesterday',
  ]) assert.is(splitIso(s), undefined, s);
});

test.run();
