import type { BufferStats } from '../actors/model/query-protocol.js';
import type { DiscoveryStatus, RuntimeStats, StoreHealth } from './deps.js';
import type { AlertsStatus } from '../actors/alerts/notifier-actor.js';
import type { DestinationStatus } from '../actors/alerts/delivery-actor.js';
import type { SinkJson } from './forwarding-route.js';

/** Body of `GET /health`. Parts whose actor did not answer are null and named in `problems`. */
export interface HealthReport {
  status: 'healthy' | 'degraded';
  /** Containers whose logs are read (the ones not marked unsupported). */
  containers_monitored: number | null;
  docker_connection: 'connected' | 'disconnected';
  log_buffer_size: number | null;
  log_buffer_capacity: number | null;
  retention_hours: number | null;
  uptime_seconds: number;
  version: string;
  actor_restarts: number;
  actor_crashes: number;
  dead_letters: number;
  /** Followers with work in flight and no progress for FOLLOWER_STALL_SECONDS; any turns the status to degraded. */
  stalled_followers: { container: string; container_id: string; service: string; waiting_for: string; since: string; stalls: number }[];
  /** Containers whose parsing settings (labels, TZ) were refused: collected with the defaults instead. Never degrades the status. */
  parse_rule_errors: { container: string; container_id: string; service: string; errors: string[] }[];
  /** Entries dropped for slow live clients plus messages lost to full mailboxes (not buffer evictions). */
  dropped_entries: number;
  /** Messages the engine sent twice (json-file rotation) that followers recognised and dropped; null when discovery did not answer. */
  repeats_dropped: number | null;
  last_docker_error?: string;
  /** The durable store: where it is, whether writes succeed, what waits in memory, what is on disk. */
  store?: {
    mode: 'disk' | 'memory';
    state: 'ok' | 'failing';
    error?: string;
    path?: string;
    pending_entries: number;
    entries?: number;
    bytes?: number;
    oldest?: string;
    last_seq: number;
    committed_seq: number;
    /** The error statistics are still being rebuilt from what earlier runs stored (right after a start). */
    rebuilding_statistics: boolean;
    /** memory mode: nothing survives a restart. */
    note?: string;
  };
  /** Alert delivery per destination (an unreachable destination is retried and shown here; it never degrades the status). */
  alerts?: {
    destinations: DestinationStatus[];
    /** memory mode: pending notifications and cooldowns do not survive a restart. */
    note?: string;
  };
  problems?: string[];
  /** Forwarding sinks (GET /forwarding): a failing sink is shown here and does not degrade the status. */
  forwarding?: SinkJson[];
}

export interface HealthInputs {
  /** Undefined when the discovery did not answer. */
  discovery: DiscoveryStatus | undefined;
  buffer: BufferStats | undefined;
  store?: StoreHealth | undefined;
  alerts?: AlertsStatus | undefined;
  runtime: RuntimeStats;
  liveDropped: number;
  problems: string[];
  now: number;
  startedAt: number;
  version: string;
  /** Configured retention, used when the buffer did not answer. */
  retentionMs?: number;
  forwarding?: SinkJson[];
}

/**
 * Assembles the health report: healthy when Docker is connected and both actors answered.
 * An unknown Docker connection counts as disconnected.
 */
export function healthReport(h: HealthInputs): HealthReport {
  const connected = h.discovery?.connected === true;
  const retention = h.buffer?.retentionMs ?? h.retentionMs;
  const stalled = (h.discovery?.stalled ?? []).map((s) => ({
    container: s.name,
    container_id: s.id.slice(0, 12),
    service: s.service,
    waiting_for: s.waitingFor,
    since: new Date(s.since).toISOString(),
    stalls: s.stalls,
  }));
  const report: HealthReport = {
    status: connected && h.buffer !== undefined && h.problems.length === 0 && stalled.length === 0 && h.store?.state !== 'failing' ? 'healthy' : 'degraded',
    containers_monitored: h.discovery ? h.discovery.containers.filter((c) => !c.unsupported).length : null,
    docker_connection: connected ? 'connected' : 'disconnected',
    log_buffer_size: h.buffer?.size ?? null,
    log_buffer_capacity: h.buffer?.capacity ?? null,
    retention_hours: retention === undefined ? null : retention / 3_600_000,
    uptime_seconds: Math.max(0, Math.floor((h.now - h.startedAt) / 1000)),
    version: h.version,
    actor_restarts: h.runtime.restarts,
    actor_crashes: h.runtime.crashes,
    dead_letters: h.runtime.deadLetters,
    stalled_followers: stalled,
    parse_rule_errors: (h.discovery?.containers ?? []).flatMap((c) =>
      c.follower?.parseRuleErrors?.length ? [{ container: c.name, container_id: c.id.slice(0, 12), service: c.service, errors: c.follower.parseRuleErrors }] : [],
    ),
    dropped_entries: h.liveDropped + h.runtime.overflows,
    repeats_dropped: h.discovery?.repeatsDropped ?? null,
  };
  if (h.discovery?.lastError) report.last_docker_error = h.discovery.lastError;
  if (h.store) {
    const s = h.store;
    report.store = { mode: s.mode, state: s.state, pending_entries: s.pending, last_seq: s.lastSeq, committed_seq: s.committedSeq, rebuilding_statistics: s.rebuilding };
    if (s.error) report.store.error = s.error;
    if (s.path) report.store.path = s.path;
    if (s.stats) {
      report.store.entries = s.stats.entries;
      report.store.bytes = s.stats.bytes;
      if (s.stats.oldestMs !== undefined) report.store.oldest = new Date(s.stats.oldestMs).toISOString();
    }
    if (s.mode === 'memory') report.store.note = 'STORAGE=memory: nothing survives a restart';
  }
  if (h.alerts) {
    report.alerts = { destinations: h.alerts.destinations };
    if (!h.alerts.persistent) report.alerts.note = 'STORAGE=memory: pending notifications and cooldowns do not survive a restart';
  }
  if (h.forwarding) report.forwarding = h.forwarding;
  if (h.problems.length) report.problems = h.problems;
  return report;
}
