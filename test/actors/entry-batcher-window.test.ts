/**
 * The follower's window over its sinks: what each sink has not acknowledged, in batches and in bytes;
 * the follower reads on only below both (16 batches, BUDGET_DEFAULTS.followerInflightBytes).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { IngestMsg } from '../../actors/model/ingest-protocol.js';
import { containerInfo } from '../../actors/model/container-info.js';
import { EntryBatcher } from '../../actors/docker/entry-batcher.js';
import type { ActorRef } from '../../runtime/index.js';
import { containerIdFor } from '../support/entries.js';

const test = suite('entry batcher: the window in batches and bytes');

test('bytes unacknowledged per sink: the slowest sink counts; acks in order give them back exactly', () => {
  const taken: ActorRef<IngestMsg> = { path: '/test/a', alive: true, tell: () => true };
  const ack = { path: '/test/ack', alive: true, tell: () => true } as ActorRef<never>;
  const info = containerInfo(containerIdFor('api-1'), '/api-1', 'api:latest', {});
  const b = new EntryBatcher(info, [{ name: 'store', ref: taken }, { name: 'metrics', ref: taken }], 1000, ack, () => ({ containerId: info.id, positions: [] }) as never, () => 0);
  const out = (chars: number) => ({ parsed: { level: 2 as const, message: 'x'.repeat(chars) }, dockerTs: '2025-10-25T14:30:00.000000000Z', stream: 'stdout' as const });
  b.add([out(100_000), out(50_000)]);
  b.send();
  b.add([out(200_000)]);
  b.send();
  // Two bytes per character (a string's worst case): 300,000 then 400,000.
  assert.equal([b.inflight, b.inflightBytes], [2, 700_000]);
  b.acked('metrics');
  b.acked('metrics');
  assert.equal([b.inflight, b.inflightBytes], [2, 700_000], 'the store has not acknowledged: it decides');
  b.acked('store');
  assert.equal([b.inflight, b.inflightBytes], [1, 400_000]);
  b.acked('store');
  b.acked('store'); // an ack beyond what was sent changes nothing
  assert.equal([b.inflight, b.inflightBytes], [0, 0]);
});

test.run();
