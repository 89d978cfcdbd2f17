import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createLinePipeline } from '../../actors/parse/pipeline.js';
import type { StreamName } from '../../actors/model/log-entry.js';
import { rng } from '../support/rng.js';

export interface ParseBenchResult {
  linesPerSec: number;
  lines: number;
  ms: number;
}

interface CorpusLine {
  stream: StreamName;
  text: string;
  ts: string;
}


const PATHS = ['/api/v1/users', '/api/v1/orders/8812', '/healthz', '/static/app.js', '/api/v1/search?q=lamp'];
const WORDS = ['cache', 'queue', 'worker', 'session', 'upstream', 'scheduler', 'indexer', 'billing'];
const LEVEL_NAMES = ['debug', 'info', 'info', 'info', 'warn', 'error'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** One realistic single line (80–200 bytes) in one of the formats seen on a Docker host. */
function singleLine(r: () => number, t: number): string {
  const iso = new Date(t).toISOString();
  const n = Math.floor(r() * 100000);
  const word = pick(r, WORDS);
  const path = pick(r, PATHS);
  const lv = pick(r, LEVEL_NAMES);
  switch (Math.floor(r() * 14)) {
    case 0:
      return `{"level":${pick(r, [20, 30, 30, 40, 50])},"time":${t},"pid":1,"hostname":"api-7f9c","reqId":"req-${n}","msg":"request completed","responseTime":${n % 300}}`;
    case 1:
      return `{"level":"${lv}","ts":${(t / 1000).toFixed(6)},"caller":"server/handler.go:88","msg":"handled request","method":"GET","path":"${path}","status":200}`;
    case 2:
      return `{"level":"${lv === 'warn' ? 'warning' : lv}","msg":"${word} sync finished","time":"${iso}","items":${n % 500},"component":"${word}"}`;
    case 3:
      return `{"event":"${word} job done","level":"${lv}","timestamp":"${iso}","logger":"app.${word}","job_id":${n},"duration_ms":${n % 900}}`;
    case 4:
      return `{"@t":"${iso}","@mt":"Processed order {OrderId} in {Elapsed:000} ms","OrderId":${n},"Elapsed":${n % 400},"SourceContext":"Shop.Orders"}`;
    case 5:
      return `{"@timestamp":"${iso}","log.level":"${lv}","message":"${word} connection established","service.name":"gateway","trace.id":"${n.toString(16)}abc"}`;
    case 6:
      return `time="${iso}" level=${lv} msg="${word} heartbeat ok" node=n-${n % 7} latency=${n % 50}ms`;
    case 7:
      return `level=${lv} ts=${iso} caller=${word}.go:${n % 300} msg="processed batch" size=${n % 1000} dur=${n % 90}ms`;
    case 8:
      return `${iso.slice(0, 10)} ${iso.slice(11, 19)} ${lv.toUpperCase()} [websocket-ingestion] Received state_changed event for sensor.${word}_${n % 40}`;
    case 9:
      return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)} - app.${word} - ${lv.toUpperCase()} - Finished ${word} task ${n} in ${n % 800} ms`;
    case 10:
      return `10.0.${n % 255}.${n % 200} - - [25/Oct/2025:14:30:${String(n % 60).padStart(2, '0')} +0000] "GET ${path} HTTP/1.1" 200 ${n % 9000} "-" "Mozilla/5.0 (X11; Linux x86_64)"`;
    case 11:
      return `${iso.slice(0, 10).replace(/-/g, '/')} ${iso.slice(11, 19)} ${word}: listening on :${8000 + (n % 100)}, ${n % 16} workers ready to serve requests`;
    case 12:
      // ~7% of lines carry a secret of some kind
      return pick(r, [
        `${iso} INFO connecting to postgres://app:s3cr3t-${n}@db:5432/app with pool size ${n % 20}`,
        `{"level":"info","msg":"outgoing call","url":"https://api.example.com${path}","authorization":"Bearer tok${n}abcdef","status":200}`,
        `level=debug msg="auth ok" user=u${n} api_key=ak_${n}_9f8e7d6c5b4a token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl`,
      ]);
    default:
      return `${iso} INFO ${word} token bucket refilled: ${n % 100} tokens available, password reset queue length ${n % 5}`;
  }
}

