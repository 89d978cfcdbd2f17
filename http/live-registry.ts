import type { EndReason, LiveBudget, LiveClient, LiveClientStats } from './live-client.js';

/** Live clients now, and what slow ones have cost since start. */
export interface LiveStats {
  clients: LiveClientStats[];
  /** Entries dropped for slow clients. */
  dropped: number;
  /** Clients disconnected as too slow (their own bounds, or shed for the shared budget). */
  disconnectedTooSlow: number;
  /** Of those, clients shed because the live queues together reached MAX_LIVE_BYTES. */
  shed: number;
  /** Bytes pending for all live clients together, its highest value, and its bound (MAX_LIVE_BYTES). */
  bytes: number;
  peakBytes: number;
  maxBytes: number;
}

/**
 * The server's open live clients, the entries dropped for slow ones since start, and the one memory
 * budget every live queue draws from (MAX_LIVE_BYTES). When a client needs room the budget does not
 * have, the clients furthest behind (most bytes pending) are shed first, as too slow; a client that
 * is itself the furthest behind gets no room and drops instead (its `dropped` notice follows).
 */
export class LiveRegistry implements LiveBudget {
  private readonly clients = new Set<LiveClient>();
  private droppedTotal = 0;
  private tooSlow = 0;
  private shedCount = 0;
  private used = 0;
  private peak = 0;

  constructor(readonly maxBytes = Infinity) {}

  add(client: LiveClient): void {
    this.clients.add(client);
  }

  remove(client: LiveClient, reason: EndReason | undefined): void {
    this.clients.delete(client);
    if (reason === 'too slow') this.tooSlow++;
  }

  reserve(client: LiveClient, bytes: number): boolean {
    while (this.used + bytes > this.maxBytes) {
      let furthest: LiveClient | undefined;
      for (const c of this.clients) if (c.alive && (!furthest || c.backlogBytes > furthest.backlogBytes)) furthest = c;
      if (!furthest || furthest === client || furthest.backlogBytes === 0 || furthest.backlogBytes <= client.backlogBytes) return false;
      this.shedCount++;
      furthest.end('too slow');
      this.clients.delete(furthest);
    }
    this.used += bytes;
    if (this.used > this.peak) this.peak = this.used;
    return true;
  }

  release(bytes: number): void {
    this.used -= bytes;
  }

  /** Counts entries dropped for a slow client. */
  countDropped(n: number): void {
    this.droppedTotal += n;
  }

  get dropped(): number {
    return this.droppedTotal;
  }

  get size(): number {
    return this.clients.size;
  }

  stats(): LiveStats {
    return {
      clients: [...this.clients].map((c) => c.stats()),
      dropped: this.droppedTotal,
      disconnectedTooSlow: this.tooSlow,
      shed: this.shedCount,
      bytes: this.used,
      peakBytes: this.peak,
      maxBytes: this.maxBytes,
    };
  }

  /** Ends every live connection (shutdown). */
  endAll(): void {
    for (const c of [...this.clients]) c.end('server shutting down');
  }
}
