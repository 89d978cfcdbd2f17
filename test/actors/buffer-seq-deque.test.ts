import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SeqDeque } from '../../actors/buffer/seq-deque.js';

const test = suite('buffer-seq-deque');

const contents = (q: SeqDeque) => Array.from({ length: q.length }, (_, i) => q.at(i));

test('push, removeAt(0), wrap-around and growth keep order', () => {
  const q = new SeqDeque();
  const ref: number[] = [];
  for (let i = 0; i < 100; i++) {
    q.push(i);
    ref.push(i);
    if (i % 3 === 0) {
      q.removeAt(0);
      ref.shift();
    }
  }
  assert.equal(contents(q), ref);
});

test('random inserts and removals anywhere match an array', () => {
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const q = new SeqDeque();
  const ref: number[] = [];
  for (let step = 0; step < 5000; step++) {
    const op = rnd(10);
    if (op < 6 || ref.length === 0) {
      const i = rnd(ref.length + 1);
      q.insertAt(i, step);
      ref.splice(i, 0, step);
    } else {
      const i = rnd(ref.length);
      q.removeAt(i);
      ref.splice(i, 1);
    }
    if (step % 97 === 0) assert.equal(contents(q), ref, `step ${step}`);
  }
  assert.equal(contents(q), ref);
  assert.is(q.indexFromFront(ref[3]!), 3);
  assert.is(q.indexFromFront(-1), -1);
});

test('gives memory back when it shrinks', () => {
  const q = new SeqDeque();
  for (let i = 0; i < 4096; i++) q.push(i);
  const big = q.bytes;
  while (q.length > 10) q.removeAt(0);
  assert.ok(q.bytes < big / 8);
  assert.equal(contents(q), [4086, 4087, 4088, 4089, 4090, 4091, 4092, 4093, 4094, 4095]);
});

test.run();