const TRACES = [
  (h: string) =>
    `${h} ERROR Failed to handle request\nTraceback (most recent call last):\n  File "/app/server.py", line 88, in handle\n    result = process(req)\n  File "/app/logic.py", line 12, in process\n    raise ValueError("bad input")\nValueError: bad input`,
  (h: string) =>
    `${h} ERROR [http-nio-8080-exec-3] c.e.Api - Unhandled\njava.lang.IllegalStateException: not ready\n\tat com.example.Api.call(Api.java:42)\n\tat com.example.Server.run(Server.java:10)\nCaused by: java.io.IOException: closed\n\tat com.example.Io.read(Io.java:5)\n\t... 2 more`,
  () =>
    `TypeError: Cannot read properties of undefined (reading 'id')\n    at handler (/app/src/routes.js:41:18)\n    at Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)\n    at next (/app/node_modules/express/lib/router/route.js:149:13)`,
  () =>
    `panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a2b1c]\n\ngoroutine 1 [running]:\nmain.(*Server).handle(0x0, {0x5b2e40, 0xc0000a2000})\n\t/app/server.go:57 +0x1c\nmain.main()\n\t/app/main.go:21 +0x85`,
];

/** Builds the mixed corpus: single lines of many formats plus ~1% trace groups, split into lines. */
export function buildCorpus(lines: number, seed = 42): CorpusLine[] {
  const r = rng(seed);
  const out: CorpusLine[] = [];
  let t = Date.UTC(2025, 9, 25, 14, 30, 0);
  while (out.length < lines) {
    t += 1 + Math.floor(r() * 5);
    const ts = new Date(t).toISOString().replace('Z', '000000Z');
    const stream: StreamName = r() < 0.8 ? 'stdout' : 'stderr';
    if (r() < 0.01) {
      const iso = new Date(t).toISOString();
      const text = pick(r, TRACES)(`${iso.slice(0, 10)} ${iso.slice(11, 23).replace('.', ',')}`);
      for (const l of text.split('\n')) out.push({ stream: 'stderr', text: l, ts });
    } else {
      out.push({ stream, text: singleLine(r, t), ts });
    }
  }
  return out.slice(0, lines);
}

function run(corpus: CorpusLine[]): number {
  const pipeline = createLinePipeline({});
  let now = 1_000_000;
  let emitted = 0;
  for (let i = 0; i < corpus.length; i++) {
    const line = corpus[i]!;
    emitted += pipeline.push(line.stream, line.text, line.ts, now).length;
    if ((i & 63) === 0) emitted += pipeline.flushDue(++now).length;
  }
  return emitted + pipeline.flush().length;
}

/**
 * Times parse + multi-line + redaction (createLinePipeline) over a mixed corpus on one core: three warm-up
 * passes, then three timed passes over the whole corpus, each on a fresh pipeline; the median pass is reported
 * (damps scheduler noise when other processes share the machine).
 */
export async function benchParse(opts: { lines?: number } = {}): Promise<ParseBenchResult> {
  const lines = opts.lines ?? 200_000;
  const corpus = buildCorpus(lines);
  const warm = corpus.slice(0, Math.min(corpus.length, 50_000));
  for (let k = 0; k < 3; k++) run(warm);
  const times: number[] = [];
  for (let k = 0; k < 3; k++) {
    await new Promise((resolve) => setImmediate(resolve));
    const t0 = performance.now();
    const emitted = run(corpus);
    times.push(performance.now() - t0);
    if (emitted <= 0) throw new Error('pipeline emitted nothing');
  }
  const ms = times.sort((a, b) => a - b)[1]!;
  return { linesPerSec: Math.round((lines / ms) * 1000), lines, ms: Math.round(ms * 10) / 10 };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2]) || undefined;
  const res = await benchParse({ lines: n });
  console.log(`parse pipeline: ${res.linesPerSec.toLocaleString('en-US')} lines/s (${res.lines} lines in ${res.ms} ms)`);
}
