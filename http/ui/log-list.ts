/**
 * The virtualized log list: every entry is held in an array, but only the rows in view (plus a few)
 * exist in the DOM, absolutely placed in a spacer as tall as all rows. Rows have one height; an
 * expanded row's extra height is measured and kept in RowHeights. Appends come in batches (one per
 * animation frame, see FrameBatcher); the list follows the newest line until the user scrolls up,
 * and follows again at the bottom.
 */
import { h } from './dom.js';
import type { Entry } from './entry.js';
import { fillRow, newRow, timeText, type TimeMode } from './log-row.js';
import { atBottom, RowHeights, visibleRange } from './virtual-window.js';

export interface LogListOptions {
  rowHeight: number;
  /** Oldest lines are dropped beyond this many (in chunks of a tenth). */
  maxRows: number;
  onAround(e: Entry): void;
  onFollowChange(follow: boolean): void;
  now(): number;
}

export class LogList {
  readonly el: HTMLElement;
  private readonly spacer: HTMLElement;
  private entries: Entry[] = [];
  private readonly heights: RowHeights;
  private readonly expanded = new Set<Entry>();
  private shown = new Map<Entry, HTMLElement>();
  private free: HTMLElement[] = [];
  private renderQueued = false;
  private readonly tops = new WeakMap<HTMLElement, number>();
  private lastTotal = -1;
  follow = true;
  times: TimeMode = 'relative';
  /** Lines appended since the page loaded (also those dropped since as the oldest): `data-appended`, for the bench. */
  private appended = 0;
  /** Set on the first rendered line (the bench reads the mark). */
  private firstLine = false;

  constructor(private readonly o: LogListOptions) {
    this.heights = new RowHeights(o.rowHeight);
    this.spacer = h('div', { class: 'spacer' });
    this.el = h('div', { class: 'list', role: 'table', tabindex: 0, 'aria-label': 'log lines' }, this.spacer);
    this.el.addEventListener('scroll', () => {
      const f = atBottom(this.el.scrollTop, this.el.clientHeight, this.el.scrollHeight, this.o.rowHeight);
      if (f !== this.follow) {
        this.follow = f;
        this.o.onFollowChange(f);
      }
      this.queueRender();
    });
    this.el.addEventListener('click', (ev) => {
      const row = (ev.target as HTMLElement).closest('.row') as HTMLElement | null;
      if (!row || (ev.target as HTMLElement).closest('.detail')) return;
      const e = [...this.shown].find(([, el]) => el === row)?.[0];
      if (e) this.toggle(e);
    });
    new ResizeObserver(() => this.queueRender()).observe(this.el);
  }

  get count(): number {
    return this.entries.length;
  }

  get all(): readonly Entry[] {
    return this.entries;
  }

  /** Newest lines at the end. */
  append(batch: readonly Entry[]): void {
    for (const e of batch) this.entries.push(e);
    this.appended += batch.length;
    const over = this.entries.length - this.o.maxRows;
    if (over > this.o.maxRows / 10) this.dropOldest(over);
    this.render();
  }

  /** Older lines at the start (history's "load older"); the view stays on the lines it showed. */
  prepend(batch: readonly Entry[]): void {
    if (batch.length === 0) return;
    const before = this.heights.totalHeight(this.entries.length);
    this.entries = [...batch, ...this.entries];
    this.heights.shift(-batch.length);
    // "Load older" keeps the list to maxRows too: the newest lines, furthest from what is read, go.
    const over = this.entries.length - this.o.maxRows;
    if (over > 0) this.dropNewest(over);
    const added = this.heights.totalHeight(this.entries.length) - before;
    this.updateSpacer();
    this.el.scrollTop += added;
    this.render();
  }

  clear(): void {
    this.entries = [];
    this.expanded.clear();
    this.heights.clear();
    for (const el of this.shown.values()) this.recycle(el);
    this.shown.clear();
    this.follow = true;
    this.render();
  }

  setTimes(mode: TimeMode): void {
    this.times = mode;
    this.refreshTimes();
  }

  /** Re-writes the time of the rows in view (relative times age). */
  refreshTimes(): void {
    const now = this.o.now();
    for (const [e, el] of this.shown) (el.firstChild as HTMLElement).textContent = timeText(e, this.times, now);
  }

  scrollToBottom(): void {
    this.follow = true;
    this.o.onFollowChange(true);
    this.render();
  }

  /** Rows that left the list: no longer expanded, their elements back to the pool. */
  private forget(dropped: readonly Entry[]): void {
    for (const e of dropped) {
      this.expanded.delete(e);
      const el = this.shown.get(e);
      if (el) {
        this.shown.delete(e);
        this.recycle(el);
      }
    }
  }

  private dropNewest(n: number): void {
    this.forget(this.entries.splice(this.entries.length - n, n));
    this.heights.truncate(this.entries.length);
  }

  private dropOldest(n: number): void {
    this.forget(this.entries.splice(0, n));
    const before = this.el.scrollTop;
    const removedHeight = this.heights.offsetOf(n);
    this.heights.shift(n);
    if (!this.follow) {
      this.updateSpacer();
      this.el.scrollTop = Math.max(0, before - removedHeight);
    }
  }

  private toggle(e: Entry): void {
    const i = this.entries.indexOf(e);
    if (i < 0) return;
    if (this.expanded.has(e)) {
      this.expanded.delete(e);
      this.heights.setExtra(i, 0);
    } else this.expanded.add(e);
    const el = this.shown.get(e);
    if (el) fillRow(el, e, this.times, this.o.now(), this.expanded.has(e), this.o.onAround);
    if (el && this.expanded.has(e)) this.heights.setExtra(i, el.offsetHeight - this.o.rowHeight);
    this.follow = false;
    this.o.onFollowChange(false);
    this.lastTotal = -1;
    this.render();
  }

  private queueRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  private updateSpacer(): number {
    const total = this.heights.totalHeight(this.entries.length);
    if (total !== this.lastTotal) {
      this.spacer.style.height = `${total}px`;
      this.lastTotal = total;
    }
    return total;
  }

  private recycle(el: HTMLElement): void {
    el.style.display = 'none';
    this.free.push(el);
  }

  /** Puts the rows in view in the DOM, each at its offset (which moves when rows above it change). */
  private render(): void {
    const total = this.updateSpacer();
    const viewport = this.el.clientHeight;
    if (this.follow) this.el.scrollTop = Math.max(0, total - viewport);
    const { start, end } = visibleRange(this.heights, this.entries.length, this.el.scrollTop, viewport || 800);
    const next = new Map<Entry, HTMLElement>();
    const now = this.o.now();
    for (let i = start; i < end; i++) {
      const e = this.entries[i]!;
      let el = this.shown.get(e);
      const top = this.heights.offsetOf(i);
      if (el) this.shown.delete(e);
      else {
        el = this.free.pop();
        if (!el) {
          el = newRow();
          this.spacer.append(el);
        }
        fillRow(el, e, this.times, now, this.expanded.has(e), this.o.onAround);
        el.style.display = '';
      }
      if (this.tops.get(el) !== top) {
        el.style.transform = `translateY(${top}px)`;
        this.tops.set(el, top);
      }
      next.set(e, el);
    }
    for (const el of this.shown.values()) this.recycle(el);
    this.shown = next;
    if (!this.firstLine && next.size > 0) {
      this.firstLine = true;
      performance.mark('logagg:first-line');
    }
    this.el.dataset.count = String(this.entries.length);
    this.el.dataset.appended = String(this.appended);
  }
}
