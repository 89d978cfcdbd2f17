import PQueue from 'p-queue';
import { ActorSystem, ask, startChild, supervisor, systemClock, type ActorRef, type Clock, type SupervisorMsg } from '../runtime/index.js';
import { deliveryActor, type DeliveryMsg } from './alerts/delivery-actor.js';
import { LateRef } from './alerts/late-ref.js';
import { notifierActor, type NotifierMsg } from './alerts/notifier-actor.js';
import type { IngestSink } from './model/ingest-protocol.js';
import { bufferActor, type BufferMsg } from './buffer-actor.js';
import type { Config } from './config.js';
import { containerActor } from './container-actor.js';
import { discoveryActor, type DiscoveryMsg } from './discovery-actor.js';
import { createDockerClient } from './docker/docker-client.js';
import { startForwarding, type Forwarder } from './forward/forwarding.js';
import type { ForwardingConfig } from './forward/sink-config.js';
import { errorAlertActor, type ErrorAlertMsg } from './error-alert-actor.js';
import { ingestMetricsActor, type IngestMetricsMsg } from './ingest-metrics-actor.js';
import { serviceLog } from './service-log.js';
import { BUDGET_DEFAULTS } from './service/budgets.js';
import { storeActor, type StoreMsg } from './store-actor.js';

/** The running actor tree, as the HTTP front end and main see it. */
export interface Service {
  system: ActorSystem;
  buffer: ActorRef<BufferMsg>;
  errors: ActorRef<ErrorAlertMsg>;
  /** The durable store: sequence numbers, cursors, the whole retention window. */
  store: ActorRef<StoreMsg>;
  /** Who answers page queries: the store on disk, the buffer with STORAGE=memory. */
  logs: ActorRef<StoreMsg | BufferMsg>;
  /** The supervisor of the followers, one child per container id. */
  containers: ActorRef<SupervisorMsg>;
  discovery: ActorRef<DiscoveryMsg>;
  /** Counts lines, bytes and parse outcomes per service for GET /metrics. */
  ingestMetrics: ActorRef<IngestMetricsMsg>;
  /** The alert notifier (GET /alerts, POST /alerts/test, destinations' figures); absent without alert settings. */
  alerts?: ActorRef<NotifierMsg>;
  /** One forwarder per sink (GET /forwarding asks them). */
  forwarders: Forwarder[];
  /** Stops every actor in reverse start order. */
  stop(): Promise<void>;
}

export type ServiceConfig = Pick<
  Config,
  | 'dockerHost'
  | 'dockerApiVersion'
  | 'maxLogBuffer'
  | 'retentionMs'
  | 'batchSize'
  | 'maxLineBytes'
  | 'multilineQuietMs'
  | 'multilineMaxLines'
  | 'redactPatterns'
  | 'includeContainers'
  | 'excludeContainers'
  | 'backfillConcurrency'
  | 'followerStallMs'
  | 'storage'
  | 'dataDir'
  | 'maxStorageBytes'
> &
  Partial<Pick<Config, 'alerts' | 'hostName' | 'maxLogBufferBytes' | 'parseRules'>>;

/** Bounds of a graceful stop, together under the 25 s main allows (Compose waits 30 s). */
const STOP_FOLLOWERS_MS = 8_000;
const STOP_REST_MS = 5_000;

/** A page query scans at most this long, then answers what it found with `partial` and a cursor. */
export const QUERY_BUDGET_MS = 5000;

/** Entries accepted but not yet on disk beyond which followers wait (a failing disk holds them in memory up to this). */
const MAX_PENDING_BYTES = BUDGET_DEFAULTS.storePendingBytes;

/**
 * Starts the supervision tree: root (rest_for_one) → buffer, errors, containers (a supervisor of one
 * follower per container), discovery. Children start in this order and stop in the reverse one, so that followers
 * flush into a buffer that is still there.
 */
export interface ServiceOptions {
  clock?: Clock;
  onFatal?: (path: string, error: unknown) => void;
  /** More sinks every follower delivers to, after the buffer and the error statistics (tests count lines with one). */
  extraSinks?: IngestSink[];
  /** Forwarding sinks (none when absent). */
  forwarding?: ForwardingConfig;
}

