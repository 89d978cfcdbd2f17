import type { Level, LogEntry } from '../model/log-entry.js';
import { joinIso, splitIso } from './iso-nanos.js';
import type { EntrySource } from './log-filter.js';
import { IndexedHeap } from './indexed-heap.js';
import { SeqDeque } from './seq-deque.js';
import { ENTRY_FIXED_BYTES } from '../service/budgets.js';

/** One interned (container id, name, service) tuple and the time-ordered sequence numbers of its live entries. */
export interface Source extends EntrySource {
  readonly index: number;
  readonly key: string;
  readonly entries: SeqDeque;
}

// flags column
export const F_STDERR = 1;
export const F_TRUNCATED = 2;
/** Bits 2..4: fractional digits of the own time, 0 = no own time in the columns, 1..7 = 3..9 digits. */
const TIME_SHIFT = 2;
const TIME_MASK = 7 << TIME_SHIFT;
/** The entry has a time string the columns cannot rebuild exactly: kept as is in `odd`. */
const F_ODD = 32;

const NON_LATIN1 = /[^\x00-\xff]/;

/** V8 string: 16-byte header, 1 or 2 bytes per character, 8-byte aligned. */
function stringBytes(s: string): number {
  const raw = 16 + (NON_LATIN1.test(s) ? 2 : 1) * s.length;
  return (raw + 7) & ~7;
}

/**
 * A flat copy of `s`. A message cut out of a longer line (V8 sliced string) keeps that whole line
 * alive, and a joined trace is a tree of concatenations; both cost far more than the text.
 * V8 only slices strings of 13 characters or more.
 */
function own(s: string): string {
  if (s.length < 13) return s;
  if (!NON_LATIN1.test(s)) return Buffer.from(s, 'latin1').toString('latin1');
  // UTF-8 would replace lone surrogates: only a well-formed string is copied that way.
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed() ? Buffer.from(s, 'utf8').toString('utf8') : s;
}

/** An array of `n` copies of `v`, built by push so that V8 keeps it a packed (not dictionary) array. */
function filled<T>(n: number, v: T): T[] {
  const a: T[] = [];
  for (let i = 0; i < n; i++) a.push(v);
  return a;
}

/**
 * The buffer's entries in columns on a ring indexed by sequence number (slot = seq % capacity),
 * oldest evicted first. Each source keeps a deque of its sequence numbers sorted by
 * (dockerMs, nanos, seq): the order queries merge in.
 */
export class EntryStore {
  readonly capacity: number;
  /** Docker time, epoch ms. */
  readonly dockerMs: Float64Array;
  /** Docker time below the millisecond, in ns (0..999999). */
  readonly nanos: Int32Array;
  readonly levels: Uint8Array;
  readonly flags: Uint8Array;
  readonly sourceIx: Uint32Array;
  readonly messages: string[];
  /** The store's sequence number of each entry (NaN for one that came without). */
  private readonly storeSeq: Float64Array;
  private readonly ownMs: Float64Array;
  private readonly ownSubMs: Int32Array;
  private readonly fields: (string | undefined)[];
  private readonly odd = new Map<number, { dockerTs?: string; time?: string }>();
  private readonly sourceTable: (Source | undefined)[] = [];
  private readonly sourceByKey = new Map<string, Source>();
  private readonly freeIx: number[] = [];
  /** Sources by their oldest entry: the next to evict is at the top, whatever the number of containers. */
  private readonly fronts = new IndexedHeap((a, b) => this.compare(this.sourceTable[a]!.entries.at(0), this.sourceTable[b]!.entries.at(0)) < 0);
  /** Oldest live sequence number. */
  private head = 0;
  /** Next sequence number to assign. */
  private next = 0;
  private heldStringBytes = 0;
  private sourceBytes = 0;
  private readonly fixedBytes: number;
  /** The byte bound on approxBytes (MAX_LOG_BUFFER_MB): beyond it the oldest entries are evicted. */
  readonly maxBytes: number;

