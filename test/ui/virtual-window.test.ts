/** The virtual list's window math: fixed rows, expanded rows' extra height, shifts when rows come and go. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { atBottom, RowHeights, visibleRange } from '../../http/ui/virtual-window.js';

const test = suite('ui virtual window');

test('fixed rows: offsets, the row at a position, the window with overscan', () => {
  const h = new RowHeights(20);
  assert.is(h.offsetOf(0), 0);
  assert.is(h.offsetOf(100_000), 2_000_000);
  assert.is(h.totalHeight(100_000), 2_000_000);
  assert.is(h.indexAt(0, 100_000), 0);
  assert.is(h.indexAt(19, 100_000), 0);
  assert.is(h.indexAt(20, 100_000), 1);
  assert.is(h.indexAt(10_000_000, 100_000), 99_999, 'clamped to the last row');
  assert.is(h.indexAt(5, 0), 0);
  assert.equal(visibleRange(h, 100_000, 20_000, 400, 5), { start: 995, end: 1025 });
  assert.equal(visibleRange(h, 100_000, 0, 400, 5), { start: 0, end: 25 });
  assert.equal(visibleRange(h, 10, 0, 400, 5), { start: 0, end: 10 });
  assert.equal(visibleRange(h, 0, 0, 400), { start: 0, end: 0 });
});

test('expanded rows push the rows below them down', () => {
  const h = new RowHeights(20);
  h.setExtra(10, 100);
  h.setExtra(5, 40);
  assert.equal(h.expanded(), [5, 10]);
  assert.is(h.offsetOf(5), 100);
  assert.is(h.offsetOf(6), 160);
  assert.is(h.offsetOf(11), 220 + 140);
  assert.is(h.totalHeight(20), 400 + 140);
  assert.is(h.indexAt(159, 20), 5, 'inside the expanded row');
  assert.is(h.indexAt(160, 20), 6);
  assert.is(h.indexAt(300, 20), 10);
  assert.is(h.indexAt(360, 20), 11);
  assert.is(h.extraOf(10), 100);
  h.setExtra(10, 0);
  assert.equal(h.expanded(), [5]);
  assert.is(h.extraOf(10), 0);
  h.setExtra(5, 60);
  assert.is(h.offsetOf(6), 180, 'a new measure replaces the old');
});

test('shift: rows dropped at the front take their extra along, rows inserted move the others', () => {
  const h = new RowHeights(20);
  h.setExtra(3, 50);
  h.setExtra(30, 70);
  h.shift(10);
  assert.equal(h.expanded(), [20]);
  assert.is(h.extraOf(20), 70);
  h.shift(-5);
  assert.equal(h.expanded(), [25]);
  h.clear();
  assert.equal(h.expanded(), []);
});

test('truncate: rows cut at the end lose their extra, the others keep theirs', () => {
  const h = new RowHeights(20);
  h.setExtra(2, 50);
  h.setExtra(7, 30);
  h.setExtra(9, 10);
  h.truncate(7);
  assert.equal(h.expanded(), [2]);
  assert.is(h.totalHeight(7), 7 * 20 + 50);
  h.truncate(0);
  assert.equal(h.expanded(), []);
});

test('at the bottom within one row', () => {
  assert.ok(atBottom(1600, 400, 2000, 20));
  assert.ok(atBottom(1581, 400, 2000, 20));
  assert.not.ok(atBottom(1579, 400, 2000, 20));
  assert.ok(atBottom(0, 400, 100, 20), 'less than a screen');
});

test.run();
