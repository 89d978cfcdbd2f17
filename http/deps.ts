import type { ActorRef, Clock, SystemStats } from '../runtime/index.js';
import type { BufferMsg } from '../actors/buffer-actor.js';
import type { AroundQuery, LogQuery, QueryReply } from '../actors/model/query-protocol.js';
import type { StoreHealth, StoreMsg } from '../actors/store-actor.js';
import type { ErrorAlertMsg } from '../actors/error-alert-actor.js';
import type { DiscoveryMsg, DiscoveryStatus } from '../actors/discovery-actor.js';
import type { MetricsDeps } from './metrics.js';
import type { NotifierMsg } from '../actors/alerts/notifier-actor.js';
import type { ForwarderMsg } from '../actors/forward/forwarder-actor.js';

export type { BufferMsg, DiscoveryMsg, DiscoveryStatus, ErrorAlertMsg, StoreHealth, StoreMsg };

/** Runtime counters reported by `/health`: ActorSystem.stats. */
export type RuntimeStats = SystemStats;

/** The actors and counters the HTTP layer talks to. */
/** A query for a page of entries, as both the store (whole window) and the buffer (hot window) answer it. */
export type LogsQueryMsg = { type: 'query'; query: LogQuery; replyTo: ActorRef<QueryReply> };
/** What the store and the buffer both answer for the routes that read entries: pages, and the lines around one. */
export type LogsMsg = LogsQueryMsg | AroundQuery;

export interface HttpDeps {
  buffer: ActorRef<BufferMsg>;
  /** Who answers `/logs`: the store (the whole retention window on disk); the buffer when absent (STORAGE=memory). */
  logs?: ActorRef<LogsMsg>;
  /** The store, for /health. */
  store?: ActorRef<StoreMsg>;
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
  /** The alert notifier (GET /alerts, POST /alerts/test, /health's `alerts`); absent: alerting is off. */
  alerts?: ActorRef<NotifierMsg>;
  /** One forwarder per sink, for GET /forwarding and /health. */
  forwarders?: { name: string; kind: string; ref: ActorRef<ForwarderMsg> }[];
}
