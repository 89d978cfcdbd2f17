/**
 * Lines per container for the container list: how many this process collected since it started, how
 * many carry a Docker time in the last minute (the container's logging rate, which a backfill of old
 * history does not inflate), and the newest Docker time seen. Counted by the ingest sink, which sees
 * every batch of every follower and outlives them (a follower's own count restarts with it).
 */

/** Seconds the rate is taken over. */
export const RATE_WINDOW_SECONDS = 60;
/** Containers remembered at most; beyond, the one whose lines came least recently is forgotten. */
export const MAX_CONTAINERS = 2000;

/** One container's figures, as the ingest sink answers them. */
export interface ContainerLines {
  /** Full container id. */
  id: string;
  lines: number;
  /** Lines whose Docker time lies in the last RATE_WINDOW_SECONDS, per second. */
  linesPerSecond: number;
  /** Newest Docker time collected (epoch ms). */
  lastLineMs: number;
}

interface Counts {
  lines: number;
  lastLineMs: number;
  /** Lines per Docker-time second, in a ring: slot `s % 60` holds second `seconds[slot]`. */
  perSecond: Uint32Array;
  seconds: Float64Array;
}

export class ContainerRates {
  private readonly byId = new Map<string, Counts>();

  get size(): number {
    return this.byId.size;
  }

  /** Counts `dockerMs.length` lines of container `id` collected at `nowMs`. */
  add(id: string, dockerMs: readonly number[], nowMs: number): void {
    let c = this.byId.get(id);
    if (c) this.byId.delete(id); // re-inserted last: the map stays ordered by latest batch
    else c = { lines: 0, lastLineMs: -Infinity, perSecond: new Uint32Array(RATE_WINDOW_SECONDS), seconds: new Float64Array(RATE_WINDOW_SECONDS).fill(-1) };
    this.byId.set(id, c);
    if (this.byId.size > MAX_CONTAINERS) this.byId.delete(this.byId.keys().next().value!);
    const nowS = Math.floor(nowMs / 1000);
    for (const ms of dockerMs) {
      c.lines++;
      if (ms > c.lastLineMs) c.lastLineMs = ms;
      // A Docker time ahead of our clock counts as now; one before the window only in the total.
      const s = Math.min(Math.floor(ms / 1000), nowS);
      if (!(s > nowS - RATE_WINDOW_SECONDS)) continue;
      const slot = s % RATE_WINDOW_SECONDS;
      if (c.seconds[slot] !== s) {
        c.seconds[slot] = s;
        c.perSecond[slot] = 0;
      }
      c.perSecond[slot]!++;
    }
  }

  /** Every container's figures at `nowMs`. */
  snapshot(nowMs: number): ContainerLines[] {
    const nowS = Math.floor(nowMs / 1000);
    const out: ContainerLines[] = [];
    for (const [id, c] of this.byId) {
      let recent = 0;
      for (let i = 0; i < RATE_WINDOW_SECONDS; i++) if (c.seconds[i]! > nowS - RATE_WINDOW_SECONDS && c.seconds[i]! <= nowS) recent += c.perSecond[i]!;
      out.push({ id, lines: c.lines, linesPerSecond: recent / RATE_WINDOW_SECONDS, lastLineMs: c.lastLineMs });
    }
    return out;
  }
}