export async function startService(config: ServiceConfig, options: ServiceOptions = {}): Promise<Service> {
  const system = new ActorSystem({ clock: options.clock, onFatal: options.onFatal });
  logLifecycle(system);
  const docker = createDockerClient(config.dockerHost, config.dockerApiVersion);
  const backfillQueue = new PQueue({ concurrency: config.backfillConcurrency });
  // rest_for_one: a restarted store reloads its cursors, so the followers after it restart and resume
  // from them; a restarted followers' supervisor starts with no children, so discovery lists again.
  const root = system.spawn<SupervisorMsg>('root', supervisor({ strategy: 'rest_for_one', intensity: 10, periodMs: 60_000 }));

  const buffer = await startChild<BufferMsg>(root, { id: 'buffer', restart: 'permanent', start: bufferActor({ capacity: config.maxLogBuffer, maxBytes: config.maxLogBufferBytes, retentionMs: config.retentionMs }) });
  // The rules run in the ErrorAlertActor, which starts before the store (it is its downstream); the
  // notifier they report to starts after it (it persists through it): bound below, before any entry flows.
  const notifierRef = new LateRef<NotifierMsg>('/root/alerts');
  const processStartMs = (options.clock ?? systemClock).now();
  const alerting = config.alerts ? { alerts: { settings: config.alerts, notifier: notifierRef, processStartMs } } : {};
  const errors = await startChild<ErrorAlertMsg>(root, { id: 'errors', restart: 'permanent', start: errorAlertActor({ retentionMs: config.retentionMs, edges: buffer, ...alerting }) });
  const store = await startChild<StoreMsg>(root, {
    id: 'store',
    restart: 'permanent',
    shutdownMs: STOP_REST_MS,
    start: storeActor({
      mode: config.storage,
      dataDir: config.dataDir,
      retentionMs: config.retentionMs,
      maxBytes: config.maxStorageBytes,
      downstream: [buffer, errors],
      rebuildTo: [errors],
      maxPendingBytes: MAX_PENDING_BYTES,
      queryBudgetMs: QUERY_BUDGET_MS,
    }),
  });
  const ingestMetrics = await startChild<IngestMetricsMsg>(root, { id: 'metrics', restart: 'permanent', start: ingestMetricsActor() });
  let alerts: ActorRef<NotifierMsg> | undefined;
  if (config.alerts) {
    const wire = { host: config.hostName ?? (await engineName(docker)), linkBaseUrl: config.alerts.linkBaseUrl ?? 'http://localhost:8015' };
    // Their own one_for_one supervisor: a failing destination restarts alone, never the followers after it in root.
    const alerting = await startChild<SupervisorMsg>(root, { id: 'alerting', restart: 'permanent', start: supervisor({ strategy: 'one_for_one', intensity: 10, periodMs: 60_000 }) });
    const destinations: { settings: (typeof config.alerts.destinations)[number]; ref: ActorRef<DeliveryMsg> }[] = [];
    for (const d of config.alerts.destinations) {
      destinations.push({ settings: d, ref: await startChild<DeliveryMsg>(alerting, { id: `alert-delivery-${d.name}`, restart: 'permanent', start: deliveryActor({ destination: d, wire }) }) });
    }
    alerts = await startChild<NotifierMsg>(alerting, {
      id: 'alerts',
      restart: 'permanent',
      start: notifierActor({ store, destinations, rules: errors, retentionMs: config.retentionMs, persistent: config.storage === 'disk' }),
    });
    notifierRef.bind(alerts);
  }
  const containers = await startChild<SupervisorMsg>(root, {
    id: 'containers',
    restart: 'permanent',
    shutdownMs: STOP_FOLLOWERS_MS - 1000,
    // Followers fail one by one (a container vanishing mid-inspect); many at once means Docker itself is gone.
    start: supervisor({ strategy: 'one_for_one', intensity: 200, periodMs: 10_000, backoff: { baseMs: 250, maxMs: 30_000 } }),
  });
  const discovery = await startChild<DiscoveryMsg>(root, {
    id: 'discovery',
    restart: 'permanent',
    start: discoveryActor({
      docker,
      containers,
      include: config.includeContainers,
      exclude: config.excludeContainers,
      ...(config.alerts ? { lifecycle: errors } : {}),
      follower: (info, report) =>
        containerActor({
          docker,
          info,
          report,
          sinks: [{ name: 'store', ref: store }, { name: 'metrics', ref: ingestMetrics }, ...(options.extraSinks ?? [])],
          cursors: store,
          ...(config.parseRules?.length ? { parseRules: config.parseRules } : {}),
          backfillQueue,
          retentionMs: config.retentionMs,
          stallMs: config.followerStallMs,
          batchSize: config.batchSize,
          maxLineBytes: config.maxLineBytes,
          pipeline: { quietMs: config.multilineQuietMs, maxLines: config.multilineMaxLines, maxBytes: config.maxLineBytes, extraPatterns: config.redactPatterns },
        }),
    }),
  });
  // Last under the root: a restarted store restarts the forwarders (they re-read their cursors); a
  // failing forwarder never restarts collection.
  const forwarders = options.forwarding ? await startForwarding(root, store, options.forwarding, docker) : [];
  const stop = async (): Promise<void> => {
    // Followers first, so that what they hold reaches the store, which writes it before it closes.
    for (const id of ['discovery', 'containers']) {
      try {
        await ask<SupervisorMsg, boolean>(root, (replyTo) => ({ type: 'stopChild', id, replyTo }), STOP_FOLLOWERS_MS);
      } catch (error) {
        serviceLog(4, `${id} did not stop in time: ${String((error as Error)?.message ?? error)}`);
      }
    }
    await system.shutdown(STOP_REST_MS);
  };
  return { system, buffer, errors, store, logs: config.storage === 'disk' ? store : buffer, containers, discovery, ingestMetrics, ...(alerts ? { alerts } : {}), forwarders, stop };
}

/** The host's name in alerts: the Docker engine's `Name` (contracts: never os.hostname(), a container id in the image). */
async function engineName(docker: ReturnType<typeof createDockerClient>): Promise<string> {
  try {
    const info = (await Promise.race([docker.info(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000).unref())])) as { Name?: string };
    return info.Name || 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Every crash and restart goes to the service's own log with the actor's path and the reason, as an
 * OTP supervisor reports a child's termination before restarting it; /health counts them.
 */
function logLifecycle(system: ActorSystem): void {
  system.events.on('crashed', (path, error) => serviceLog(4, `actor ${path} crashed: ${String((error as Error)?.stack ?? error)}`));
  system.events.on('restarted', (path, attempt, delayMs) => serviceLog(3, `actor ${path} restarting in ${delayMs} ms (attempt ${attempt})`));
  system.events.on('escalated', (path, error) => serviceLog(5, `supervisor ${path} gave up: ${String((error as Error)?.message ?? error)}`));
}
