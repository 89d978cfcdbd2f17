/**
 * The window math of the virtualized log list: rows have one fixed height, except the few a user
 * expanded, whose extra height is kept sorted by index. Offsets and the row at a scroll position are
 * found by binary search, so 100k rows cost nothing until they are on screen. Pure: runs in node tests.
 */

export class RowHeights {
  /** Indices of rows with extra height, ascending, and the extra of each. */
  private idx: number[] = [];
  private extra: number[] = [];

  constructor(readonly rowHeight: number) {}

  /** Sets (px > 0) or clears (px ≤ 0) the extra height of a row. */
  setExtra(index: number, px: number): void {
    const k = this.lowerBound(index);
    const has = this.idx[k] === index;
    if (px > 0) {
      if (has) this.extra[k] = px;
      else {
        this.idx.splice(k, 0, index);
        this.extra.splice(k, 0, px);
      }
    } else if (has) {
      this.idx.splice(k, 1);
      this.extra.splice(k, 1);
    }
  }

  extraOf(index: number): number {
    const k = this.lowerBound(index);
    return this.idx[k] === index ? this.extra[k]! : 0;
  }

  /** Rows were removed (n > 0) or inserted (n < 0) at the front: every index moves by -n; removed rows lose their extra. */
  shift(n: number): void {
    const idx: number[] = [];
    const extra: number[] = [];
    this.idx.forEach((i, k) => {
      if (i - n >= 0) {
        idx.push(i - n);
        extra.push(this.extra[k]!);
      }
    });
    this.idx = idx;
    this.extra = extra;
  }

  /** Rows from `length` on were removed (at the end): they lose their extra. */
  truncate(length: number): void {
    const k = this.lowerBound(length);
    this.idx.length = k;
    this.extra.length = k;
  }

  clear(): void {
    this.idx = [];
    this.extra = [];
  }

  /** Indices of the rows with extra height. */
  expanded(): readonly number[] {
    return this.idx;
  }

  /** Top of row `i`. */
  offsetOf(i: number): number {
    let sum = 0;
    for (let k = 0; k < this.idx.length && this.idx[k]! < i; k++) sum += this.extra[k]!;
    return i * this.rowHeight + sum;
  }

  /** Height of all `count` rows. */
  totalHeight(count: number): number {
    return this.offsetOf(count);
  }

  /** The row under vertical position `y` (clamped to [0, count - 1]; 0 when empty). */
  indexAt(y: number, count: number): number {
    if (count <= 0) return 0;
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsetOf(mid) <= y) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private lowerBound(index: number): number {
    let lo = 0;
    let hi = this.idx.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.idx[mid]! < index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The rows to have in the DOM: [start, end) around the viewport, `overscan` rows either side. */
export function visibleRange(h: RowHeights, count: number, scrollTop: number, viewport: number, overscan = 10): { start: number; end: number } {
  if (count === 0) return { start: 0, end: 0 };
  const first = h.indexAt(Math.max(0, scrollTop), count);
  const last = h.indexAt(Math.max(0, scrollTop + viewport - 1), count);
  return { start: Math.max(0, first - overscan), end: Math.min(count, last + 1 + overscan) };
}

/** Whether a scroll position is at the bottom (within one row): the list then follows new lines. */
export function atBottom(scrollTop: number, viewport: number, total: number, rowHeight: number): boolean {
  return scrollTop + viewport >= total - rowHeight;
}
