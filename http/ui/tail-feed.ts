/**
 * The live tail between the socket and the list: drops entries already seen (a reconnect asks for a
 * few recent lines again, `seq` tells them apart), and while paused holds what arrives (bounded: the
 * newest `maxHeld`) and counts it, for "1,234 new lines" and a resume that shows them. Pure.
 */
export interface Seqd {
  seq?: number;
}

export class TailFeed<T extends Seqd> {
  private held: T[] = [];
  private lastSeq = 0;
  paused = false;
  /** Lines that arrived since the pause (also those beyond `maxHeld`). */
  arrivedWhilePaused = 0;

  constructor(
    private readonly deliver: (items: T[]) => void,
    private readonly maxHeld: number,
  ) {}

  /** Takes entries from the stream, in order. */
  push(items: readonly T[]): void {
    const fresh: T[] = [];
    for (const e of items) {
      if (e.seq !== undefined) {
        if (e.seq <= this.lastSeq) continue;
        this.lastSeq = e.seq;
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
    this.lastSeq = 0;
    this.arrivedWhilePaused = 0;
  }
}