  constructor(capacity: number, maxBytes = Infinity) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError('buffer capacity must be a positive integer');
    if (!(maxBytes > 0)) throw new RangeError('buffer byte bound must be positive');
    this.capacity = capacity;
    this.maxBytes = maxBytes;
    this.fixedBytes = ENTRY_FIXED_BYTES * capacity;
    this.dockerMs = new Float64Array(capacity);
    this.nanos = new Int32Array(capacity);
    this.ownMs = new Float64Array(capacity);
    this.storeSeq = new Float64Array(capacity);
    this.ownSubMs = new Int32Array(capacity);
    this.levels = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.sourceIx = new Uint32Array(capacity);
    this.messages = filled(capacity, '');
    this.fields = filled<string | undefined>(capacity, undefined);
  }

  get size(): number {
    return this.next - this.head;
  }

  slot(seq: number): number {
    return seq % this.capacity;
  }

  /** Live sources (containers with at least one entry in the buffer). */
  sources(): Source[] {
    return this.sourceTable.filter((s): s is Source => s !== undefined);
  }

  /** Negative when `a` sorts before `b` by (dockerMs, nanos, seq). */
  compare(a: number, b: number): number {
    const sa = this.slot(a);
    const sb = this.slot(b);
    return this.dockerMs[sa]! - this.dockerMs[sb]! || this.nanos[sa]! - this.nanos[sb]! || a - b;
  }

  /**
   * Adds an entry; when full, the entry oldest by Docker time goes (the new one itself, if it is the
   * oldest). Returns how many were evicted (0 or 1).
   */
  append(e: LogEntry): number {
    const dockerMs = e.dockerMs;
    const docker = splitIso(e.dockerTs);
    let evicted = 0;
    if (this.size === this.capacity) {
      const oldest = this.slot(this.oldestByTime());
      if (dockerMs < this.dockerMs[oldest]! || (dockerMs === this.dockerMs[oldest]! && (docker?.subMs ?? 0) < this.nanos[oldest]!)) return 1;
      this.evictOne();
      evicted = 1;
    }
    const src = this.intern(e);
    const seq = this.next++;
    const slot = this.slot(seq);
    let flags = (e.stream === 'stderr' ? F_STDERR : 0) | (e.truncated ? F_TRUNCATED : 0);
    let odd: { dockerTs?: string; time?: string } | undefined;

    this.dockerMs[slot] = dockerMs;
    this.storeSeq[slot] = e.seq ?? NaN;
    this.nanos[slot] = docker ? docker.subMs : 0;
    // Only a dockerTs the columns give back to the character is left to them (splitIso is strict).
    if (!docker || docker.digits !== 9 || docker.ms !== dockerMs) odd = { dockerTs: e.dockerTs };

    this.ownMs[slot] = NaN;
    if (e.time !== undefined) {
      const t = splitIso(e.time);
      if (t && t.digits >= 3) {
        this.ownMs[slot] = t.ms;
        this.ownSubMs[slot] = t.subMs;
        flags |= (t.digits - 2) << TIME_SHIFT;
      } else {
        (odd ??= {}).time = e.time;
      }
    }
    if (odd) {
      flags |= F_ODD;
      this.odd.set(seq, odd);
    }
    this.flags[slot] = flags;
    this.levels[slot] = e.level;
    this.sourceIx[slot] = src.index;
    const message = own(e.message);
    this.messages[slot] = message;
    let fields: string | undefined;
    if (e.fields !== undefined) {
      try {
        fields = JSON.stringify(e.fields);
      } catch {
        fields = undefined; // a cycle or a BigInt: cannot be kept
      }
    }
    this.fields[slot] = fields;
    this.heldStringBytes += stringBytes(message) + (fields === undefined ? 0 : stringBytes(fields));

    const q = src.entries;
    if (q.length === 0 || this.compare(q.at(q.length - 1), seq) < 0) q.push(seq);
    else q.insertAt(this.insertionPoint(q, seq), seq);
    if (q.at(0) === seq) this.fronts.update(src.index);
    // The byte bound: the oldest go until the window fits (an entry larger than the whole bound is not held at all).
    while (this.approxBytes > this.maxBytes && this.size > 0) {
      this.evictOne();
      evicted++;
    }
    return evicted;
  }

  /** Evicts, oldest Docker time first, everything before `cutoffMs`; returns how many. */
  evictBefore(cutoffMs: number): number {
    let n = 0;
    while (this.size > 0 && this.dockerMs[this.slot(this.oldestByTime())]! < cutoffMs) {
      this.evictOne();
      n++;
    }
    return n;
  }

  /** Every live sequence number, oldest arrival first. */
  all(): number[] {
    const out: number[] = [];
    for (let seq = this.head; seq < this.next; seq++) out.push(seq);
    return out;
  }

  /**
   * The live sequence number of the entry the store numbered `storeSeq`, or -1. A scan of one typed
   * column (eviction moves entries between slots, so store numbers are not in ring order): about a
   * tenth of a millisecond for 100,000 entries, for a request a person makes.
   */
  findStoreSeq(storeSeq: number): number {
    for (let seq = this.head; seq < this.next; seq++) if (this.storeSeq[this.slot(seq)] === storeSeq) return seq;
    return -1;
  }

  /** Rebuilds the entry stored under `seq` (which must be live). */
  entry(seq: number): LogEntry {
    const slot = this.slot(seq);
    const src = this.sourceTable[this.sourceIx[slot]!]!;
    const flags = this.flags[slot]!;
    const odd = flags & F_ODD ? this.odd.get(seq) : undefined;
    const dockerMs = this.dockerMs[slot]!;
    const storeSeq = this.storeSeq[slot]!;
    const out: LogEntry = {
      ...(Number.isNaN(storeSeq) ? {} : { seq: storeSeq }),
      dockerTs: odd?.dockerTs ?? joinIso(dockerMs, this.nanos[slot]!, 9)!,
      dockerMs,
      stream: flags & F_STDERR ? 'stderr' : 'stdout',
      containerId: src.containerId,
      containerName: src.containerName,
      service: src.service,
      level: this.levels[slot] as Level,
      message: this.messages[slot]!,
    };
    const digits = (flags & TIME_MASK) >> TIME_SHIFT;
    const time = odd?.time ?? (digits ? joinIso(this.ownMs[slot]!, this.ownSubMs[slot]!, digits + 2) : undefined);
    if (time !== undefined) out.time = time;
    const fields = this.fields[slot];
    if (fields !== undefined) out.fields = JSON.parse(fields) as Record<string, unknown>;
    if (flags & F_TRUNCATED) out.truncated = true;
    return out;
  }

  /** Oldest and newest Docker time held, or undefined when empty. */
  timeRange(): { oldestMs: number; newestMs: number } | undefined {
    let oldest = Infinity;
    let newest = -Infinity;
    for (const s of this.sourceTable) {
      if (!s || s.entries.length === 0) continue;
      oldest = Math.min(oldest, this.dockerMs[this.slot(s.entries.at(0))]!);
      newest = Math.max(newest, this.dockerMs[this.slot(s.entries.at(s.entries.length - 1))]!);
    }
    return oldest <= newest ? { oldestMs: oldest, newestMs: newest } : undefined;
  }

  /**
   * Rough bytes held, the figure the byte bound applies to: typed columns, string slots and the
   * per-source indexes at full capacity (fixed), the strings, the odd times, the sources.
   */
  get approxBytes(): number {
    return this.fixedBytes + this.heldStringBytes + this.odd.size * 160 + this.sourceBytes;
  }

  /**
   * The live entry with the oldest Docker time: the earliest front of the per-container deques
   * (each is in time order). Arrival order differs from time order while history is read at startup.
   */
  private oldestByTime(): number {
    const top = this.fronts.peek();
    return top < 0 ? -1 : this.sourceTable[top]!.entries.at(0);
  }

  /**
   * Evicts the entry oldest by time. The ring stays contiguous: the oldest arrival (the head) moves
   * into the freed slot, taking the evicted entry's sequence number, and the head advances.
   */
  private evictOne(): void {
    const victim = this.oldestByTime();
    this.drop(victim);
    const head = this.head++;
    if (victim !== head) this.move(head, victim);
  }

  private drop(seq: number): void {
    const slot = this.slot(seq);
    const src = this.sourceTable[this.sourceIx[slot]!]!;
    const q = src.entries;
    const i = q.at(0) === seq ? 0 : q.indexFromFront(seq);
    if (i >= 0) q.removeAt(i);
    if (q.length === 0) this.release(src);
    else if (i === 0) this.fronts.update(src.index);
    const fields = this.fields[slot];
    this.heldStringBytes -= stringBytes(this.messages[slot]!) + (fields === undefined ? 0 : stringBytes(fields));
    this.messages[slot] = '';
    this.fields[slot] = undefined;
    if (this.flags[slot]! & F_ODD) this.odd.delete(seq);
  }

  /** Moves a live entry from sequence number `from` to the free `to`, keeping its deque in time order. */
  private move(from: number, to: number): void {
    const a = this.slot(from);
    const b = this.slot(to);
    this.dockerMs[b] = this.dockerMs[a]!;
    this.storeSeq[b] = this.storeSeq[a]!;
    this.nanos[b] = this.nanos[a]!;
    this.ownMs[b] = this.ownMs[a]!;
    this.ownSubMs[b] = this.ownSubMs[a]!;
    this.levels[b] = this.levels[a]!;
    this.flags[b] = this.flags[a]!;
    this.sourceIx[b] = this.sourceIx[a]!;
    this.messages[b] = this.messages[a]!;
    this.fields[b] = this.fields[a];
    this.messages[a] = '';
    this.fields[a] = undefined;
    const odd = this.odd.get(from);
    if (odd) {
      this.odd.delete(from);
      this.odd.set(to, odd);
    }
    const src = this.sourceTable[this.sourceIx[b]!]!;
    const q = src.entries;
    const i = q.indexFromFront(from);
    if (i >= 0) q.removeAt(i);
    q.insertAt(this.insertionPoint(q, to), to);
    this.fronts.update(src.index);
  }

  /** First position in `q` whose entry sorts after `seq`. */
  private insertionPoint(q: SeqDeque, seq: number): number {
    let lo = 0;
    let hi = q.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(q.at(mid), seq) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private intern(e: LogEntry): Source {
    const key = e.containerId + '\n' + e.containerName + '\n' + e.service;
    let src = this.sourceByKey.get(key);
    if (!src) {
      const index = this.freeIx.pop() ?? this.sourceTable.length;
      src = { index, key, containerId: e.containerId, containerName: e.containerName, service: e.service, entries: new SeqDeque() };
      this.sourceTable[index] = src;
      this.sourceByKey.set(key, src);
      this.sourceBytes += 200 + 2 * key.length;
    }
    return src;
  }

  /** A source without entries is forgotten, so that short-lived containers do not pile up. */
  private release(src: Source): void {
    this.fronts.delete(src.index);
    this.sourceByKey.delete(src.key);
    this.sourceBytes -= 200 + 2 * src.key.length;
    this.sourceTable[src.index] = undefined;
    this.freeIx.push(src.index);
  }
}
