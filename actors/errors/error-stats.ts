import type { ErrorSummary } from '../error-summary.js';
import { Level, type LogEntry } from '../parse/log-entry.js';
import { BucketSeries } from './bucket-series.js';
import { fingerprintId, groupKey } from './fingerprint.js';

const MINUTE = 60_000;
/** Buckets per retention window at most: one-minute buckets up to a 24 h retention, wider beyond. */
const MAX_BUCKETS = 1440;
export const DEFAULT_MAX_FINGERPRINTS = 500;
export const MAX_SAMPLE = 500;
export const TOP_EXCEPTIONS = 20;

// Service series columns.
const LINES = 0;
const ERRORS = 1;
const LAST_ERROR = 2;

/** One group of like errors. */
interface Group {
  id: string;
  type: string;
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

  /**
   * The summary of [sinceMs, untilMs] (default: the whole retention up to now), to bucket precision.
   * Without `untilMs`, entries stamped a little ahead of our clock count too.
   */
  summary(nowMs: number, sinceMs?: number, untilMs?: number): ErrorSummary {
    const since = Math.max(sinceMs ?? -Infinity, nowMs - this.retentionMs);
    const until = untilMs ?? Math.max(nowMs, since);
    const first = Math.floor(since / this.bucketMs);
    const last = untilMs === undefined ? Infinity : Math.floor(until / this.bucketMs);

    let totalLines = 0;
    let totalErrors = 0;
    const perService: ErrorSummary['services_with_errors'] = [];
    if (since <= until) {
      for (const [service, series] of this.services) {
        let lines = 0;
        let errors = 0;
        let lastError = -Infinity;
        const [from, to] = series.rows(first, last);
        const v = series.vals;
        for (let r = from; r < to; r++) {
          const o = r * series.width;
          lines += v[o + LINES]!;
          errors += v[o + ERRORS]!;
          if (v[o + ERRORS]! > 0 && v[o + LAST_ERROR]! > lastError) lastError = v[o + LAST_ERROR]!;
        }
        totalLines += lines;
        totalErrors += errors;
        if (errors > 0) perService.push({ service, error_count: errors, line_count: lines, error_rate: errors / lines, last_error_at: iso(lastError) });
      }
    }
    perService.sort((a, b) => b.error_count - a.error_count || (a.service < b.service ? -1 : 1));

    const top: (ErrorSummary['top_exceptions'][number] & { lastMs: number })[] = [];
    if (since <= until) {
      for (const g of this.groups.values()) {
        const [from, to] = g.counts.rows(first, last);
        let count = 0;
        for (let r = from; r < to; r++) count += g.counts.vals[r]!;
        if (count === 0) continue;
        top.push({
          fingerprint: g.id,
          type: g.type,
          sample: g.sample,
          count,
          services: [...g.services].sort(),
          first_seen: iso(g.firstSeenMs),
          last_seen: iso(g.lastSeenMs),
          lastMs: g.lastSeenMs,
        });
      }
    }
    top.sort((a, b) => b.count - a.count || b.lastMs - a.lastMs);

    return {
      total_errors: totalErrors,
      total_lines: totalLines,
      error_rate: totalLines > 0 ? totalErrors / totalLines : 0,
      window: { since: iso(since), until: iso(until) },
      services_with_errors: perService,
      top_exceptions: top.slice(0, TOP_EXCEPTIONS).map(({ lastMs: _, ...t }) => t),
    };
  }

  private recordError(e: LogEntry, bucket: number): void {
    const { key, type } = groupKey(e.message);
    let g = this.groups.get(key);
    if (g) {
      this.groups.delete(key); // re-inserted below: most recently seen last
    } else {
      if (this.groups.size >= this.maxGroups) {
        const oldest = this.groups.keys().next();
        if (!oldest.done) this.groups.delete(oldest.value);
      }
      g = { id: fingerprintId(key), type, sample: '', firstSeenMs: e.dockerMs, lastSeenMs: e.dockerMs, services: new Set(), counts: new BucketSeries(1) };
    }
    this.groups.set(key, g);
    g.counts.vals[g.counts.row(bucket)]!++;
    g.services.add(e.service);
    g.sample = sampleOf(e.message);
    if (e.dockerMs < g.firstSeenMs) g.firstSeenMs = e.dockerMs;
    if (e.dockerMs > g.lastSeenMs) g.lastSeenMs = e.dockerMs;
  }
}
