/** Batched rendering: one frame per batch however many items arrive; pause holds and counts; a reconnect's repeats are dropped. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameBatcher } from '../../http/ui/frame-batcher.js';
import { TailFeed } from '../../http/ui/tail-feed.js';

const test = suite('ui frame batcher and tail feed');

/** A fake requestAnimationFrame: frames run when the test says. */
function fakeFrames(): { request: (cb: () => void) => number; frame(): void; queued(): number } {
  let cbs: (() => void)[] = [];
  return {
    request: (cb) => cbs.push(cb),
    frame: () => {
      const run = cbs;
      cbs = [];
      for (const cb of run) cb();
    },
    queued: () => cbs.length,
  };
}

test('1,000 items between two frames are one batch and one frame request', () => {
  const frames = fakeFrames();
  const batches: number[][] = [];
  const b = new FrameBatcher<number>((batch) => batches.push(batch), frames.request);
  for (let i = 0; i < 1000; i++) b.push(i);
  assert.is(frames.queued(), 1);
  assert.is(b.pending, 1000);
  frames.frame();
  assert.is(batches.length, 1);
  assert.is(batches[0]!.length, 1000);
  assert.is(batches[0]![999], 999);
  assert.is(frames.queued(), 0, 'nothing pending, no frame asked for');
  b.pushAll([1, 2]);
  b.push(3);
  frames.frame();
  assert.equal(batches[1], [1, 2, 3]);
  assert.is(b.frames, 2);
});

test('clear drops what waits; an empty frame flushes nothing', () => {
  const frames = fakeFrames();
  const batches: number[][] = [];
  const b = new FrameBatcher<number>((batch) => batches.push(batch), frames.request);
  b.push(1);
  b.clear();
  frames.frame();
  assert.is(batches.length, 0);
  b.pushAll([]);
  assert.is(frames.queued(), 0);
  b.push(2);
  frames.frame();
  assert.equal(batches, [[2]]);
});

test('tail feed: repeats by seq are dropped (a reconnect asks for the last lines again)', () => {
  const got: number[] = [];
  const f = new TailFeed<{ seq?: number }>((items) => got.push(...items.map((e) => e.seq ?? -1)), 100);
  f.push([{ seq: 1 }, { seq: 2 }, { seq: 3 }]);
  f.push([{ seq: 2 }, { seq: 3 }, { seq: 4 }]);
  f.push([{}]);
  assert.equal(got, [1, 2, 3, 4, -1]);
  f.reset();
  f.push([{ seq: 1 }]);
  assert.equal(got, [1, 2, 3, 4, -1, 1]);
});

test('tail feed: paused, arrivals are held and counted (the newest maxHeld kept), resume delivers them', () => {
  const got: number[] = [];
  const f = new TailFeed<{ seq: number }>((items) => got.push(...items.map((e) => e.seq)), 10);
  f.push([{ seq: 1 }]);
  f.pause();
  for (let s = 2; s <= 31; s++) f.push([{ seq: s }]);
  assert.equal(got, [1]);
  assert.is(f.arrivedWhilePaused, 30);
  assert.is(f.resume(), 30);
  assert.equal(got, [1, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);
  assert.is(f.arrivedWhilePaused, 0);
  f.push([{ seq: 32 }]);
  assert.is(got[got.length - 1], 32);
});

test('tail feed: a tail in Docker-time order whose seqs go up and down loses nothing; its repeats are still dropped', () => {
  const got: number[] = [];
  const f = new TailFeed<{ seq: number }>((items) => got.push(...items.map((e) => e.seq)), 100, 50);
  // Two containers' batches reached the store out of Docker-time order: w1#1 a1#3 w2#2 a2#4.
  f.push([{ seq: 1 }, { seq: 3 }, { seq: 2 }, { seq: 4 }]);
  assert.equal(got, [1, 3, 2, 4]);
  // A reconnect's tail re-sends them, and a new one.
  f.push([{ seq: 3 }, { seq: 2 }, { seq: 4 }, { seq: 5 }]);
  assert.equal(got, [1, 3, 2, 4, 5]);
  // It remembers a bounded number of seqs: after 100 more, seq 1 is forgotten (it would be taken again).
  f.push(Array.from({ length: 100 }, (_, i) => ({ seq: 100 + i })));
  f.push([{ seq: 1 }]);
  assert.is(got[got.length - 1], 1);
});

test('tail feed: a reconnect whose tail reaches back to a line seen is no gap; one that does not is counted', () => {
  const got: number[] = [];
  const f = new TailFeed<{ seq: number }>((items) => got.push(...items.map((e) => e.seq)), 100);
  f.reconnected(); // the first connect of a view: nothing seen yet, no gap
  f.push([{ seq: 1 }, { seq: 2 }, { seq: 3 }]);
  f.reconnected();
  f.push([{ seq: 2 }]);
  f.push([{ seq: 3 }, { seq: 4 }]);
  assert.is(f.gaps, 0);
  f.reconnected();
  f.push([{ seq: 900 }, { seq: 901 }]); // more lines came meanwhile than the tail holds
  assert.is(f.gaps, 1);
  assert.equal(got, [1, 2, 3, 4, 900, 901]);
});

test('frame batcher: what waits for a frame is bounded (a hidden tab runs none); the newest are kept and the rest counted', () => {
  const frames = fakeFrames();
  const got: number[][] = [];
  const b = new FrameBatcher<number>((batch) => got.push(batch), frames.request, 100);
  for (let i = 0; i < 1000; i++) b.push(i);
  assert.ok(b.pending <= 125, `${b.pending} waiting`);
  frames.frame();
  assert.is(got.length, 1);
  assert.is(got[0]![got[0]!.length - 1], 999, 'the newest kept');
  assert.is(b.skipped + got[0]!.length, 1000, 'every item delivered or counted');
});

test.run();
