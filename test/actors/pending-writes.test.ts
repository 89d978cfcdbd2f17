/**
 * The store's backlog of accepted, unwritten batches: acknowledged at once within its byte bound,
 * later beyond it (as writes bring it back under), written from the front, put back in order on failure.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AppendAck, IngestMsg } from '../../actors/model/ingest-protocol.js';
import { entryBytes, PendingWrites } from '../../actors/store/pending-writes.js';
import type { StoredEntry } from '../../actors/store/store-protocol.js';
import type { ActorRef } from '../../runtime/index.js';

const test = suite('store: pending writes');

let seq = 0;
const entry = (chars: number): StoredEntry => ({ message: 'x'.repeat(chars), level: 2, dockerTs: '', dockerMs: 0, stream: 'stdout', containerId: 'c', containerName: 'c', service: 's', seq: ++seq }) as StoredEntry;

function appends() {
  const acks: string[] = [];
  const ack: ActorRef<AppendAck> = { path: '/t', alive: true, tell: (m) => (acks.push(m.sink!), true) };
  const msg = (name: string, entries: StoredEntry[], container = 'c'): IngestMsg => ({ type: 'append', entries, ack, sink: name, cursor: { containerId: container, positions: {} as never } });
  return { acks, msg };
}

test('within the bound acknowledged at once; beyond it only once writes bring the backlog under it', () => {
  const one = entryBytes(entry(1000)); // 2,200 bytes
  const p = new PendingWrites(3 * one);
  const { acks, msg } = appends();
  const batches = ['a', 'b', 'c', 'd', 'e'].map((n): [string, StoredEntry[]] => [n, [entry(1000)]]);
  for (const [n, es] of batches) p.push(es, msg(n, es));
  assert.equal(acks, ['a', 'b', 'c'], 'the 4th and 5th wait');
  assert.equal([p.entries, p.bytes, p.length], [5, 5 * one, 5]);
  const w1 = p.take(2);
  assert.is(w1.length, 2);
  assert.is(p.written(w1), w1[1]!.entries[0]!.seq);
  assert.equal(acks, ['a', 'b', 'c', 'd', 'e'], 'three left: within the bound again');
  assert.equal([p.entries, p.bytes], [3, 3 * one]);
});

test('a write takes from the front up to its entries and bytes (at least one batch); a failed one goes back in order', () => {
  const p = new PendingWrites(Infinity);
  const { msg } = appends();
  const big = [entry(10_000)];
  p.push(big, msg('big', big, 'x'));
  const small = [entry(10), entry(10)];
  p.push(small, msg('small', small, 'y'));
  const last = [entry(10)];
  p.push(last, msg('last', last, 'x'));
  const w = p.take(100, 100); // the first batch alone passes the byte bound: it still goes, alone
  assert.equal(w.map((b) => b.entries.length), [1]);
  p.putBack(w);
  const all = p.take(4); // 1 + 2 + 1 entries
  assert.equal(all.map((b) => b.entries[0]!.seq), [big[0]!.seq, small[0]!.seq, last[0]!.seq], 'in order after a put-back');
  assert.equal(PendingWrites.cursorsOf(all).map((c) => c.containerId), ['x', 'y'], "each container's last cursor, once");
  assert.is(p.take(10).length, 0);
});

test.run();
