/** The repeat filter alone and behind a resume cursor, on message sequences shaped like the engine's. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RepeatFilter } from '../../actors/docker/repeat-filter.js';
import { ResumeCursor } from '../../actors/docker/resume-cursor.js';
import type { StreamName } from '../../actors/model/log-entry.js';

const test = suite('repeat filter');

const ts = (s: number, ns = 0) => `2025-10-25T14:30:${String(s).padStart(2, '0')}.${String(ns).padStart(9, '0')}Z`;

/** A message as the line assembler hands it over; `piece`: one of a line's 16 KiB pieces, not its last. */
interface Msg {
  ts: string;
  text: string;
  stream?: StreamName;
  piece?: boolean;
}

/** Feeds messages through a cursor with the filter, as the follower does; returns the texts kept. */
function collect(msgs: Msg[], filter = new RepeatFilter(), cursor = new ResumeCursor()): string[] {
  const kept: string[] = [];
  for (const m of msgs) {
    const stream = m.stream ?? 'stdout';
    if (cursor.accept(m.ts, stream, () => filter.repeated(stream, m.ts, Buffer.from(m.text), !m.piece))) kept.push(m.text);
  }
  return kept;
}

const lines = (from: number, to: number): Msg[] => Array.from({ length: to - from + 1 }, (_, i) => ({ ts: ts(from + i), text: `line ${from + i}` }));

test('a stretch sent again after a rotation is dropped, and counted', () => {
  const filter = new RepeatFilter();
  const kept = collect([...lines(1, 30), ...lines(21, 30), ...lines(31, 40)], filter);
  assert.equal(kept, lines(1, 40).map((m) => m.text));
  assert.is(filter.dropped, 10);
  assert.is(filter.farthest, 10);
});

test('on a clock finer than a microsecond, the line just before sent again (once or twice) is dropped', () => {
  const x = { ts: ts(5, 123_456_789), text: 'same' };
  const filter = new RepeatFilter();
  assert.equal(collect([...lines(1, 4), x, x, x, ...lines(6, 6)], filter), ['line 1', 'line 2', 'line 3', 'line 4', 'same', 'line 6']);
  assert.is(filter.dropped, 2);
});

test('identical lines with the same (coarse-clock) timestamp are all kept, and all dropped when sent again', () => {
  const same = { ts: ts(5), text: 'tick' };
  const filter = new RepeatFilter();
  const kept = collect([...lines(1, 4), same, same, same, ...lines(6, 7), same, same, same, ...lines(6, 7), ...lines(8, 8)], filter);
  assert.equal(kept, ['line 1', 'line 2', 'line 3', 'line 4', 'tick', 'tick', 'tick', 'line 6', 'line 7', 'line 8']);
  assert.is(filter.dropped, 5);
});

test('different lines with the same timestamp are kept', () => {
  const kept = collect([{ ts: ts(1), text: 'a' }, { ts: ts(1), text: 'b' }, { ts: ts(1), text: 'c' }]);
  assert.equal(kept, ['a', 'b', 'c']);
});

test('the clock stepping back: new lines with older timestamps are kept', () => {
  const filter = new RepeatFilter();
  // Lines at 10..20, then NTP steps the clock back to 12: new lines, older than the cursor.
  const stepped = [12, 13, 14].map((s) => ({ ts: ts(s, 5), text: `after step ${s}` }));
  const kept = collect([...lines(10, 20), ...stepped, { ts: ts(21), text: 'later' }], filter);
  assert.equal(kept, [...lines(10, 20).map((m) => m.text), 'after step 12', 'after step 13', 'after step 14', 'later']);
  assert.is(filter.dropped, 0);
});

test('the clock stepping back to the very same timestamp: different text is new', () => {
  const kept = collect([...lines(1, 3), { ts: ts(2), text: 'new at an old stamp' }, ...lines(4, 4)]);
  assert.equal(kept, ['line 1', 'line 2', 'line 3', 'new at an old stamp', 'line 4']);
});

test('stdout and stderr are remembered apart', () => {
  const kept = collect([{ ts: ts(1), text: 'x' }, { ts: ts(1), text: 'x', stream: 'stderr' }, { ts: ts(1), text: 'x', stream: 'stderr' }]);
  assert.equal(kept, ['x', 'x', 'x']);
});

