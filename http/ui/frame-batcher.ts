/**
 * Batched rendering: items (live lines) pile up between frames and are handed over together, one
 * animation frame per batch, so 1,000 lines/s cost ~17 appends per frame instead of 1,000 layouts.
 * The frame scheduler is injected (requestAnimationFrame in the page, a fake in tests). Pure.
 * What waits is bounded (`maxPending`, the newest kept): a hidden tab runs no animation frames, and
 * a list that keeps its newest N rows has no use for more than N waiting.
 */
export type RequestFrame = (cb: () => void) => unknown;

export class FrameBatcher<T> {
  private items: T[] = [];
  private scheduled = false;
  /** Frames that flushed a batch. */
  frames = 0;
  /** Items let go unseen because more than `maxPending` waited (the oldest first). */
  skipped = 0;

  constructor(
    private readonly flush: (batch: T[]) => void,
    private readonly requestFrame: RequestFrame,
    private readonly maxPending = Infinity,
  ) {}

  push(item: T): void {
    this.items.push(item);
    this.bound();
    this.schedule();
  }

  pushAll(items: readonly T[]): void {
    if (items.length === 0) return;
    for (const it of items) this.items.push(it);
    this.bound();
    this.schedule();
  }

  private bound(): void {
    if (this.items.length <= this.maxPending * 1.25) return;
    const over = this.items.length - this.maxPending;
    this.items.splice(0, over);
    this.skipped += over;
  }

  /** Items waiting for the next frame. */
  get pending(): number {
    return this.items.length;
  }

  /** Drops what waits (the view changed). */
  clear(): void {
    this.items = [];
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.requestFrame(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    const batch = this.items;
    if (batch.length === 0) return;
    this.items = [];
    this.frames++;
    this.flush(batch);
  }
}
