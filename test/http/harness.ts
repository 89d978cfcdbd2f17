/** A fresh actor system with the real buffer and error actors, a discovery stand-in, and the HTTP server on an ephemeral port. */
import { bufferActor } from '../../actors/buffer-actor.js';
import type { DiscoveryMsg, DiscoveryStatus } from '../../actors/discovery-actor.js';
import { errorAlertActor } from '../../actors/error-alert-actor.js';
import type { AppendAck } from '../../actors/model/ingest-protocol.js';
import { storeActor, type StoreHealth, type StoreMsg } from '../../actors/store-actor.js';
import { ingestMetricsActor, type IngestMetricsMsg } from '../../actors/ingest-metrics-actor.js';
import { tempDataDir } from '../support/service-harness.js';
import type { Level, LogEntry, StreamName } from '../../actors/model/log-entry.js';
import { ActorSystem, ask, type ActorFactory, type ActorRef, type Clock } from '../../runtime/index.js';
import { createServer, type BufferMsg, type ErrorAlertMsg, type HttpConfig, type HttpServer, type LogsMsg } from '../../http/index.js';

export const HOUR = 3_600_000;

export const CONTAINERS = {
  api: { id: 'aaaa1111'.repeat(8), name: 'api-1', service: 'api' },
  worker: { id: 'bbbb2222'.repeat(8), name: 'worker-1', service: 'worker' },
  db: { id: 'cccc3333'.repeat(8), name: 'db-1', service: 'db' },
} as const;

export type ContainerKey = keyof typeof CONTAINERS;

/** Docker's 9-digit timestamp for an epoch ms. */
export function dockerTs(ms: number, nanos = '000000'): string {
  return new Date(ms).toISOString().replace('Z', `${nanos}Z`);
}

/** One stored entry. */
export function makeEntry(c: ContainerKey, level: Level, message: string, ms: number, extra: Partial<LogEntry> = {}): LogEntry {
  const k = CONTAINERS[c];
  const stream: StreamName = level >= 3 ? 'stderr' : 'stdout';
  return { level, message, dockerTs: dockerTs(ms), dockerMs: ms, stream, containerId: k.id, containerName: k.name, service: k.service, ...extra };
}

/** Eight entries over the last hour, oldest first: api ×4, worker ×3, db ×1. */
export function seedEntries(now: number): LogEntry[] {
  const min = 60_000;
  return [
    makeEntry('api', 2, 'GET /users 200', now - 50 * min),
    makeEntry('api', 1, 'cache hit key=42', now - 45 * min),
    makeEntry('worker', 3, 'queue depth high', now - 40 * min),
    makeEntry('worker', 4, 'Timeout talking to db after 5000 ms', now - 35 * min, { fields: { attempt: 3 } }),
    makeEntry('api', 4, 'request failed: timeout', now - 20 * min),
    makeEntry('db', 2, 'checkpoint complete', now - 15 * min, { time: new Date(now - 15 * min - 500).toISOString() }),
    makeEntry('api', 5, 'out of memory', now - 10 * min, { truncated: true }),
    makeEntry('worker', 2, 'job 7 done', now - 5 * min),
  ];
}

export const TEST_CONFIG: HttpConfig = {
  defaultLimit: 100,
  maxLimit: 1000,
  askTimeoutMs: 2000,
  version: '9.9.9-test',
  startedAt: Date.now(),
  maxClientQueue: 1000,
};

export interface HarnessOptions {
  config?: Partial<HttpConfig>;
  /** The discovery's answer, or 'silent' for one that never answers. */
  discovery?: Partial<DiscoveryStatus> | 'silent';
  /** A stand-in instead of the real buffer (e.g. one that never answers). */
  buffer?: ActorFactory<BufferMsg>;
  capacity?: number;
  /**
   * A real StoreActor in front of the buffer and the error statistics, as the service runs them:
   * entries get their seqs there; `disk` answers /logs from SQLite in a fresh DATA_DIR, `memory` from the buffer.
   */
  store?: 'disk' | 'memory';
  /** Stands between the HTTP layer and whoever answers /logs (the store or the buffer): a spy that forwards. */
  logsVia?: (target: ActorRef<LogsMsg>) => ActorFactory<LogsMsg>;
  /** The actor system's clock (and so the HTTP layer's). */
  clock?: Clock;
  retentionMs?: number;
}

