/**
 * The storm limit: at most `limit` notifications in any `windowMs` (contracts: a storm of 10,000
 * errors in 10 s across at most 5 services yields at most 10 notifications per destination). The
 * last slot of a window is kept for one digest of what was held back ("137 more alerts held back:
 * critical_line/api ×120, …"), sent once the window has room: nothing is dropped silently.
 * Resolutions pass: they close what was already announced. Pure; times passed in.
 */
import { clockOf, type AlertNotification } from './alert-model.js';

export class StormGuard {
  private sent: number[] = [];
  private held = new Map<string, number>();
  private heldTotal = 0;
  private heldSinceMs = 0;
  private seq = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  private trim(nowMs: number): void {
    while (this.sent.length > 0 && nowMs - this.sent[0]! >= this.windowMs) this.sent.shift();
  }

  /** True: send it now. False: held back, counted in the next digest. */
  admit(n: AlertNotification, nowMs: number): boolean {
    if (n.status === 'resolved' || n.test) return true;
    this.trim(nowMs);
    if (this.heldTotal === 0 && this.sent.length < this.limit - 1) {
      this.sent.push(nowMs);
      return true;
    }
    if (this.heldTotal === 0) this.heldSinceMs = nowMs;
    const key = `${n.rule}/${n.service}`;
    this.held.set(key, (this.held.get(key) ?? 0) + Math.max(1, n.count));
    this.heldTotal += Math.max(1, n.count);
    return false;
  }

  /** The digest of what was held, once the window has room for it. */
  due(nowMs: number): AlertNotification | undefined {
    this.trim(nowMs);
    if (this.heldTotal === 0 || this.sent.length >= this.limit) return undefined;
    const parts = [...this.held].sort((a, b) => b[1] - a[1]);
    const text = parts.slice(0, 10).map(([k, c]) => `${k} ×${c}`).join(', ') + (parts.length > 10 ? `, … (${parts.length - 10} more groups)` : '');
    const services = new Set(parts.map(([k]) => k.slice(k.indexOf('/') + 1)));
    const digest: AlertNotification = {
      id: `storm|${nowMs}|${++this.seq}`,
      rule: 'alert_storm',
      kind: 'event',
      status: 'firing',
      severity: 'warning',
      service: services.size === 1 ? [...services][0]! : '*',
      group: 'storm',
      title: `${this.heldTotal} more alert occurrences held back since ${clockOf(this.heldSinceMs)} (storm limit)`,
      message: text,
      count: this.heldTotal,
      suppressed: this.heldTotal,
      suppressedSinceMs: this.heldSinceMs,
      firstSeenMs: this.heldSinceMs,
      lastSeenMs: nowMs,
      startsAtMs: nowMs,
      endsAtMs: nowMs + this.windowMs,
      summary: 'storm',
      query: { since: new Date(this.heldSinceMs).toISOString(), level: 'error' },
    };
    this.sent.push(nowMs);
    this.held.clear();
    this.heldTotal = 0;
    return digest;
  }
}
