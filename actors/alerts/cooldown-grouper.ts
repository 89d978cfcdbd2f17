/**
 * Grouping and cooldown: one notification per (rule, service, group) per cooldown. Occurrences in
 * between are counted and reported by the group's next notification ("49 more since 14:30:05"); if
 * none comes within the cooldown, a short summary goes out once it ends. Pure and clock-free (times
 * are passed in), with a snapshot for persistence, so that cooldowns survive a restart.
 */
import { clockOf, type AlertNotification } from './alert-model.js';

interface GroupState {
  lastSentMs: number;
  cooldownMs: number;
  suppressed: number;
  firstSuppressedMs: number;
  lastSeenMs: number;
  /** The last notification sent, the template of a summary. */
  last: AlertNotification;
}

export type GrouperSnapshot = [string, GroupState][];

export const groupKeyOf = (n: Pick<AlertNotification, 'rule' | 'service' | 'group'>): string => `${n.rule}\u0000${n.service}\u0000${n.group}`;

export class CooldownGrouper {
  private readonly groups = new Map<string, GroupState>();
  private seq = 0;

  /** An occurrence: the notification to send now, or undefined when the cooldown suppresses it. */
  offer(n: AlertNotification, nowMs: number, cooldownMs: number): AlertNotification | undefined {
    const key = groupKeyOf(n);
    const g = this.groups.get(key);
    if (g && nowMs - g.lastSentMs < g.cooldownMs) {
      if (g.suppressed === 0) g.firstSuppressedMs = nowMs;
      g.suppressed += n.count;
      g.lastSeenMs = Math.max(g.lastSeenMs, n.lastSeenMs);
      return undefined;
    }
    const out: AlertNotification = g && g.suppressed > 0 ? { ...n, suppressed: g.suppressed, suppressedSinceMs: g.lastSentMs, count: n.count + g.suppressed, firstSeenMs: Math.min(n.firstSeenMs, g.firstSuppressedMs) } : n;
    this.groups.set(key, { lastSentMs: nowMs, cooldownMs, suppressed: 0, firstSuppressedMs: 0, lastSeenMs: n.lastSeenMs, last: out });
    return out;
  }

  /** Whether a group is within its cooldown (a state that re-fires then is not announced again). */
  cooling(n: Pick<AlertNotification, 'rule' | 'service' | 'group'>, nowMs: number): boolean {
    const g = this.groups.get(groupKeyOf(n));
    return g !== undefined && nowMs - g.lastSentMs < g.cooldownMs;
  }

  /** Summaries of groups whose cooldown ended with occurrences suppressed; forgets quiet groups. */
  due(nowMs: number): AlertNotification[] {
    const out: AlertNotification[] = [];
    for (const [key, g] of this.groups) {
      if (nowMs - g.lastSentMs < g.cooldownMs) continue;
      if (g.suppressed === 0) {
        this.groups.delete(key);
        continue;
      }
      const n = g.last;
      const summary: AlertNotification = {
        ...n,
        id: `${key.replace(/\u0000/g, '|')}|${nowMs}|s${++this.seq}`,
        status: 'firing',
        summary: 'cooldown',
        title: `${g.suppressed} more since ${clockOf(g.lastSentMs)}: ${n.title}`,
        count: g.suppressed,
        suppressed: g.suppressed,
        suppressedSinceMs: g.lastSentMs,
        firstSeenMs: g.firstSuppressedMs,
        lastSeenMs: g.lastSeenMs,
        startsAtMs: nowMs,
        ...(n.kind === 'event' ? { endsAtMs: nowMs + g.cooldownMs } : {}),
      };
      // The summary opens a new cooldown: later occurrences are again counted, not sent one by one.
      this.groups.set(key, { lastSentMs: nowMs, cooldownMs: g.cooldownMs, suppressed: 0, firstSuppressedMs: 0, lastSeenMs: g.lastSeenMs, last: summary });
      out.push(summary);
    }
    return out;
  }

  get size(): number {
    return this.groups.size;
  }

  snapshot(): GrouperSnapshot {
    return [...this.groups];
  }

  restore(s: GrouperSnapshot): void {
    this.groups.clear();
    for (const [k, g] of s) this.groups.set(k, g);
  }
}
