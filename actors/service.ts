import PQueue from 'p-queue';
import { ActorSystem, startChild, supervisor, type ActorRef, type Clock, type SupervisorMsg } from '../runtime/index.js';
import { bufferActor, type BufferMsg } from './buffer-actor.js';
import type { Config } from './config.js';
import { containerActor } from './container-actor.js';
import { discoveryActor, type DiscoveryMsg } from './discovery-actor.js';
import { createDockerClient } from './docker/docker-client.js';
import { errorAlertActor, type ErrorAlertMsg } from './error-alert-actor.js';

/** The running actor tree, as the HTTP front end and main see it. */
export interface Service {
  system: ActorSystem;
  buffer: ActorRef<BufferMsg>;
  errors: ActorRef<ErrorAlertMsg>;
  discovery: ActorRef<DiscoveryMsg>;
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
>;

/**
 * Starts the supervision tree: root → buffer, errors, containers (a supervisor of one follower per
 * container), discovery. Children start in this order and stop in the reverse one, so that followers
 * flush into a buffer that is still there.
 */
export async function startService(config: ServiceConfig, options: { clock?: Clock; onFatal?: (path: string, error: unknown) => void } = {}): Promise<Service> {
  const system = new ActorSystem({ clock: options.clock, onFatal: options.onFatal });
  const docker = createDockerClient(config.dockerHost, config.dockerApiVersion);
  const backfillQueue = new PQueue({ concurrency: config.backfillConcurrency });
  const root = system.spawn<SupervisorMsg>('root', supervisor({ strategy: 'one_for_one', intensity: 10, periodMs: 60_000 }));

  const buffer = await startChild<BufferMsg>(root, { id: 'buffer', restart: 'permanent', start: bufferActor({ capacity: config.maxLogBuffer, retentionMs: config.retentionMs }) });
  const errors = await startChild<ErrorAlertMsg>(root, { id: 'errors', restart: 'permanent', start: errorAlertActor({ retentionMs: config.retentionMs }) });
  const containers = await startChild<SupervisorMsg>(root, {
    id: 'containers',
    restart: 'permanent',
    shutdownMs: 15_000,
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
          sinks: { buffer, others: [errors] },
          backfillQueue,
          retentionMs: config.retentionMs,
          backfillTail: config.maxLogBuffer,
          batchSize: config.batchSize,
          maxLineBytes: config.maxLineBytes,
          pipeline: { quietMs: config.multilineQuietMs, maxLines: config.multilineMaxLines, extraPatterns: config.redactPatterns },
        }),
    }),
  });
  return { system, buffer, errors, discovery, stop: () => system.shutdown(20_000) };
}
