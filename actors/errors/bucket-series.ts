/**
 * Counters per time bucket, sorted by bucket: an Int32Array of bucket numbers and `width` Float64
 * values per bucket. Adding to the newest bucket is O(1) (entries come in time order); an older
 * bucket is found by binary search.
 */
export class BucketSeries {
  private keys = new Int32Array(4);
  /** `width` values per bucket, row i at [i * width, (i + 1) * width). */
  vals: Float64Array;
  private start = 0;
  private end = 0;

  constructor(readonly width: number) {
    this.vals = new Float64Array(4 * width);
  }

  get length(): number {
    return this.end - this.start;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.keys.byteLength + this.vals.byteLength;
  }

  /** Offset in `vals` of the row for `bucket`, created (zeroed) when missing. */
  row(bucket: number): number {
    if (this.end > this.start && this.keys[this.end - 1] === bucket) return (this.end - 1) * this.width;
    const i = this.lowerBound(bucket);
    if (i < this.end && this.keys[i] === bucket) return i * this.width;
    return this.insert(i, bucket) * this.width;
  }

  /** Drops the buckets before `bucket`. */
  dropBefore(bucket: number): void {
    this.start = this.lowerBound(bucket);
    if (this.start === this.end) this.start = this.end = 0;
  }

  /** Row indexes [from, to) of the buckets from `first` to `last` inclusive. */
  rows(first: number, last: number): [number, number] {
    return [this.lowerBound(first), this.lowerBound(last + 1)];
  }

  bucketAt(row: number): number {
    return this.keys[row]!;
  }

  /** First row index (≥ start) whose bucket is ≥ `bucket`. */
  private lowerBound(bucket: number): number {
    let lo = this.start;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < bucket) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insert(i: number, bucket: number): number {
    const w = this.width;
    if (this.end === this.keys.length) {
      // Compact the dropped prefix away; grow when more than half full, shrink when under a quarter.
      const n = this.length;
      const len = this.keys.length;
      const cap = n * 2 >= len ? len * 2 : n * 4 < len && len > 4 ? len / 2 : len;
      const keys = new Int32Array(cap);
      const vals = new Float64Array(cap * w);
      keys.set(this.keys.subarray(this.start, this.end));
      vals.set(this.vals.subarray(this.start * w, this.end * w));
      i -= this.start;
      this.keys = keys;
      this.vals = vals;
      this.start = 0;
      this.end = n;
    }
    this.keys.copyWithin(i + 1, i, this.end);
    this.vals.copyWithin((i + 1) * w, i * w, this.end * w);
    this.keys[i] = bucket;
    this.vals.fill(0, i * w, (i + 1) * w);
    this.end++;
    return i;
  }
}
