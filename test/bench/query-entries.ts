/**
 * Realistic stored entries for the query bench: 8 services with 2–3 containers each (uneven traffic), INFO
 * mostly, ~15% DEBUG, ~8% WARNING, ~5% ERROR (a few CRITICAL) with exception-like messages, a third with own
 * time, a fifth with structured fields. Docker times are spread over the last `spanMs` up to `endMs`.
 */
import { createHash } from 'node:crypto';
import { Level, type LogEntry } from '../../actors/model/log-entry.js';
import { rng } from '../support/rng.js';

const SERVICES = [
  { name: 'api', containers: 3, weight: 30 },
  { name: 'websocket-ingestion', containers: 2, weight: 20 },
  { name: 'worker', containers: 3, weight: 15 },
  { name: 'gateway', containers: 2, weight: 12 },
  { name: 'auth', containers: 2, weight: 8 },
  { name: 'billing', containers: 2, weight: 6 },
  { name: 'scheduler', containers: 2, weight: 5 },
  { name: 'indexer', containers: 2, weight: 4 },
];

const PATHS = ['/api/v1/users', '/api/v1/orders', '/api/v1/search', '/healthz', '/api/v1/sessions', '/static/app.js'];
const WORDS = ['cache', 'queue', 'worker', 'session', 'upstream', 'scheduler', 'indexer', 'billing'];
const ERRORS = [
  (n: number) => `ValueError: invalid literal for int() with base 10: 'x${n % 97}'`,
  (n: number) => `TimeoutError: upstream request timeout after ${1000 + (n % 4000)} ms (attempt ${n % 3 + 1})`,
  (n: number) => `java.lang.IllegalStateException: connection pool exhausted (active=${n % 50}, max=50)`,
  (n: number) => `ConnectionRefusedError: [Errno 111] Connection refused to db-${n % 3}:5432`,
  (n: number) => `KeyError: 'user_${n % 1000}' not found in session cache`,
  (n: number) => `TypeError: Cannot read properties of undefined (reading 'id') at handler (/app/src/routes.js:${n % 200}:18)`,
];

export interface QueryEntrySet {
  entries: LogEntry[];
  services: string[];
  /** Fraction of entries whose message contains "timeout" (case-insensitive). */
  timeoutShare: number;
  errorShare: number;
}

export function makeQueryEntries(count: number, endMs: number, spanMs: number, seed = 1234): QueryEntrySet {
  const r = rng(seed);
  const containers = SERVICES.flatMap((s) =>
    Array.from({ length: s.containers }, (_, k) => ({
      service: s.name,
      name: `${s.name}-${k + 1}`,
      id: createHash('sha256').update(`bench-${s.name}-${k}`).digest('hex'),
      weight: s.weight / s.containers,
    })),
  );
  const totalWeight = containers.reduce((a, c) => a + c.weight, 0);
  const pickContainer = () => {
    let x = r() * totalWeight;
    for (const c of containers) if ((x -= c.weight) < 0) return c;
    return containers[containers.length - 1]!;
  };
  const entries: LogEntry[] = new Array(count);
  const start = endMs - spanMs;
  let timeouts = 0;
  let errors = 0;
  for (let i = 0; i < count; i++) {
    const ms = start + Math.floor((i * spanMs) / count);
    const nanos = Math.floor(r() * 1e6);
    const dockerTs = new Date(ms).toISOString().slice(0, 23) + String(nanos).padStart(6, '0') + 'Z';
    const c = pickContainer();
    const n = Math.floor(r() * 1e6);
    const x = r();
    let level: Level;
    let message: string;
    let fields: Record<string, unknown> | undefined;
    const w = WORDS[n % WORDS.length]!;
    const path = PATHS[n % PATHS.length]!;
    if (x < 0.05) {
      level = x < 0.004 ? Level.CRITICAL : Level.ERROR;
      message = `Unhandled error in ${w} handler: ${ERRORS[n % ERRORS.length]!(n)}`;
      errors++;
    } else if (x < 0.13) {
      level = Level.WARNING;
      message = `${w} latency above threshold: ${200 + (n % 800)} ms for ${path} (retrying, budget ${n % 5} left)`;
    } else if (x < 0.28) {
      level = Level.DEBUG;
      message = `${w} cache lookup key=${w}:${n % 10000} hit=${n % 3 === 0} size=${n % 4096} bytes`;
    } else {
      level = Level.INFO;
      message =
        n % 3 === 0
          ? `request completed method=GET path=${path}/${n % 1000} status=200 duration_ms=${n % 300} user_id=${n % 50000}`
          : n % 3 === 1
            ? `Received state_changed event for sensor.${w}_${n % 40}: ${n % 100}.${n % 10} -> ${(n + 7) % 100}.${n % 10}`
            : `${w} job ${n} finished in ${n % 900} ms, ${n % 50} items processed, next run in ${n % 60} s`;
    }
    if (n % 5 === 0) fields = { user_id: n % 50000, method: 'GET', status: 200, duration_ms: n % 500, logger: `app.${w}` };
    if (/timeout/i.test(message)) timeouts++;
    const e: LogEntry = {
      dockerTs,
      dockerMs: ms,
      stream: level >= Level.WARNING ? 'stderr' : 'stdout',
      containerId: c.id,
      containerName: c.name,
      service: c.service,
      level,
      message,
    };
    if (i % 3 === 0) e.time = new Date(ms - 2).toISOString();
    if (fields) e.fields = fields;
    entries[i] = e;
  }
  return { entries, services: SERVICES.map((s) => s.name), timeoutShare: timeouts / count, errorShare: errors / count };
}
