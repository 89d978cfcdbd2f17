import type { StreamName } from '../model/log-entry.js';

/**
 * Why: Docker 20.10's json-file follow re-sends a stretch of messages after every rotation (its
 * `follow.go` takes the new, smaller file for a truncated one and reads it again from offset 0),
 * so one follow stream can carry the same message twice. A timestamp rule cannot tell those
 * repeats apart: the host clock may step back (NTP) and new lines then carry older timestamps.
 * So a follower remembers the messages it recently accepted, per stream, and drops exactly those
 * that come again. The key counts occurrences (the n-th message of this stream with this Docker
 * timestamp and content), so identical lines stamped alike are all kept; a line that is not in
 * the memory is new, however old its timestamp.
 *
 * Occurrences are counted within a run of messages with one timestamp. The engine stamps each
 * line afresh (`time.Now()` per line in daemon/logger/copier.go; the pieces of a line split at
 * 16 KiB share the first piece's stamp), so a run also ends where a line ends when no other line
 * can carry its stamp: after a split line, and after any line once the host's clock has shown
 * itself finer than a microsecond (a stamp not ending in 000 ns: two lines stamped apart cannot
 * get the same nanosecond). A message with that stamp after the line's end is then sent again:
 * counting starts afresh and it is found. On a coarse clock identical lines can share a stamp and
 * are counted apart; the one case left undecidable there is the engine repeating exactly the line
 * just before (kept: a new line is never dropped).
 *
 * Within a split line, a piece identical to an earlier piece of the line is the engine's repeat
 * (counting starts afresh there too), unless the piece repeats itself with a period that divides
 * 16 KiB (a run of one character, a short pattern): only such content gives a line equal pieces.
 *
 * The same memory serves a re-read: 20.10's follow can also skip messages around a rotation
 * (it reopens the file by name, missing a file rotated away meanwhile). Read again from the oldest
 * remembered stamp, what the memory does not hold is a message the follow stream never delivered.
 */

/**
 * Accepted messages remembered per stream. Repeats came 1–4 messages back in the rotation tests
 * (a reader that keeps up) and ~240 back in the report behind issue 10 (a lagging reader): 1024
 * is 4× that, at ~110 bytes a message (112 KB for a full stream, measured with V8's heap).
 */
export const REPEAT_MEMORY = 1024;

interface Run {
  ts: string;
  /** Occurrences of each (length, content hash) in this run. */
  seen: Map<string, number>;
  /** The last message ended a line no other line can share the stamp of: the next message with this stamp starts a new run. */
  closed: boolean;
  pieces: number;
}

/** Per stream: the keys of the last `capacity` accepted messages, oldest overwritten first. */
class Memory {
  private readonly ring: string[];
  /** The stamp of each key in `ring` (a key starts with it), kept apart so that no key is sliced per message. */
  private readonly ringTs: string[];
  private readonly index = new Map<string, number>();
  private next = 0;
  /** The latest stamp of a message no longer remembered (evicted, or collected by an earlier follower). */
  floor = '';
  /** The latest stamp accepted. */
  newest = '';
  readonly run: Run = { ts: '', seen: new Map(), closed: false, pieces: 0 };

  constructor(private readonly capacity: number) {
    this.ring = new Array<string>(capacity);
    this.ringTs = new Array<string>(capacity);
  }

  /** How many messages ago `key` was accepted, or -1 when it is not remembered. */
  age(key: string): number {
    const at = this.index.get(key);
    return at === undefined ? -1 : this.next - at;
  }

  add(key: string, ts: string): void {
    const slot = this.next % this.capacity;
    const old = this.ring[slot];
    if (old !== undefined) {
      if (this.index.get(old) === this.next - this.capacity) this.index.delete(old);
      if (this.ringTs[slot]! > this.floor) this.floor = this.ringTs[slot]!;
    }
    this.ring[slot] = key;
    this.ringTs[slot] = ts;
    this.index.set(key, this.next++);
    if (ts > this.newest) this.newest = ts;
  }

  earliest(): string | undefined {
    let min: string | undefined;
    for (const at of this.index.values()) {
      const ts = this.ringTs[at % this.capacity]!;
      if (min === undefined || ts < min) min = ts;
    }
    return min;
  }
}

