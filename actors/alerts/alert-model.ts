/**
 * What the alert rules decide and the destinations deliver: one notification, independent of any
 * wire format. The rules (alert-engine.ts) make them; the notifier persists them; each destination
 * formats them (destinations/). Times are epoch ms here and RFC 3339 on the wire.
 */
import type { LevelName } from '../model/log-entry.js';

export type Severity = 'critical' | 'error' | 'warning' | 'info';

/** Built-in rules; a user rule's name is its own (`user:<name>` never collides with these). */
export const BUILTIN_RULES = ['critical_line', 'error_rate_spike', 'new_exception', 'container_exit', 'container_oom', 'restart_loop', 'container_unhealthy'] as const;
export type BuiltinRule = (typeof BUILTIN_RULES)[number];

export interface AlertNotification {
  /** Unique per decision: `<rule>|<service>|<group>|<ms>|<n>`. */
  id: string;
  rule: string;
  /** event: happened once (a line, an exit); state: holds until it resolves (a spike, a restart loop, unhealthy). */
  kind: 'event' | 'state';
  status: 'firing' | 'resolved';
  severity: Severity;
  service: string;
  /** What identifies the group within (rule, service): a fingerprint, an exit code, a container. */
  group: string;
  container?: { id: string; name: string };
  level?: LevelName;
  /** One line saying what happened. */
  title: string;
  /** The line's message (already redacted by the pipeline), truncated; or a description. */
  message: string;
  /** Occurrences this notification stands for (1 + suppressed, or the summary's count). */
  count: number;
  /** Occurrences suppressed by the cooldown since the group's previous notification. */
  suppressed: number;
  /** When the suppressed occurrences began to be counted (the previous notification). */
  suppressedSinceMs?: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** A state's start, an event's time. */
  startsAtMs: number;
  /** An event's end (startsAt + cooldown), a resolved state's end. */
  endsAtMs?: number;
  /** A summary of suppressed occurrences after the cooldown, or a storm digest. */
  summary?: 'cooldown' | 'storm';
  /** Named destinations (a user rule's own); absent: every destination without `rules` restrictions. */
  destinations?: string[];
  /** The /logs query that shows the lines (service, level, since/until, search). */
  query: Record<string, string>;
  /** A test notification from POST /alerts/test. */
  test?: true;
}

/** A Docker event the rules care about, as the DiscoveryActor reports it. */
export interface LifecycleEvent {
  type: 'lifecycle';
  /** `seen`: a container found by listing (its labels, for user rules); the others are Docker's events. */
  action: 'seen' | 'start' | 'die' | 'oom' | 'unhealthy' | 'healthy';
  containerId: string;
  containerName: string;
  service: string;
  labels: Record<string, string>;
  exitCode?: number;
  atMs: number;
}

export const isoOf = (ms: number): string => new Date(ms).toISOString();

/** `14:30:05` (UTC) for the short texts. */
export const clockOf = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

/** Cuts a text at `max` characters (not inside a surrogate pair), marking the cut with `…`. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = Math.max(0, max - 1);
  const c = text.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return text.slice(0, cut) + '…';
}
