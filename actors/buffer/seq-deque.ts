const MIN_CAPACITY = 16;

/**
 * A growable ring of sequence numbers with random access: one per container, holding its entries'
 * sequence numbers in time order. Appends and removals at the front are O(1); an insertion or removal
 * elsewhere (a line out of time order) shifts the elements on the shorter side.
 */
export class SeqDeque {
  private buf = new Float64Array(MIN_CAPACITY);
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  /** Bytes held by the ring. */
  get bytes(): number {
    return this.buf.byteLength;
  }

  /** The i-th sequence number from the front (0 = oldest in time). */
  at(i: number): number {
    return this.buf[(this.head + i) & (this.buf.length - 1)]!;
  }

  push(seq: number): void {
    if (this.count === this.buf.length) this.resize(this.buf.length * 2);
    this.buf[(this.head + this.count) & (this.buf.length - 1)] = seq;
    this.count++;
  }

  /** Inserts at position i (0..length). */
  insertAt(i: number, seq: number): void {
    if (i === this.count) return this.push(seq);
    if (this.count === this.buf.length) this.resize(this.buf.length * 2);
    const mask = this.buf.length - 1;
    if (i < this.count / 2) {
      // Move the front part one slot towards the front.
      this.head = (this.head - 1) & mask;
      for (let k = 0; k < i; k++) this.buf[(this.head + k) & mask] = this.buf[(this.head + k + 1) & mask]!;
    } else {
      for (let k = this.count; k > i; k--) this.buf[(this.head + k) & mask] = this.buf[(this.head + k - 1) & mask]!;
    }
    this.buf[(this.head + i) & mask] = seq;
    this.count++;
  }

  /** Removes the element at position i (0..length-1). */
  removeAt(i: number): void {
    const mask = this.buf.length - 1;
    if (i < this.count / 2) {
      for (let k = i; k > 0; k--) this.buf[(this.head + k) & mask] = this.buf[(this.head + k - 1) & mask]!;
      this.head = (this.head + 1) & mask;
    } else {
      for (let k = i; k < this.count - 1; k++) this.buf[(this.head + k) & mask] = this.buf[(this.head + k + 1) & mask]!;
    }
    this.count--;
    // Give memory back once a container's share of the buffer has shrunk a lot.
    if (this.buf.length > MIN_CAPACITY && this.count < this.buf.length / 4) this.resize(this.buf.length / 2);
  }

  /** Position of `seq` searching from the front, or -1. */
  indexFromFront(seq: number): number {
    for (let i = 0; i < this.count; i++) if (this.at(i) === seq) return i;
    return -1;
  }

  private resize(capacity: number): void {
    const next = new Float64Array(capacity);
    for (let i = 0; i < this.count; i++) next[i] = this.at(i);
    this.buf = next;
    this.head = 0;
  }
}
