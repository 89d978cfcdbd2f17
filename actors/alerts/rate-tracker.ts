/**
 * Error-rate spikes per service: errors in the last minute ≥ the threshold and ≥ 3× the service's
 * median errors per minute over the previous hour. Counts by Docker time, in one-second buckets for
 * the sliding minute and one-minute buckets for the hour's median. History feeds the counts too, so
 * that the median after a restart is the real one. Pure; times passed in.
 */

const SECOND = 1000;
const MINUTE = 60_000;
const HOUR_MINUTES = 60;

interface ServiceRate {
  /** second bucket → errors */
  seconds: Map<number, number>;
  /** minute bucket → errors */
  minutes: Map<number, number>;
}

export interface RateVerdict {
  service: string;
  lastMinute: number;
  median: number;
}

export class RateTracker {
  private readonly services = new Map<string, ServiceRate>();

  constructor(
    private readonly thresholdPerMin: number,
    private readonly factor = 3,
  ) {}

  record(service: string, dockerMs: number, count = 1): void {
    let s = this.services.get(service);
    if (!s) this.services.set(service, (s = { seconds: new Map(), minutes: new Map() }));
    const sec = Math.floor(dockerMs / SECOND);
    s.seconds.set(sec, (s.seconds.get(sec) ?? 0) + count);
    const min = Math.floor(dockerMs / MINUTE);
    s.minutes.set(min, (s.minutes.get(min) ?? 0) + count);
  }

  /** Errors of `service` whose Docker time lies in the minute up to `nowMs`. */
  lastMinute(service: string, nowMs: number): number {
    const s = this.services.get(service);
    if (!s) return 0;
    const to = Math.floor(nowMs / SECOND);
    let n = 0;
    for (const [sec, c] of s.seconds) if (sec > to - 60 && sec <= to) n += c;
    return n;
  }

  /** Median errors per minute over the hour before the last minute (minutes without errors count as 0). */
  median(service: string, nowMs: number): number {
    const s = this.services.get(service);
    if (!s) return 0;
    const cur = Math.floor((nowMs - MINUTE) / MINUTE);
    const vals: number[] = [];
    for (let m = cur - HOUR_MINUTES + 1; m <= cur; m++) vals.push(s.minutes.get(m) ?? 0);
    vals.sort((a, b) => a - b);
    const mid = vals.length >> 1;
    return vals.length % 2 ? vals[mid]! : (vals[mid - 1]! + vals[mid]!) / 2;
  }

  /** Services spiking now. */
  spiking(nowMs: number): RateVerdict[] {
    const out: RateVerdict[] = [];
    for (const service of this.services.keys()) {
      const v = this.verdict(service, nowMs);
      if (v) out.push(v);
    }
    return out;
  }

  /** The service's figures when it spikes, else undefined. */
  verdict(service: string, nowMs: number): RateVerdict | undefined {
    const lastMinute = this.lastMinute(service, nowMs);
    if (lastMinute < this.thresholdPerMin) return undefined;
    const median = this.median(service, nowMs);
    return lastMinute >= this.factor * median ? { service, lastMinute, median } : undefined;
  }

  /** Forgets buckets older than the hour and a minute; services without any. */
  prune(nowMs: number): void {
    const minSec = Math.floor(nowMs / SECOND) - 120;
    const minMin = Math.floor(nowMs / MINUTE) - HOUR_MINUTES - 2;
    for (const [name, s] of this.services) {
      for (const k of s.seconds.keys()) if (k < minSec) s.seconds.delete(k);
      for (const k of s.minutes.keys()) if (k < minMin) s.minutes.delete(k);
      if (s.seconds.size === 0 && s.minutes.size === 0) this.services.delete(name);
    }
  }
}
