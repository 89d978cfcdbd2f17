import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { entryJson, millisIso } from '../../http/entry-json.js';

test('millisIso: exactly three fractional digits, cut not rounded', () => {
  assert.is(millisIso('2025-10-25T14:30:00.123Z'), '2025-10-25T14:30:00.123Z');
  assert.is(millisIso('2025-10-25T14:30:00.123456789Z'), '2025-10-25T14:30:00.123Z');
  assert.is(millisIso('2025-10-25T14:30:59.999999999Z'), '2025-10-25T14:30:59.999Z');
  assert.is(millisIso('2025-10-25T14:30:00.5Z'), '2025-10-25T14:30:00.500Z');
  assert.is(millisIso('2025-10-25T14:30:00Z'), '2025-10-25T14:30:00.000Z');
});

test('entryJson: timestamp in milliseconds, docker_timestamp in nanoseconds', () => {
  const e = entryJson({ time: '2025-10-25T14:30:00.123456Z', level: 2, message: 'm', dockerTs: '2025-10-25T14:30:00.987654321Z', dockerMs: 0, stream: 'stdout', containerId: 'a'.repeat(64), containerName: 'x', service: 'x' });
  assert.is(e.timestamp, '2025-10-25T14:30:00.123Z');
  assert.is(e.docker_timestamp, '2025-10-25T14:30:00.987654321Z');
  const noOwn = entryJson({ level: 2, message: 'm', dockerTs: '2025-10-25T14:30:00.987654321Z', dockerMs: 0, stream: 'stdout', containerId: 'a'.repeat(64), containerName: 'x', service: 'x' });
  assert.is(noOwn.timestamp, '2025-10-25T14:30:00.987Z');
});

test.run();
