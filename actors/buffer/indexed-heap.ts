/**
 * A binary min-heap of small integer keys (source indexes) whose order can change in place: `update`
 * re-seats one key after what it is compared by has changed. The hot window keeps each container's
 * oldest entry in one, so that finding the oldest entry of all costs O(log containers), not a scan.
 */
export class IndexedHeap {
  private readonly items: number[] = [];
  /** Position in `items` by key; -1 when absent. */
  private readonly pos: number[] = [];

  constructor(private readonly less: (a: number, b: number) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  /** The smallest key, or -1 when empty. */
  peek(): number {
    return this.items.length > 0 ? this.items[0]! : -1;
  }

  has(key: number): boolean {
    return (this.pos[key] ?? -1) >= 0;
  }

  /** Inserts `key`, or re-seats it when present (its order may have moved either way). */
  update(key: number): void {
    let i = this.pos[key] ?? -1;
    if (i < 0) {
      i = this.items.length;
      this.items.push(key);
      this.pos[key] = i;
    }
    this.down(this.up(i));
  }

  delete(key: number): void {
    const i = this.pos[key] ?? -1;
    if (i < 0) return;
    const last = this.items.pop()!;
    this.pos[key] = -1;
    if (i === this.items.length) return;
    this.items[i] = last;
    this.pos[last] = i;
    this.down(this.up(i));
  }

  private up(i: number): number {
    const items = this.items;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(items[i]!, items[p]!)) break;
      this.swap(i, p);
      i = p;
    }
    return i;
  }

  private down(i: number): void {
    const items = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < items.length && this.less(items[l]!, items[m]!)) m = l;
      if (r < items.length && this.less(items[r]!, items[m]!)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const items = this.items;
    const x = items[a]!;
    const y = items[b]!;
    items[a] = y;
    items[b] = x;
    this.pos[y] = a;
    this.pos[x] = b;
  }
}
