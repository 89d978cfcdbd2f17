/**
 * Log generators that run inside the busybox test image: one awk program (busybox awk is fast: ~500k
 * lines/s) with a seeded generator of realistic lines, 80–200 bytes, mixing JSON (pino, zap, structlog,
 * Serilog, ECS) and plain formats (logfmt, Python logging, nginx access, Go log, plain text).
 *
 * The program travels in the environment variable PROG, so that no shell quoting is involved.
 */

/** Shared line generator. `info` forces INFO lines without any word that makes the multi-line joiner wait. */
const LINE_FN = String.raw`
function iso(ms,   s) {
  s = int(ms / 1000)
  if (s != cs) { cs = s; cstr = strftime("%Y-%m-%dT%H:%M:%S", s) }
  return cstr sprintf(".%03dZ", ms % 1000)
}
function line(i,   r, k, n, w, p, lv, t, ts, LV) {
  t = base + i
  n = int(rand() * 100000)
  w = W[int(rand() * 8)]
  p = P[int(rand() * 5)]
  r = rand()
  if (info) lv = "info"
  else lv = (r < 0.05) ? "error" : (r < 0.10) ? "warn" : (r < 0.25) ? "debug" : "info"
  LV = toupper(lv)
  ts = iso(t)
  k = int(rand() * 12)
  if (k == 0) return sprintf("{\"level\":%d,\"time\":%.0f,\"pid\":1,\"hostname\":\"api-7f9c\",\"reqId\":\"req-%d\",\"msg\":\"request completed\",\"responseTime\":%d}", NUM[lv], t, n, n % 300)
  if (k == 1) return sprintf("{\"level\":\"%s\",\"ts\":%.6f,\"caller\":\"server/handler.go:88\",\"msg\":\"handled request\",\"method\":\"GET\",\"path\":\"%s\",\"status\":200}", lv, t / 1000, p)
  if (k == 2) return sprintf("{\"event\":\"%s job done\",\"level\":\"%s\",\"timestamp\":\"%s\",\"logger\":\"app.%s\",\"job_id\":%d,\"duration_ms\":%d}", w, lv, ts, w, n, n % 900)
  if (k == 3) return sprintf("{\"@t\":\"%s\",\"@l\":\"%s\",\"@mt\":\"Processed order {OrderId} in {Elapsed} ms\",\"OrderId\":%d,\"Elapsed\":%d,\"SourceContext\":\"Shop.Orders\"}", ts, SER[lv], n, n % 400)
  if (k == 4) return sprintf("{\"@timestamp\":\"%s\",\"log.level\":\"%s\",\"message\":\"%s connection established\",\"service.name\":\"gateway\",\"trace.id\":\"%x\"}", ts, lv, w, n)
  if (k == 5) return sprintf("time=\"%s\" level=%s msg=\"%s heartbeat ok\" node=n-%d latency=%dms user_id=%d", ts, lv, w, n % 7, n % 50, n)
  if (k == 6) return sprintf("%s %s,%03d - app.%s.tasks - %s - Finished %s task %d in %d ms (worker %d)", substr(ts, 1, 10), substr(ts, 12, 8), t % 1000, w, LV, w, n, n % 800, n % 8)
  if (k == 7) return sprintf("10.0.%d.%d - - [24/Nov/2026:04:30:%02d +0000] \"GET %s HTTP/1.1\" 200 %d \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\"", n % 255, n % 200, n % 60, p, n % 9000)
  if (k == 8) return sprintf("%s %s [websocket-ingestion] Received state_changed event for sensor.%s_%d", ts, LV, w, n % 40)
  if (k == 9) return sprintf("%s %s: listening on :%d, %d workers ready to serve requests (pid %d)", substr(ts, 1, 19), w, 8000 + n % 100, n % 16, n)
  if (k == 10) {
    if (lv == "error") return sprintf("%s ERROR %s request timeout after %d ms: upstream connection reset (attempt %d of 3)", ts, w, n % 5000, n % 3 + 1)
    return sprintf("%s %s connecting to postgres://app:s3cr3t-%d@db:5432/app with pool size %d", ts, LV, n, n % 20)
  }
  return sprintf("%s %s %s token bucket refilled: %d tokens available, queue length %d", ts, LV, w, n % 100, n % 5)
}
function setup() {
  srand(seed)
  split("cache queue worker session upstream scheduler indexer billing", WW, " ")
  for (j = 0; j < 8; j++) W[j] = WW[j + 1]
  split("/api/v1/users /api/v1/orders/8812 /healthz /static/app.js /api/v1/search?q=lamp", PP, " ")
  for (j = 0; j < 5; j++) P[j] = PP[j + 1]
  NUM["debug"] = 20; NUM["info"] = 30; NUM["warn"] = 40; NUM["error"] = 50
  SER["debug"] = "Debug"; SER["info"] = "Information"; SER["warn"] = "Warning"; SER["error"] = "Error"
}
`;

