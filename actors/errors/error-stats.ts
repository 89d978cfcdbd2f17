import type { ErrorSummary } from '../error-summary.js';
import { Level, type LogEntry } from '../model/log-entry.js';
import { BucketSeries } from './bucket-series.js';
import { fingerprintId, groupKey } from './fingerprint.js';

const MINUTE = 60_000;
/** Buckets per retention window at most: one-minute buckets up to a 24 h retention, wider beyond. */
const MAX_BUCKETS = 1440;
export const DEFAULT_MAX_FINGERPRINTS = 500;
export const MAX_SAMPLE = 500;
export const TOP_EXCEPTIONS = 20;
/** Buckets one series of `buckets` may have at most (a chart's width, and a bound on the answer). */
export const MAX_SERIES_BUCKETS = 1000;

/** What `buckets` is asked: a window of Docker time (ms, inclusive), a bucket width (default the statistics'), some services (default all). */
export interface BucketsQuery {
  sinceMs: number;
  untilMs: number;
  bucketMs?: number;
  services?: string[];
}

/**
 * Line and error counts per service in contiguous buckets of `bucketMs`, the first starting at
 * `sinceMs`, the last ending at `untilMs` (exclusive); `lines[i]` and `errors[i]` are bucket i's.
 */
export interface BucketCounts {
  bucketMs: number;
  sinceMs: number;
  untilMs: number;
  services: { service: string; lines: number[]; errors: number[] }[];
}

export type BucketsReply = { ok: true; result: BucketCounts } | { ok: false; parameter: string; error: string };

// Service series columns.
const LINES = 0;
const ERRORS = 1;
const LAST_ERROR = 2;

/** One group of like errors. */
interface Group {
  id: string;
  /** Absent when the messages name no exception type. */
  type?: string;
  sample: string;
  firstSeenMs: number;
  lastSeenMs: number;
  services: Set<string>;
  counts: BucketSeries;
}

export interface ErrorStatsOptions {
  retentionMs: number;
  maxFingerprints?: number;
}