test('a 16 KiB split line: its last piece sent again after the line ended is dropped', () => {
  const T = ts(7);
  const p1 = { ts: T, text: 'A'.repeat(64), piece: true };
  const p2 = { ts: T, text: 'B'.repeat(64), piece: true };
  const p3 = { ts: T, text: 'end' };
  const filter = new RepeatFilter();
  assert.equal(collect([...lines(1, 2), p1, p2, p3, p3, ...lines(8, 8)], filter), ['line 1', 'line 2', 'A'.repeat(64), 'B'.repeat(64), 'end', 'line 8']);
  assert.is(filter.dropped, 1);
  // Rotation after the first piece: the later pieces come again.
  assert.equal(collect([p1, p2, p3, p2, p3, ...lines(8, 8)]), ['A'.repeat(64), 'B'.repeat(64), 'end', 'line 8']);
});

test('a split line: pieces sent again before the line ends are dropped', () => {
  const T = ts(7);
  const p1 = { ts: T, text: 'the first piece 9876543210', piece: true };
  const p2 = { ts: T, text: 'the middle piece 0123456789', piece: true };
  const p3 = { ts: T, text: 'end' };
  const filter = new RepeatFilter();
  assert.equal(collect([p1, p2, p2, p3, ...lines(8, 8)], filter), [p1.text, p2.text, 'end', 'line 8']);
  assert.is(filter.dropped, 1);
  // Two pieces sent again before the line's end.
  const filter2 = new RepeatFilter();
  assert.equal(collect([p1, p2, p1, p2, p3, ...lines(8, 8)], filter2), [p1.text, p2.text, 'end', 'line 8']);
  assert.is(filter2.dropped, 2);
});

test('a split line of identical pieces is kept whole, and dropped whole when sent again', () => {
  const T = ts(7);
  const a = { ts: T, text: 'a'.repeat(64), piece: true };
  const tail = { ts: T, text: 'a'.repeat(10) };
  const filter = new RepeatFilter();
  assert.equal(collect([a, a, tail, a, a, tail, ...lines(8, 8)], filter), ['a'.repeat(64), 'a'.repeat(64), 'a'.repeat(10), 'line 8']);
  assert.is(filter.dropped, 3);
});

test('a reopened stream replays what the cursor already counts: skipped by the cursor, not counted as a repeat', () => {
  const filter = new RepeatFilter();
  const cursor = new ResumeCursor();
  assert.equal(collect(lines(1, 5), filter, cursor).length, 5);
  cursor.reopen();
  assert.equal(collect([...lines(5, 5), ...lines(6, 7)], filter, cursor), ['line 6', 'line 7']);
  assert.is(filter.dropped, 0);
});

test('memory is bounded: a repeat from farther back than the memory is kept (and the size is the bound)', () => {
  const filter = new RepeatFilter(8);
  // It holds lines 13..20: line 5 is taken for new (and remembered), 15 and 16 are known.
  const kept = collect([...lines(1, 20), ...lines(5, 5), ...lines(15, 16)], filter);
  assert.is(filter.dropped, 2);
  assert.is(kept.length, 21);
});

/** A re-read through the filter's memory, as the follower does when a container stops: the texts admitted. */
function reread(filter: RepeatFilter, msgs: Msg[]): string[] {
  return msgs.filter((m) => !filter.known(m.stream ?? 'stdout', m.ts, Buffer.from(m.text), !m.piece)).map((m) => m.text);
}

test('a re-read from the earliest remembered stamp finds exactly the lines the follow stream skipped', () => {
  const filter = new RepeatFilter();
  collect([...lines(1, 4), ...lines(7, 10)], filter);
  assert.is(filter.recheckFrom(), ts(1));
  assert.equal(reread(filter, lines(1, 10)), ['line 5', 'line 6']);
  assert.is(filter.recovered, 2);
  assert.is(filter.dropped, 0, 're-read lines are not counted as the engine\'s repeats');
  assert.equal(reread(filter, lines(1, 10)), [], 'a second re-read finds nothing');
  // The container started again while the re-read follows: its new lines are new, not recovered.
  assert.equal(reread(filter, lines(9, 11)), ['line 11']);
  assert.is(filter.recovered, 2);
});

test('a re-read admits nothing at or before what the memory no longer holds', () => {
  const evicting = new RepeatFilter(4);
  collect(lines(1, 10), evicting);
  assert.is(evicting.recheckFrom(), ts(7));
  assert.equal(reread(evicting, lines(1, 10)), []);
  // A follower that resumed from a stored cursor: what the earlier one collected is not in its memory.
  const resumed = new RepeatFilter();
  resumed.collectedUpTo({ stdout: { ts: ts(3) } });
  collect(lines(4, 5), resumed);
  assert.equal(reread(resumed, lines(1, 6)), ['line 6']);
});

test.run();
