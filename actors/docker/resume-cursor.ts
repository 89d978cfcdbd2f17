import { dockerTsToSince } from './docker-timestamp.js';

/**
 * Where a container's collection stands: the last Docker timestamp seen and how many messages
 * carried exactly that timestamp. Docker's `since` is inclusive, so a reopened stream repeats
 * those messages; the cursor skips exactly that many, and nothing else.
 */
export class ResumeCursor {
  private skipLeft = 0;

  constructor(
    public ts = '',
    public atTs = 0,
  ) {}

  /** The `since` to reopen with, or undefined before anything was seen. */
  get since(): string | undefined {
    return this.ts ? dockerTsToSince(this.ts) : undefined;
  }

  /** Call when a stream is (re)opened from `since`: the next `atTs` messages at `ts` are repeats. */
  reopen(): void {
    this.skipLeft = this.atTs;
  }

  /** Decides whether a message is new, and advances the cursor past it when it is. */
  accept(ts: string): boolean {
    if (this.skipLeft > 0) {
      if (ts === this.ts) {
        this.skipLeft--;
        return false;
      }
      this.skipLeft = 0;
    }
    // Docker timestamps sort as text (fixed width, UTC). stdout and stderr are stamped by separate
    // copiers, so a live message may be a hair older than the cursor: keep it, keep the cursor.
    if (ts === this.ts) this.atTs++;
    else if (ts > this.ts) {
      this.ts = ts;
      this.atTs = 1;
    }
    return true;
  }
}
