/** Shared helpers of the benchmark suite: statistics, the result table, the machine description, small waits. */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { waitFor, type Truthy } from '../rig/rig-client.js';

/** One row of the result table (and of bench-results.json). */
export interface BenchRow {
  scenario: string;
  metric: string;
  value: number | null;
  unit: string;
  /** Human-readable target, e.g. "≤ 5 ms"; '' when only reported. */
  target: string;
  /** true/false against the target; null when only reported (or the scenario failed). */
  pass: boolean | null;
  /** Extra figures: per-round values, counts, the reason of a failure. */
  detail?: Record<string, unknown>;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Nearest-rank percentile (p in 0..100) of an unsorted sample. */
export function percentile(xs: readonly number[] | Float64Array, p: number): number {
  if (xs.length === 0) return NaN;
  const s = Float64Array.from(xs).sort();
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank]!;
}

/** p50/p90/p99/max/mean of a sample, rounded to 0.01. */
export function summary(xs: readonly number[] | Float64Array): { n: number; p50: number; p90: number; p99: number; max: number; mean: number } {
  const s = Float64Array.from(xs).sort();
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
  let sum = 0;
  for (const v of s) sum += v;
  return { n: s.length, p50: round(at(50)), p90: round(at(90)), p99: round(at(99)), max: round(s[s.length - 1] ?? NaN), mean: round(sum / s.length) };
}

export function round(v: number, digits = 2): number {
  if (!Number.isFinite(v)) return v;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** A growable Float64 sample (latencies can be millions of values). */
export class Sample {
  private buf = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  values(): Float64Array {
    return this.buf.subarray(0, this.length);
  }
}

/**
 * Docker's timestamp (`2025-10-25T14:30:00.123456789Z`) in epoch milliseconds with the sub-millisecond
 * fraction kept (Date.parse drops it). The part up to the seconds is cached: consecutive lines share it.
 */
let cachedPrefix = '';
let cachedPrefixMs = 0;
export function dockerTsMs(ts: string): number {
  const prefix = ts.slice(0, 19);
  if (prefix !== cachedPrefix) {
    cachedPrefix = prefix;
    cachedPrefixMs = Date.parse(prefix + 'Z');
  }
  // Fraction: up to 9 digits after the '.', then 'Z'.
  let frac = 0;
  let scale = 1000;
  for (let i = 20; i < ts.length; i++) {
    const c = ts.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    scale /= 10;
    frac += c * scale;
  }
  return cachedPrefixMs + frac;
}

/** Wall clock in epoch ms with sub-ms resolution (performance.timeOrigin + now), for latencies against Docker's clock. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export interface MachineInfo {
  os: string;
  kernel: string;
  cpuModel: string;
  cpuCount: number;
  totalMemMb: number;
  node: string;
  docker: { client?: string; server?: string; apiVersion?: string; storageDriver?: string; loggingDriver?: string };
  date: string;
  loadavg: number[];
}

export function machineInfo(docker: MachineInfo['docker']): MachineInfo {
  const cpus = os.cpus();
  let osName = `${os.type()} ${os.release()}`;
  try {
    const r = spawnSync('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"'], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) osName = r.stdout.trim();
  } catch {
    /* keep uname */
  }
  return {
    os: osName,
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    totalMemMb: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    docker,
    date: new Date().toISOString(),
    loadavg: os.loadavg().map((v) => round(v)),
  };
}

function fmtValue(v: number | null, unit: string): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  const abs = Math.abs(v);
  if (Number.isInteger(v) && abs < 100_000) return unit ? `${v} ${unit}` : String(v);
  const s = abs >= 100_000 ? Math.round(v).toLocaleString('en-US') : abs >= 100 ? v.toFixed(0) : abs >= 10 ? v.toFixed(1) : v.toFixed(2);
  return unit ? `${s} ${unit}` : s;
}

/** The result table as fixed-width text. */
export function formatTable(rows: BenchRow[]): string {
  const head = ['scenario', 'metric', 'value', 'target', 'result'];
  const body = rows.map((r) => [r.scenario, r.metric, fmtValue(r.value, r.unit), r.target || '-', r.pass === null ? (r.target ? 'n/a' : 'report') : r.pass ? 'PASS' : 'FAIL']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-+-'), ...body.map(line)].join('\n');
}

/** Polls `fn` until it returns a truthy value; throws naming `what` after `timeoutMs` (the rig's waitFor). */
export function until<T>(fn: () => T | Promise<T>, timeoutMs: number, what: string, intervalMs = 20): Promise<Truthy<T>> {
  return waitFor(fn, { timeoutMs, what, intervalMs });
}

/** Quick mode (BENCH_QUICK=1): smaller sizes and fewer rounds, for a smoke run. */
export const QUICK = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';

/** Picks the full or the quick size. */
export function size(full: number, quick: number): number {
  return QUICK ? quick : full;
}

export function log(msg: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}
