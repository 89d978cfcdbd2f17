import type { EndReason, LiveClient, LiveClientStats } from './live-client.js';

/** Live clients now, and what slow ones have cost since start. */
export interface LiveStats {
  clients: LiveClientStats[];
  /** Entries dropped for slow clients. */
  dropped: number;
  /** Clients disconnected as too slow. */
  disconnectedTooSlow: number;
}

/** The server's open live clients, and the entries dropped for slow ones since start. */
export class LiveRegistry {
  private readonly clients = new Set<LiveClient>();
  private droppedTotal = 0;
  private tooSlow = 0;

  add(client: LiveClient): void {
    this.clients.add(client);
  }

  remove(client: LiveClient, reason: EndReason | undefined): void {
    this.clients.delete(client);
    if (reason === 'too slow') this.tooSlow++;
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
    return { clients: [...this.clients].map((c) => c.stats()), dropped: this.droppedTotal, disconnectedTooSlow: this.tooSlow };
  }

  /** Ends every live connection (shutdown). */
  endAll(): void {
    for (const c of [...this.clients]) c.end('server shutting down');
  }
}
