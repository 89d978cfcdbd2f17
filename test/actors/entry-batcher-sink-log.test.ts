/** A sink that refuses a batch is logged once (ERROR), and once more (INFO) when it takes batches again. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { IngestMsg } from '../../actors/model/ingest-protocol.js';
import { containerInfo } from '../../actors/model/container-info.js';
import { EntryBatcher } from '../../actors/docker/entry-batcher.js';
import { configureServiceLog } from '../../actors/service-log.js';
import type { ActorRef } from '../../runtime/index.js';
import { containerIdFor } from '../support/entries.js';

const test = suite('entry batcher: sink failures');

let lines: Record<string, unknown>[] = [];
let restore: (() => void) | undefined;
test.before.each(() => {
  lines = [];
  restore = configureServiceLog({ level: 2, format: 'json', write: (l) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
});
test.after.each(() => restore?.());

test('refused, refused again (no second line), taken again', () => {
  let accept = false;
  const ref: ActorRef<IngestMsg> = { path: '/test/sink', alive: true, tell: () => accept };
  const ok: ActorRef<IngestMsg> = { path: '/test/ok', alive: true, tell: () => true };
  const ack = { path: '/test/ack', alive: true, tell: () => true } as ActorRef<never>;
  const info = containerInfo(containerIdFor('api-1'), '/api-1', 'api:latest', {});
  const b = new EntryBatcher(info, [{ name: 'store', ref }, { name: 'buffer', ref: ok }], 1, ack, () => ({ containerId: info.id, positions: [] }) as never, () => 0);
  const out = (message: string) => ({ parsed: { level: 2 as const, message }, dockerTs: '2025-10-25T14:30:00.000000000Z', stream: 'stdout' as const });
  b.add([out('a')]);
  b.send();
  b.add([out('b')]);
  b.send();
  assert.is(lines.length, 1);
  assert.equal({ ...lines[0], time: undefined, message: undefined }, { time: undefined, level: 'ERROR', logger: 'logagg', message: undefined, event: 'sink.failed', container: 'api-1', container_id: info.id.slice(0, 12), service: 'api-1', sink: 'store', entries: 1 });
  accept = true;
  b.add([out('c')]);
  b.send();
  assert.is(lines.length, 2);
  assert.is(lines[1]!.event, 'sink.recovered');
  assert.is(lines[1]!.level, 'INFO');
});

test.run();
