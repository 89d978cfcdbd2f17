/** The hot window's heap of container fronts: always yields the smallest key, through updates and deletes. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { IndexedHeap } from '../../actors/buffer/indexed-heap.js';
import { rng } from '../support/rng.js';

const test = suite('indexed-heap');

test('matches a sorted reference through random inserts, re-seats and deletes', () => {
  const r = rng(7);
  const value: number[] = [];
  const heap = new IndexedHeap((a, b) => value[a]! < value[b]! || (value[a] === value[b] && a < b));
  const live = new Set<number>();
  for (let step = 0; step < 5000; step++) {
    const key = Math.floor(r() * 60);
    const op = r();
    if (op < 0.6) {
      value[key] = Math.floor(r() * 1000);
      heap.update(key);
      live.add(key);
    } else if (op < 0.8) {
      heap.delete(key);
      live.delete(key);
    }
    const expected = [...live].sort((a, b) => value[a]! - value[b]! || a - b)[0] ?? -1;
    assert.is(heap.peek(), expected, `step ${step}`);
    assert.is(heap.size, live.size);
  }
});

test.run();