/** A copy of at most MAX_SAMPLE characters that does not keep a long message alive. */
function sampleOf(message: string): string {
  if (message.length <= MAX_SAMPLE) return message;
  let cut = MAX_SAMPLE;
  const c = message.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--; // do not split a surrogate pair
  return JSON.parse(JSON.stringify(message.slice(0, cut))) as string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Line and error counts per service and groups of like errors, in time buckets by Docker time
 * (one minute wide for retentions up to 24 h) kept for the retention window, so that a summary of
 * any window within it is answered from counters. At most `maxFingerprints` groups are kept,
 * dropping the least recently seen.
 */
export class ErrorStats {
  readonly bucketMs: number;
  private readonly retentionMs: number;
  private readonly maxGroups: number;
  private readonly services = new Map<string, BucketSeries>();
  /** Groups by key, least recently seen first (a hit moves a group to the end). */
  private readonly groups = new Map<string, Group>();

  constructor(opts: ErrorStatsOptions) {
    this.retentionMs = opts.retentionMs;
    this.maxGroups = Math.max(1, opts.maxFingerprints ?? DEFAULT_MAX_FINGERPRINTS);
    this.bucketMs = Math.max(MINUTE, Math.ceil(opts.retentionMs / MAX_BUCKETS / MINUTE) * MINUTE);
  }

  get fingerprintCount(): number {
    return this.groups.size;
  }

  /** Counts entries; ones already past retention at `nowMs` are ignored. */
  record(entries: readonly LogEntry[], nowMs: number): void {
    const cutoff = nowMs - this.retentionMs;
    for (const e of entries) {
      if (!(e.dockerMs >= cutoff)) continue;
      const bucket = Math.floor(e.dockerMs / this.bucketMs);
      let series = this.services.get(e.service);
      if (!series) this.services.set(e.service, (series = new BucketSeries(3)));
      const row = series.row(bucket);
      const v = series.vals;
      v[row + LINES]!++;
      if (e.level < Level.ERROR) continue;
      v[row + ERRORS]!++;
      if (!(v[row + LAST_ERROR]! >= e.dockerMs)) v[row + LAST_ERROR] = e.dockerMs;
      this.recordError(e, bucket);
    }
  }

  /** Drops buckets, services and groups that have left the retention window. */
  prune(nowMs: number): void {
    const first = Math.floor((nowMs - this.retentionMs) / this.bucketMs);
    for (const [service, series] of this.services) {
      series.dropBefore(first);
      if (series.length === 0) this.services.delete(service);
    }
    for (const [key, g] of this.groups) {
      g.counts.dropBefore(first);
      if (g.counts.length === 0) this.groups.delete(key);
    }
  }

  /** The window a summary covers: the request clipped to the retention; `until` undefined means "up to now and a little beyond". */
  private window(nowMs: number, sinceMs?: number, untilMs?: number): { since: number; until: number; open: boolean } {
    const since = Math.max(sinceMs ?? -Infinity, nowMs - this.retentionMs);
    return { since, until: untilMs ?? Math.max(nowMs, since), open: untilMs === undefined };
  }

  /**
   * The parts of a summary's window that do not fill whole buckets, as inclusive [sinceMs, untilMs]
   * Docker-time ranges: the lines there must be counted one by one (see `summary`'s `edges`).
   */
  edgeRanges(nowMs: number, sinceMs?: number, untilMs?: number): { sinceMs: number; untilMs: number }[] {
    const w = this.window(nowMs, sinceMs, untilMs);
    if (w.since > w.until) return [];
    const W = this.bucketMs;
    const firstFull = Math.ceil(w.since / W) * W;
    if (w.open) return firstFull > w.since ? [{ sinceMs: w.since, untilMs: firstFull - 1 }] : [];
    const lastFullEnd = Math.floor((w.until + 1) / W) * W; // buckets ending before this lie within the window (Docker times are whole ms)
    if (firstFull >= lastFullEnd) return [{ sinceMs: w.since, untilMs: w.until }];
    const out: { sinceMs: number; untilMs: number }[] = [];
    if (firstFull > w.since) out.push({ sinceMs: w.since, untilMs: firstFull - 1 });
    if (w.until >= lastFullEnd) out.push({ sinceMs: lastFullEnd, untilMs: w.until });
    return out;
  }

  /**
   * The summary of [sinceMs, untilMs] (default: the whole retention up to now). With `edges` (every line
   * whose Docker time lies in `edgeRanges`), exact to the millisecond: whole buckets from the counters,
   * the partial ones from those lines. Without, the window is rounded out to whole buckets and the
   * `precision` says so. Without `untilMs`, entries stamped a little ahead of our clock count too.
   */
  summary(nowMs: number, sinceMs?: number, untilMs?: number, edges?: readonly LogEntry[], inexactReason = 'the lines at the window\'s edges are no longer held one by one'): ErrorSummary {
    const { since, until, open } = this.window(nowMs, sinceMs, untilMs);
    const W = this.bucketMs;
    const exact = edges !== undefined;
    // Whole buckets inside the window when exact; else every bucket the window touches.
    const first = exact ? Math.ceil(since / W) : Math.floor(since / W);
    const last = open ? Infinity : exact ? Math.floor((until + 1) / W) - 1 : Math.floor(until / W);

    const edge = new Map<string, { lines: number; errors: number; lastError: number }>();
    const edgeGroups = new Map<string, number>();
    if (exact && since <= until) {
      for (const e of edges) {
        if (!(e.dockerMs >= since && e.dockerMs <= until)) continue;
        const b = Math.floor(e.dockerMs / W);
        if (b >= first && b <= last) continue; // counted by its bucket
        let s = edge.get(e.service);
        if (!s) edge.set(e.service, (s = { lines: 0, errors: 0, lastError: -Infinity }));
        s.lines++;
        if (e.level < Level.ERROR) continue;
        s.errors++;
        if (e.dockerMs > s.lastError) s.lastError = e.dockerMs;
        const { key } = groupKey(e.message);
        edgeGroups.set(key, (edgeGroups.get(key) ?? 0) + 1);
      }
    }

    let totalLines = 0;
    let totalErrors = 0;
    const perService: ErrorSummary['services_with_errors'] = [];
    if (since <= until) {
      for (const service of new Set([...this.services.keys(), ...edge.keys()])) {
        const series = this.services.get(service);
        const fromEdge = edge.get(service);
        let lines = fromEdge?.lines ?? 0;
        let errors = fromEdge?.errors ?? 0;
        let lastError = fromEdge?.lastError ?? -Infinity;
        if (series) {
          const [from, to] = series.rows(first, last);
          const v = series.vals;
          for (let r = from; r < to; r++) {
            const o = r * series.width;
            lines += v[o + LINES]!;
            errors += v[o + ERRORS]!;
            if (v[o + ERRORS]! > 0 && v[o + LAST_ERROR]! > lastError) lastError = v[o + LAST_ERROR]!;
          }
        }
        totalLines += lines;
        totalErrors += errors;
        if (errors > 0) perService.push({ service, error_count: errors, line_count: lines, error_rate: errors / lines, last_error_at: iso(lastError) });
      }
    }
    perService.sort((a, b) => b.error_count - a.error_count || (a.service < b.service ? -1 : 1));

    const top: (ErrorSummary['top_exceptions'][number] & { lastMs: number })[] = [];
    if (since <= until) {
      for (const [key, g] of this.groups) {
        const [from, to] = g.counts.rows(first, last);
        let count = edgeGroups.get(key) ?? 0;
        for (let r = from; r < to; r++) count += g.counts.vals[r]!;
        if (count === 0) continue;
        const item: ErrorSummary['top_exceptions'][number] & { lastMs: number } = {
          fingerprint: g.id,
          sample: g.sample,
          count,
          services: [...g.services].sort(),
          first_seen: iso(g.firstSeenMs),
          last_seen: iso(g.lastSeenMs),
          lastMs: g.lastSeenMs,
        };
        if (g.type !== undefined) item.type = g.type;
        top.push(item);
      }
    }
    top.sort((a, b) => b.count - a.count || b.lastMs - a.lastMs);

    const countedSince = exact ? since : Math.min(since, first * W);
    const countedUntil = exact || open ? until : Math.max(until, (last + 1) * W - 1);
    const roundedOut = countedSince !== since || countedUntil !== until;
    return {
      total_errors: totalErrors,
      total_lines: totalLines,
      error_rate: totalLines > 0 ? totalErrors / totalLines : 0,
      window: { since: iso(since), until: iso(until) },
      precision: !roundedOut
        ? { exact: true }
        : { exact: false, bucket_seconds: W / 1000, counted: { since: iso(countedSince), until: iso(countedUntil) }, reason: inexactReason },
      services_with_errors: perService,
      top_exceptions: top.slice(0, TOP_EXCEPTIONS).map(({ lastMs: _, ...t }) => t),
    };
  }

  /**
   * The counts of every service with lines in the window (or of those asked for), in buckets of a
   * multiple of the statistics' width aligned to it since the epoch, empty ones included: whole
   * buckets, so the first may start before `sinceMs`. The window starts no earlier than the retention.
   */
  buckets(nowMs: number, q: BucketsQuery): BucketsReply {
    const W = this.bucketMs;
    const B = q.bucketMs ?? W;
    if (!(B >= W && Number.isInteger(B / W))) return { ok: false, parameter: 'bucket', error: `bucket: must be a multiple of ${W / 1000} seconds (the statistics' bucket width); got ${B / 1000}` };
    const k = B / W;
    const first = Math.floor(Math.max(q.sinceMs, nowMs - this.retentionMs) / B);
    const last = Math.floor(q.untilMs / B);
    const n = Math.max(0, last - first + 1);
    if (n > MAX_SERIES_BUCKETS) return { ok: false, parameter: 'bucket', error: `bucket: the window holds ${n} buckets of ${B / 1000} seconds; at most ${MAX_SERIES_BUCKETS}: widen bucket or narrow since/until` };
    const services: BucketCounts['services'] = [];
    for (const service of [...(q.services ?? this.services.keys())].sort()) {
      const series = this.services.get(service);
      if (!series || n === 0) continue;
      const [from, to] = series.rows(first * k, (last + 1) * k - 1);
      const lines = new Array<number>(n).fill(0);
      const errors = new Array<number>(n).fill(0);
      let total = 0;
      for (let r = from; r < to; r++) {
        const i = Math.floor(series.bucketAt(r) / k) - first;
        const o = r * series.width;
        lines[i]! += series.vals[o + LINES]!;
        errors[i]! += series.vals[o + ERRORS]!;
        total += series.vals[o + LINES]!;
      }
      if (total > 0) services.push({ service, lines, errors });
    }
    return { ok: true, result: { bucketMs: B, sinceMs: first * B, untilMs: (first + n) * B, services } };
  }

  private recordError(e: LogEntry, bucket: number): void {
    const { key, type, named } = groupKey(e.message);
    let g = this.groups.get(key);
    if (g) {
      this.groups.delete(key); // re-inserted below: most recently seen last
    } else {
      if (this.groups.size >= this.maxGroups) {
        const oldest = this.groups.keys().next();
        if (!oldest.done) this.groups.delete(oldest.value);
      }
      g = { id: fingerprintId(key), ...(named === false ? {} : { type }), sample: '', firstSeenMs: e.dockerMs, lastSeenMs: e.dockerMs, services: new Set(), counts: new BucketSeries(1) };
    }
    this.groups.set(key, g);
    g.counts.vals[g.counts.row(bucket)]!++;
    g.services.add(e.service);
    g.sample = sampleOf(e.message);
    if (e.dockerMs < g.firstSeenMs) g.firstSeenMs = e.dockerMs;
    if (e.dockerMs > g.lastSeenMs) g.lastSeenMs = e.dockerMs;
  }
}
