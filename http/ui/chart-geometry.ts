/** Where the error chart's lines go: per service, a polyline of errors per bucket on a shared scale. Pure. */
export interface BucketsReply {
  bucket_seconds: number;
  since: string;
  until: string;
  services: { service: string; buckets: { start: string; lines: number; errors: number }[] }[];
}

export interface ChartLine {
  service: string;
  /** SVG path data. */
  d: string;
  errors: number;
  lines: number;
  /** Errors per minute over the whole range. */
  perMinute: number;
  /** Errors / lines, 0..1. */
  rate: number;
}

export interface Chart {
  lines: ChartLine[];
  /** The largest bucket count (the top of the scale, at least 1). */
  max: number;
  startMs: number;
  endMs: number;
}

/** Lays the reply out in a `width` × `height` box; buckets are placed by start time, so gaps stay gaps. */
export function chartGeometry(r: BucketsReply, width: number, height: number): Chart {
  const startMs = Date.parse(r.since);
  const endMs = Math.max(startMs + 1, Date.parse(r.until));
  const span = endMs - startMs;
  let max = 1;
  for (const s of r.services) for (const b of s.buckets) max = Math.max(max, b.errors);
  const bucketMs = r.bucket_seconds * 1000;
  const minutes = span / 60_000;
  const x = (ms: number): number => Math.round(((ms - startMs) / span) * width * 10) / 10;
  const y = (n: number): number => Math.round((height - (n / max) * height) * 10) / 10;
  const lines = r.services.map((s) => {
    let errors = 0;
    let lines = 0;
    const pts: string[] = [];
    for (const b of s.buckets) {
      errors += b.errors;
      lines += b.lines;
      const mid = Date.parse(b.start) + bucketMs / 2;
      pts.push(`${pts.length === 0 ? 'M' : 'L'}${x(Math.min(mid, endMs))},${y(b.errors)}`);
    }
    return { service: s.service, d: pts.join(' '), errors, lines, perMinute: minutes > 0 ? errors / minutes : 0, rate: lines > 0 ? errors / lines : 0 };
  });
  lines.sort((a, b) => b.errors - a.errors || a.service.localeCompare(b.service));
  return { lines, max, startMs, endMs };
}

/**
 * A bucket size giving about `target` buckets over a range: a readable step that is a multiple of the
 * statistics' width (`widthSeconds`: 60 s unless a long retention widened it; the API names it when it
 * refuses a bucket).
 */
export function bucketSeconds(rangeMs: number, target = 60, widthSeconds = 60): number {
  const steps = [60, 120, 300, 600, 900, 1800, 3600, 7200, 3 * 3600, 6 * 3600, 12 * 3600, 86400];
  const want = Math.max(rangeMs / 1000 / target, widthSeconds);
  const step = steps.find((s) => s >= want && s % widthSeconds === 0);
  return step ?? Math.ceil(want / widthSeconds) * widthSeconds;
}

/** The statistics' width from the API's refusal of a bucket ("must be a multiple of 420 seconds"), if it says. */
export function widthFromRefusal(message: string): number | undefined {
  const m = /multiple of (\d+) seconds/.exec(message);
  return m ? Number(m[1]) : undefined;
}
