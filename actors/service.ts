import PQueue from 'p-queue';
import { ActorSystem, ask, startChild, supervisor, type ActorRef, type Clock, type SupervisorMsg } from '../runtime/index.js';
import type { BufferSnapshot, IngestSink } from './buffer-protocol.js';
import { bufferActor, type BufferMsg } from './buffer-actor.js';
import type { Config } from './config.js';
import { containerActor } from './container-actor.js';
import { discoveryActor, type DiscoveryMsg } from './discovery-actor.js';
import { createDockerClient } from './docker/docker-client.js';
import { errorAlertActor, type ErrorAlertMsg } from './error-alert-actor.js';
import { ingestMetricsActor, type IngestMetricsMsg } from './ingest-metrics-actor.js';
import { serviceLog } from './service-log.js';
import { takeSnapshot, writeSnapshot } from './snapshot.js';

/** The running actor tree, as the HTTP front end and main see it. */
export interface Service {
  system: ActorSystem;
  buffer: ActorRef<BufferMsg>;
  errors: ActorRef<ErrorAlertMsg>;
  /** The supervisor of the followers, one child per container id. */
  containers: ActorRef<SupervisorMsg>;
  discovery: ActorRef<DiscoveryMsg>;
  /** Counts lines, bytes and parse outcomes per service for GET /metrics. */
  ingestMetrics: ActorRef<IngestMetricsMsg>;
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
  | 'snapshotPath'
>;

/** Bounds of a graceful stop, together under the 25 s main allows (Compose waits 30 s). */
const STOP_FOLLOWERS_MS = 8_000;
const STOP_REST_MS = 5_000;

/** Entries per message when a snapshot is restored, so that no single message holds the whole buffer's work. */
const RESTORE_BATCH = 1000;

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
}

export async function startService(config: ServiceConfig, options: ServiceOptions = {}): Promise<Service> {
  const system = new ActorSystem({ clock: options.clock, onFatal: options.onFatal });
  logLifecycle(system);
  const docker = createDockerClient(config.dockerHost, config.dockerApiVersion);
  const backfillQueue = new PQueue({ concurrency: config.backfillConcurrency });
  // rest_for_one: a restarted buffer starts empty, so the followers after it restart and re-read; a
  // restarted followers' supervisor starts with no children, so discovery restarts and lists again.
  const root = system.spawn<SupervisorMsg>('root', supervisor({ strategy: 'rest_for_one', intensity: 10, periodMs: 60_000 }));

  const buffer = await startChild<BufferMsg>(root, { id: 'buffer', restart: 'permanent', start: bufferActor({ capacity: config.maxLogBuffer, retentionMs: config.retentionMs }) });
  const errors = await startChild<ErrorAlertMsg>(root, { id: 'errors', restart: 'permanent', start: errorAlertActor({ retentionMs: config.retentionMs, edges: buffer }) });
  const ingestMetrics = await startChild<IngestMetricsMsg>(root, { id: 'metrics', restart: 'permanent', start: ingestMetricsActor() });
  if (config.snapshotPath) await restore(config.snapshotPath, buffer, errors);
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
      follower: (info, report) =>
        containerActor({
          docker,
          info,
          report,
          sinks: [{ name: 'buffer', ref: buffer }, { name: 'errors', ref: errors }, { name: 'metrics', ref: ingestMetrics }, ...(options.extraSinks ?? [])],
          cursors: buffer,
          backfillQueue,
          retentionMs: config.retentionMs,
          stallMs: config.followerStallMs,
          batchSize: config.batchSize,
          maxLineBytes: config.maxLineBytes,
          pipeline: { quietMs: config.multilineQuietMs, maxLines: config.multilineMaxLines, maxBytes: config.maxLineBytes, extraPatterns: config.redactPatterns },
        }),
    }),
  });
  const stop = async (): Promise<void> => {
    if (config.snapshotPath) {
      try {
        // Followers stop first and flush what they hold; then the buffer and cursors agree.
        for (const id of ['discovery', 'containers']) await ask<SupervisorMsg, boolean>(root, (replyTo) => ({ type: 'stopChild', id, replyTo }), STOP_FOLLOWERS_MS);
        const snapshot = await ask<BufferMsg, BufferSnapshot>(buffer, (replyTo) => ({ type: 'snapshot', replyTo }), 10_000);
        await writeSnapshot(config.snapshotPath, snapshot);
        serviceLog(2, `snapshot of ${snapshot.entries.length} entries written to ${config.snapshotPath}`);
      } catch (error) {
        serviceLog(4, `snapshot not written to ${config.snapshotPath}: ${String((error as Error)?.message ?? error)}`);
      }
    }
    await system.shutdown(STOP_REST_MS);
  };
  return { system, buffer, errors, containers, discovery, ingestMetrics, stop };
}

/**
 * Loads a snapshot into the buffer (entries and cursors, so that followers resume where it ends) and
 * into the error statistics. A broken snapshot is reported and skipped: collection then re-reads history.
 */
async function restore(path: string, buffer: ActorRef<BufferMsg>, errors: ActorRef<ErrorAlertMsg>): Promise<void> {
  try {
    const snapshot = await takeSnapshot(path);
    if (!snapshot) return;
    for (let i = 0; i < snapshot.entries.length; i += RESTORE_BATCH) {
      const entries = snapshot.entries.slice(i, i + RESTORE_BATCH);
      buffer.tell({ type: 'append', entries });
      errors.tell({ type: 'append', entries });
    }
    for (const cursor of snapshot.cursors) buffer.tell({ type: 'append', entries: [], cursor });
    serviceLog(2, `restored ${snapshot.entries.length} entries and ${snapshot.cursors.length} cursors from ${path}`);
  } catch (error) {
    serviceLog(4, `snapshot ${path} ignored: ${String((error as Error)?.message ?? error)}`);
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
