/** Restart delays: exponential from baseMs up to maxMs, spread by ±jitter, reset after a stable period. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Fraction (0–1) by which a delay is randomly shortened or lengthened, so that siblings do not retry in step. */
  jitter: number;
  /** A child that has run this long since its last start is considered healthy again: the next delay starts from baseMs. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 100, maxMs: 30_000, jitter: 0.2, resetAfterMs: 60_000 };

/** Delay before restart number `attempt` (0-based), given a uniform random number in [0, 1). */
export function backoffDelay(attempt: number, options: BackoffOptions, random: number): number {
  const raw = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 52));
  return Math.max(0, Math.round(raw * (1 + options.jitter * (2 * random - 1))));
}

/** Sliding window of restart times: `record` says whether more than `max` fell within `periodMs`. */
export class RestartWindow {
  private times: number[] = [];

  constructor(
    readonly max: number,
    readonly periodMs: number,
  ) {}

  /** Records a restart at `now`; true when the intensity is exceeded. */
  record(now: number): boolean {
    this.times = this.times.filter((t) => now - t < this.periodMs);
    this.times.push(now);
    return this.times.length > this.max;
  }

  get count(): number {
    return this.times.length;
  }
}
