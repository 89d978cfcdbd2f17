import type { StreamName } from '../model/log-entry.js';
import { dockerTsToSince } from './docker-timestamp.js';

/** How far one stream has been read: its last Docker timestamp and how many messages carried it. */
export interface StreamPosition {
  ts: string;
  atTs: number;
}

export type CursorPositions = Partial<Record<StreamName, StreamPosition>>;

const STREAMS: StreamName[] = ['stdout', 'stderr'];

/** A copy that shares no position object with `p` (positions are updated in place). */
export function clonePositions(p: CursorPositions): CursorPositions {
  const out: CursorPositions = {};
  for (const s of STREAMS) {
    const q = p[s];
    if (q) out[s] = { ts: q.ts, atTs: q.atTs };
  }
  return out;
}

/**
 * Where a container's collection stands, per stream: stdout and stderr are stamped by separate
 * copiers, so one stream's last timestamp can be ahead of a line of the other not yet delivered.
 * A reopened stream starts at the earlier of the two (Docker's `since` is inclusive and filters
 * out anything older), and each stream skips exactly what it had already seen.
 */
export class ResumeCursor {
  private readonly at: Record<StreamName, StreamPosition>;
  private readonly replaying: Record<StreamName, number> = { stdout: 0, stderr: 0 };

  constructor(positions: CursorPositions = {}) {
    this.at = {
      stdout: { ts: positions.stdout?.ts ?? '', atTs: positions.stdout?.atTs ?? 0 },
      stderr: { ts: positions.stderr?.ts ?? '', atTs: positions.stderr?.atTs ?? 0 },
    };
  }

  /** A copy of the positions of the streams seen so far. */
  get positions(): CursorPositions {
    const out: CursorPositions = {};
    for (const s of STREAMS) if (this.at[s].ts) out[s] = { ...this.at[s] };
    return out;
  }

  /**
   * Copies one stream's position into `into` (in place when it has one already): called once per
   * line, so it allocates only the first time. Nothing before anything was seen on the stream.
   */
  copyPosition(stream: StreamName, into: CursorPositions): void {
    const p = this.at[stream];
    if (!p.ts) return;
    const t = into[stream];
    if (t) {
      t.ts = p.ts;
      t.atTs = p.atTs;
    } else into[stream] = { ts: p.ts, atTs: p.atTs };
  }

  /** The latest Docker timestamp seen on either stream ('' before anything). */
  get ts(): string {
    return this.at.stdout.ts > this.at.stderr.ts ? this.at.stdout.ts : this.at.stderr.ts;
  }

  /** The `since` to reopen with (the earlier stream's position), or undefined before anything was seen. */
  get since(): string | undefined {
    const seen = STREAMS.map((s) => this.at[s].ts).filter(Boolean).sort();
    return seen[0] ? dockerTsToSince(seen[0]) : undefined;
  }

  /**
   * Call when a stream is (re)opened from `since`: what each stream had seen comes again and is
   * skipped. Without `replay` (a re-read from further back, checked message by message) nothing is.
   */
  reopen(replay = true): void {
    for (const s of STREAMS) this.replaying[s] = replay && this.at[s].ts ? this.at[s].atTs + 1 : 0;
  }

  /**
   * Decides whether a message is new, and advances its stream's position when it is. `repeated`
   * is asked only about a message the reopen replay does not account for: true drops it unseen.
   */
  accept(ts: string, stream: StreamName, repeated?: () => boolean): boolean {
    const p = this.at[stream];
    if (this.replaying[stream] > 0) {
      // Replayed from an earlier `since`: older than this stream's position means seen.
      if (ts < p.ts) return false;
      if (ts === p.ts && this.replaying[stream] > 1) {
        this.replaying[stream]--;
        return false;
      }
      this.replaying[stream] = 0;
    }
    if (repeated?.()) return false;
    // Live, a timestamp a hair older than the position (a clock step) is kept, and the position stays.
    if (ts === p.ts) p.atTs++;
    else if (ts > p.ts) {
      p.ts = ts;
      p.atTs = 1;
    }
    return true;
  }
}