/** A Docker timestamp (`…T14:30:00.123456789Z`) whose last three digits show a clock finer than a microsecond. */
function fineStamp(ts: string): boolean {
  return ts.length === 30 && ts.slice(26, 29) !== '000';
}

/** Whether a piece repeats itself with a period dividing 16 KiB (a power of two), as a line of `aaaa…` does. */
function periodicPiece(bytes: Uint8Array): boolean {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let p = 1; p < b.length; p *= 2) if (b.subarray(p).equals(b.subarray(0, b.length - p))) return true;
  return false;
}

/** FNV-1a over the bytes: a repeat is byte-identical, and the key also holds the timestamp and the length. */
function hash(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

export class RepeatFilter {
  private readonly memory: Record<StreamName, Memory>;
  /** The engine's clock has stamped a line with sub-microsecond digits: no two lines share a stamp. */
  private fineClock = false;
  /** Messages dropped as repeats. */
  dropped = 0;
  /** Messages a re-read found, older than the newest accepted: the follow stream had skipped them. */
  recovered = 0;
  /** The farthest back (in accepted messages of its stream) a dropped repeat's original was. */
  farthest = 0;

  constructor(capacity = REPEAT_MEMORY) {
    this.memory = { stdout: new Memory(capacity), stderr: new Memory(capacity) };
  }

  /**
   * Call for each message that would otherwise be accepted, in stream order (`complete`: it ends
   * a line). True: it repeats one already accepted, drop it. False: it is new and now remembered.
   */
  repeated(stream: StreamName, ts: string, bytes: Uint8Array, complete: boolean): boolean {
    const m = this.memory[stream];
    const key = this.key(m, ts, bytes, complete);
    const age = m.age(key);
    if (age > 0) {
      this.dropped++;
      if (age > this.farthest) this.farthest = age;
      return true;
    }
    m.add(key, ts);
    return false;
  }

  /** The messages collected before this filter existed, up to these stamps: a re-read cannot tell them from missed ones. */
  collectedUpTo(positions: Partial<Record<StreamName, { ts: string }>>): void {
    for (const s of ['stdout', 'stderr'] as const) {
      const ts = positions[s]?.ts;
      if (ts && ts > this.memory[s].floor) this.memory[s].floor = ts;
    }
  }

  /** Where a re-read checked against the memory starts: the earliest stamp remembered on either stream. */
  recheckFrom(): string | undefined {
    const a = this.memory.stdout.earliest();
    const b = this.memory.stderr.earliest();
    return a === undefined ? b : b === undefined || a < b ? a : b;
  }

  /**
   * The re-read's counterpart of `repeated`: true for a message collected already (or at or before
   * the stamp where the memory ends, which cannot be told); false for a new one, now remembered:
   * counted in `recovered` when older than the newest accepted (the follow stream missed it).
   */
  known(stream: StreamName, ts: string, bytes: Uint8Array, complete: boolean): boolean {
    const m = this.memory[stream];
    const key = this.key(m, ts, bytes, complete);
    if (m.age(key) > 0 || ts <= m.floor) return true;
    if (ts < m.newest) this.recovered++;
    m.add(key, ts);
    return false;
  }

  /** The message's key: its stamp, content and occurrence in the current run (see the top of this file). */
  private key(m: Memory, ts: string, bytes: Uint8Array, complete: boolean): string {
    if (!this.fineClock && fineStamp(ts)) this.fineClock = true;
    const run = m.run;
    const content = `${complete ? '' : '+'}${bytes.length}:${hash(bytes)}`;
    const pieceAgain = !complete && run.ts === ts && run.seen.has(content) && !periodicPiece(bytes);
    if (run.ts !== ts || run.closed || pieceAgain) {
      run.ts = ts;
      run.seen.clear();
      run.closed = false;
      run.pieces = 0;
    }
    const n = (run.seen.get(content) ?? 0) + 1;
    run.seen.set(content, n);
    if (complete) {
      run.closed = run.pieces > 0 || this.fineClock;
      run.pieces = 0;
    } else run.pieces++;
    // join() makes one flat string; a template literal would keep a tree of its parts alive (~2× the bytes).
    return [ts, content, n].join(' ');
  }
}
