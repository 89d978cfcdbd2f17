/**
 * The live tail between the socket and the list: drops entries already seen (a reconnect asks for a
 * few recent lines again, `seq` tells them apart: the seqs seen lately are remembered, not only the
 * highest, because a tail comes in Docker-time order and seqs follow arrival at the store, so they
 * go up and down across containers), and while paused holds what arrives (bounded: the
 * newest `maxHeld`) and counts it, for "1,234 new lines" and a resume that shows them. Pure.
 */
export interface Seqd {
  seq?: number;
}

export class TailFeed<T extends Seqd> {
  private held: T[] = [];
  /** Seqs seen lately, oldest first in `seenOrder`; at most `remember` of them. */
  private seen = new Set<number>();
  private seenOrder: number[] = [];
  paused = false;
  /** Lines that arrived since the pause (also those beyond `maxHeld`). */
  arrivedWhilePaused = 0;
  /** Reconnects whose tail did not reach back to a line already seen: lines may be missing there. */
  gaps = 0;
  private checkOverlap = false;

  constructor(
    private readonly deliver: (items: T[]) => void,
    private readonly maxHeld: number,
    /** How many recent seqs are remembered to tell a re-sent line: more than a reconnect's tail asks for. */
    private readonly remember = 10_000,
  ) {}

  /**
   * The stream reconnected: its tail comes next, oldest first. When its first line is not one already
   * seen (and some were), the tail did not reach back to where the stream broke: a gap is counted.
   */
  reconnected(): void {
    this.checkOverlap = true;
  }

  /** Takes entries from the stream, in order. */
  push(items: readonly T[]): void {
    const fresh: T[] = [];
    for (const e of items) {
      if (e.seq !== undefined) {
        if (this.checkOverlap) {
          this.checkOverlap = false;
          if (!this.seen.has(e.seq) && this.seenOrder.length > 0) this.gaps++;
        }
        if (this.seen.has(e.seq)) continue;
        this.seen.add(e.seq);
        this.seenOrder.push(e.seq);
        if (this.seenOrder.length > this.remember * 1.25) for (const old of this.seenOrder.splice(0, this.seenOrder.length - this.remember)) this.seen.delete(old);
      }
      fresh.push(e);
    }
    if (fresh.length === 0) return;
    if (!this.paused) {
      this.deliver(fresh);
      return;
    }
    this.arrivedWhilePaused += fresh.length;
    for (const e of fresh) this.held.push(e);
    if (this.held.length > this.maxHeld * 1.25) this.held.splice(0, this.held.length - this.maxHeld);
  }

  pause(): void {
    this.paused = true;
  }

  /** Resumes, delivering what was held (its newest `maxHeld`); returns how many arrived meanwhile. */
  resume(): number {
    const n = this.arrivedWhilePaused;
    this.paused = false;
    this.arrivedWhilePaused = 0;
    const held = this.held.length > this.maxHeld ? this.held.slice(-this.maxHeld) : this.held;
    this.held = [];
    if (held.length) this.deliver(held);
    return n;
  }

  /** A new query: nothing seen, nothing held. */
  reset(): void {
    this.held = [];
    this.seen.clear();
    this.seenOrder = [];
    this.gaps = 0;
    this.checkOverlap = false;
    this.arrivedWhilePaused = 0;
    this.paused = false;
  }
}
