/**
 * Bounds the page queries answered at once (a query, its page in memory, its JSON on the way out):
 * the rest wait here, first come first served, and each still gets its answer. Four 8 MB pages at
 * once would otherwise hold four pages and their serialisations together.
 */
export class QueryQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly concurrency: number) {
    if (!(concurrency >= 1)) throw new RangeError('a query queue runs at least one query at a time');
  }

  /** Queries running and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