/** Prints `total` lines as fast as possible, then the marker line. Variables: seed, base (epoch ms), total, tag, info. */
const FLOOD_PROG =
  LINE_FN +
  String.raw`
BEGIN {
  setup()
  for (i = 1; i <= total; i++) print line(i)
  printf "%s INFO bench flood complete marker=%s lines=%d\n", iso(base + total), tag, total
  fflush()
}
`;

/**
 * Prints `rate` lines per second (paced against /proc/uptime, 10 ms resolution, one stdin line per tick from
 * a `usleep` loop), `total` lines in all (0: forever), then the marker line.
 */
const RATE_PROG =
  LINE_FN +
  String.raw`
function now(   up, a) {
  getline up < "/proc/uptime"
  close("/proc/uptime")
  split(up, a, " ")
  return a[1]
}
BEGIN { setup(); t0 = now(); n = 0 }
{
  due = int((now() - t0) * rate)
  if (total > 0 && due > total) due = total
  while (n < due) { n++; print line(n) }
  fflush()
  if (total > 0 && n >= total) {
    printf "%s INFO bench stream complete marker=%s lines=%d\n", iso(base + total), tag, total
    fflush()
    exit
  }
}
`;

export interface FloodOptions {
  lines: number;
  tag: string;
  seed?: number;
  /** INFO lines only, no word the multi-line joiner waits on. */
  info?: boolean;
  /** Seconds to wait before the flood (lets the service open its follow stream on a still empty log). */
  delaySec?: number;
}

/** `Cmd` script and `Env` of a container that floods `lines` lines then prints the marker line and exits. */
export function floodScript(o: FloodOptions): { script: string; env: string[] } {
  return {
    script: `${o.delaySec ? `sleep ${o.delaySec}; ` : ''}exec awk -v seed=${o.seed ?? 42} -v base=${Date.now()} -v total=${o.lines} -v tag=${o.tag} -v info=${o.info ? 1 : 0} "$PROG"`,
    env: [`PROG=${FLOOD_PROG}`],
  };
}

export interface RateOptions {
  rate: number;
  /** Lines in all (0: until stopped). */
  total: number;
  tag: string;
  seed?: number;
  info?: boolean;
  /** Delay before the first line, in seconds (lets subscribers connect). */
  delaySec?: number;
  tickUs?: number;
  /** Seconds the container stays up after its last line (followers that lag still read to the end). */
  holdSec?: number;
}

/** `Cmd` script and `Env` of a container that prints `rate` lines/s. */
export function rateScript(o: RateOptions): { script: string; env: string[] } {
  const tick = o.tickUs ?? 10_000;
  return {
    script:
      `${o.delaySec ? `sleep ${o.delaySec}; ` : ''}` +
      `while :; do echo; usleep ${tick}; done | awk -v seed=${o.seed ?? 7} -v base=${Date.now()} -v rate=${o.rate} -v total=${o.total} -v tag=${o.tag} -v info=${o.info ? 1 : 0} "$PROG"` +
      `${o.holdSec ? `; sleep ${o.holdSec}` : ''}`,
    env: [`PROG=${RATE_PROG}`],
  };
}

/** The marker the generators print last (search for it). */
export function markerOf(tag: string): string {
  return `marker=${tag}`;
}

/** For a local check of the generator without Docker: the raw awk programs. */
export const PROGRAMS = { FLOOD_PROG, RATE_PROG };