export interface Harness {
  sys: ActorSystem;
  buffer: ActorRef<BufferMsg>;
  store?: ActorRef<StoreMsg>;
  ingest: ActorRef<IngestMetricsMsg>;
  errors: ActorRef<ErrorAlertMsg>;
  http: HttpServer;
  port: number;
  /** Lines the server logged as unexpected errors. */
  logged: string[];
  /** http://127.0.0.1:port */
  base: string;
  ws: string;
  /** Appends to the buffer and the error actor; resolves once the buffer has acknowledged. */
  append(entries: LogEntry[]): Promise<void>;
  close(): Promise<void>;
}

/** An actor that takes every message and never answers. */
export const silent = <M>(): ActorFactory<M> => () => ({ receive() {} });

function discoveryStandIn(status: DiscoveryStatus): ActorFactory<DiscoveryMsg> {
  return () => ({
    receive(m) {
      if (m.type === 'status') m.replyTo.tell(status);
    },
  });
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const sys = new ActorSystem(opts.clock ? { clock: opts.clock } : {});
  const retentionMs = opts.retentionMs ?? 24 * HOUR;
  const buffer = sys.spawn<BufferMsg>('buffer', opts.buffer ?? bufferActor({ capacity: opts.capacity ?? 10_000, retentionMs }));
  const errors = sys.spawn<ErrorAlertMsg>('errors', errorAlertActor({ retentionMs, edges: buffer }));
  const ingest = sys.spawn<IngestMetricsMsg>('metrics', ingestMetricsActor());
  const store = opts.store
    ? sys.spawn<StoreMsg>('store', storeActor({ mode: opts.store, dataDir: tempDataDir(), retentionMs, maxBytes: 1 << 30, downstream: [buffer, errors], rebuildTo: [errors], maxPendingBytes: 64 << 20 }))
    : undefined;
  let logs: ActorRef<LogsMsg> | undefined = opts.store === 'disk' ? store : undefined;
  if (opts.logsVia) logs = sys.spawn<LogsMsg>('logs-via', opts.logsVia(logs ?? buffer));
  const status: DiscoveryStatus = {
    connected: true,
    stalled: [],
    connects: 1,
    repeatsDropped: 0,
    containers: Object.values(CONTAINERS).map((c) => ({ ...c, image: `${c.service}:latest`, state: 'running', tty: false })),
    ...(opts.discovery === 'silent' ? {} : opts.discovery),
  };
  const discovery = sys.spawn<DiscoveryMsg>('discovery', opts.discovery === 'silent' ? silent<DiscoveryMsg>() : discoveryStandIn(status));
  const logged: string[] = [];
  const http = createServer(
    { buffer, errors, discovery, stats: () => sys.stats, log: (m) => logged.push(m), metrics: { ingest }, ...(logs ? { logs } : {}), ...(store ? { store } : {}), ...(opts.clock ? { clock: opts.clock } : {}) },
    { ...TEST_CONFIG, ...opts.config },
  );
  const { port } = await http.listen(0, '127.0.0.1');
  return {
    sys,
    buffer,
    errors,
    ingest,
    ...(store ? { store } : {}),
    http,
    port,
    logged,
    base: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    async append(entries) {
      ingest.tell({ type: 'append', entries });
      if (store) {
        await ask<StoreMsg, AppendAck>(store, (ack) => ({ type: 'append', entries, ack }), 5000);
        // Written to disk (queries read it there), and the buffer has it (the store told it first).
        for (let i = 0; ; i++) {
          const health = await ask<StoreMsg, StoreHealth>(store, (replyTo) => ({ type: 'health', replyTo }), 5000);
          if (health.committedSeq >= health.lastSeq || health.mode === 'memory') break;
          if (i > 1000) throw new Error('the store did not write the entries');
          await new Promise((r) => setTimeout(r, 5));
        }
        await ask<BufferMsg, unknown>(buffer, (replyTo) => ({ type: 'stats', replyTo }), 5000);
        return;
      }
      errors.tell({ type: 'append', entries });
      if (opts.buffer) return;
      await ask<BufferMsg, AppendAck>(buffer, (ack) => ({ type: 'append', entries, ack }), 5000);
    },
    async close() {
      await http.close();
      await sys.shutdown();
    },
  };
}
