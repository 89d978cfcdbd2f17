/**
 * Fills the buffer's entry store with realistic entries and reports the memory they take.
 * Run: `npx tsc -p . && node --expose-gc dist/test/bench/buffer-memory.js [count]` (default 100000).
 */
import { pathToFileURL } from 'node:url';
import { EntryStore } from '../../actors/buffer/entry-store.js';
import { Level, type LogEntry } from '../../actors/model/log-entry.js';
import { rng } from '../support/rng.js';

export interface BufferMemoryResult {
  entries: number;
  /** Growth of V8 heap + array buffers per entry, after a full GC. */
  measuredBytesPerEntry: number;
  /** The store's own estimate (BufferStats.approxBytes) per entry. */
  approxBytesPerEntry: number;
  rssMb: number;
}

const WORDS = ['cache', 'queue', 'worker', 'session', 'upstream', 'scheduler', 'indexer', 'billing', 'request', 'timeout'];
const T0 = Date.UTC(2025, 9, 25, 14, 30, 0);


/**
 * Entry i of a 50-container host: a ~120-character message cut out of a longer raw line (as the
 * parser does), a third with an own time, a fifth with a few structured fields.
 */
function entry(r: () => number, i: number): LogEntry {
  const c = i % 50;
  const ms = T0 + Math.floor(i / 10);
  const nanos = Math.floor(r() * 1e6);
  const dockerTs = new Date(ms).toISOString().slice(0, 23) + String(nanos).padStart(6, '0') + 'Z';
  let msg = `${WORDS[i % 10]} ${WORDS[(i * 7) % 10]} id=${Math.floor(r() * 1e9)} path=/api/v1/${WORDS[(i * 3) % 10]}/${i}`;
  while (msg.length < 120) msg += ' ' + WORDS[Math.floor(r() * 10)];
  const raw = `${dockerTs} ${new Date(ms).toISOString()} INFO [main] ${msg.slice(0, 120)}`;
  const e: LogEntry = {
    dockerTs,
    dockerMs: ms,
    stream: i % 9 === 0 ? 'stderr' : 'stdout',
    containerId: c.toString(16).padStart(64, 'a'),
    containerName: `svc${c % 10}-${c}`,
    service: `svc${c % 10}`,
    level: (i % 13 === 0 ? Level.ERROR : Level.INFO) as Level,
    message: raw.slice(raw.length - 120),
  };
  if (i % 3 === 0) e.time = new Date(ms - 3).toISOString();
  if (i % 5 === 0) e.fields = { user_id: Math.floor(r() * 1e6), method: 'GET', status: 200, duration_ms: Math.floor(r() * 500) };
  return e;
}

function used(): number {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Fills a store of `count` entries; needs `--expose-gc` for a meaningful figure. */
export function measureBufferMemory(count = 100_000): BufferMemoryResult {
  const r = rng(42);
  const before = used();
  const store = new EntryStore(count);
  for (let i = 0; i < count; i++) store.append(entry(r, i));
  const after = used();
  const result = {
    entries: store.size,
    measuredBytesPerEntry: Math.round((after - before) / count),
    approxBytesPerEntry: Math.round(store.approxBytes / count),
    rssMb: Math.round(process.memoryUsage().rss / 1e6),
  };
  // Keep the store alive until measured.
  if (store.size !== count) throw new Error('store lost entries');
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (!(globalThis as { gc?: unknown }).gc) console.warn('run with node --expose-gc for an accurate figure');
  console.log(JSON.stringify(measureBufferMemory(Number(process.argv[2] ?? 100_000))));
}
