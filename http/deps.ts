import type { ActorRef, Clock, SystemStats } from '../runtime/index.js';
import type { BufferMsg } from '../actors/buffer-actor.js';
import type { ErrorAlertMsg } from '../actors/error-alert-actor.js';
import type { DiscoveryMsg, DiscoveryStatus } from '../actors/discovery-actor.js';
import type { MetricsDeps } from './metrics.js';

export type { BufferMsg, DiscoveryMsg, DiscoveryStatus, ErrorAlertMsg };

/** Runtime counters reported by `/health`: ActorSystem.stats. */
export type RuntimeStats = SystemStats;

/** The actors and counters the HTTP layer talks to. */
export interface HttpDeps {
  buffer: ActorRef<BufferMsg>;
  errors: ActorRef<ErrorAlertMsg>;
  discovery: ActorRef<DiscoveryMsg>;
  /** Actor restarts, dead letters, mailbox overflows, crashes (ActorSystem.stats). */
  stats(): RuntimeStats;
  /** Time source for relative times, ask timeouts and stream timers (default: the system clock). */
  clock?: Clock;
  /** Where unexpected errors (answered 500) are reported (default: the service log). */
  log?: (message: string) => void;
  /** Sources of GET /metrics beyond the above (lifecycle events, the ingest counting sink, registered gauges). */
  metrics?: MetricsDeps;
}
