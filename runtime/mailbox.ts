import type { OverflowPolicy } from './events.js';

/** Capacity and overflow policy of a mailbox; no capacity means unbounded. */
export interface MailboxOptions {
  capacity?: number;
  overflow?: OverflowPolicy;
}

/** What happened to a pushed message. */
export type PushResult = { accepted: true; dropped?: unknown } | { accepted: false; dropped: unknown };

/**
 * FIFO queue on a growable ring, so that shift is O(1) at high message rates.
 * When full, applies the overflow policy: drop the incoming message, drop the oldest, or reject.
 */
export class Mailbox<M> {
  private buf: (M | undefined)[] = new Array(16);
  private head = 0;
  private count = 0;
  readonly capacity: number;
  readonly overflow: OverflowPolicy;

  constructor(options: MailboxOptions = {}) {
    this.capacity = options.capacity ?? Infinity;
    this.overflow = options.overflow ?? 'drop-newest';
    if (!(this.capacity > 0)) throw new RangeError('mailbox capacity must be positive');
  }

  get size(): number {
    return this.count;
  }

  /** Adds a message, applying the overflow policy when the mailbox is full. */
  push(msg: M): PushResult {
    if (this.count >= this.capacity) {
      if (this.overflow === 'drop-oldest') {
        const dropped = this.shift();
        this.append(msg);
        return { accepted: true, dropped };
      }
      return this.overflow === 'reject' ? { accepted: false, dropped: msg } : { accepted: true, dropped: msg };
    }
    this.append(msg);
    return { accepted: true };
  }

  /** Removes and returns the oldest message. */
  shift(): M | undefined {
    if (this.count === 0) return undefined;
    const msg = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) % this.buf.length;
    this.count--;
    return msg;
  }

  /** Empties the mailbox, returning what it held in order. */
  drain(): M[] {
    const out: M[] = [];
    while (this.count > 0) out.push(this.shift() as M);
    return out;
  }

  private append(msg: M): void {
    if (this.count === this.buf.length) {
      const bigger: (M | undefined)[] = new Array(this.buf.length * 2);
      for (let i = 0; i < this.count; i++) bigger[i] = this.buf[(this.head + i) % this.buf.length];
      this.buf = bigger;
      this.head = 0;
    }
    this.buf[(this.head + this.count) % this.buf.length] = msg;
    this.count++;
  }
}
