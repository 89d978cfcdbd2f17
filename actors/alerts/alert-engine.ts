/**
 * The alert rules: which lines and Docker events raise a notification, grouped and cooled down, and
 * held back in a storm. Pure and clock-free (every call takes `nowMs`), so that it is tested on a
 * fake clock; the ErrorAlertActor runs it and persists its state through the notifier.
 *
 * What is judged (contracts): a line alerts only when it is live — not the store's rebuild, not
 * older than the service's first start, not older than this process's start for a container it has
 * no judged line of (history at first contact), and newer than the last line judged for its
 * container (history re-read after a restart). Judged or not, every line feeds the statistics (error
 * rates, known exception groups), so that medians and "never seen before" are right after a restart.
 */
import { fingerprintId, groupKey } from '../errors/fingerprint.js';
import { Level, LEVELS, type LogEntry } from '../model/log-entry.js';
import { BUILTIN_RULES, isoOf, truncate, type AlertNotification, type BuiltinRule, type LifecycleEvent, type Severity } from './alert-model.js';
import type { AlertSettings } from './alert-settings.js';
import { CooldownGrouper, type GrouperSnapshot } from './cooldown-grouper.js';
import { RateTracker } from './rate-tracker.js';
import { StormGuard } from './storm-guard.js';
import { UserRule } from './user-rule.js';

/** Most characters of a line's message a notification carries. */
export const MAX_MESSAGE = 4000;
const MAX_KNOWN = 10_000;
const RESTART_WINDOW_MS = 5 * 60_000;
const RESTARTS_FOR_LOOP = 3;

export interface AlertEngineOptions {
  settings: AlertSettings;
  retentionMs: number;
  /** This process's start: history at first contact is before it. */
  processStartMs: number;
  /** The service's first start with its store (0 until known). */
  firstStartMs?: number;
}

/** What is persisted, by key (each a JSON text). */
export interface AlertEngineState {
  groups?: GrouperSnapshot;
  known?: [string, number][];
  watermarks?: [string, number][];
  /** Firing state alerts (rate spikes, restart loops, unhealthy containers): their resolution must follow, after a restart too. */
  states?: [string, StateAlert][];
}

export interface StateAlert {
  startsAtMs: number;
  /** The firing notification went out (not cooled down or held): a resolution must follow. */
  notified: boolean;
  base: AlertNotification;
}

const severityOf = (level: Level): Severity => (level >= Level.CRITICAL ? 'critical' : level >= Level.ERROR ? 'error' : level >= Level.WARNING ? 'warning' : 'info');
const firstLine = (s: string): string => s.split('\n', 1)[0]!;

export class AlertEngine {
  private readonly s: AlertSettings;
  private readonly grouper = new CooldownGrouper();
  private readonly storm: StormGuard;
  private readonly rates: RateTracker;
  private readonly userRules: UserRule[];
  private readonly known = new Map<string, number>();
  /** Per container, the newest Docker time seen (persisted). */
  private readonly watermarks = new Map<string, number>();
  /** The watermarks of the previous run, as restored: lines up to them were judged then. */
  private readonly judgedBefore = new Map<string, number>();
  private readonly labels = new Map<string, Record<string, string>>();
  private readonly states = new Map<string, StateAlert>();
  /** States restored from the previous run, and when this run first looked at them (the first tick). */
  private readonly restoredStates = new Set<string>();
  private restoredSinceMs: number | undefined;
  private readonly restarts = new Map<string, { times: number[]; lastAction: string; info: LifecycleEvent }>();
  private firstStartMs: number;
  private seq = 0;
  /** Keys of the persisted state changed since the last `dirtyState`. */
  private dirty = new Set<keyof AlertEngineState>();
  /** Lines judged and lines only counted (history), for tests and /health. */
  readonly counts = { judged: 0, history: 0 };

  constructor(private readonly opts: AlertEngineOptions) {
    this.s = opts.settings;
    this.storm = new StormGuard(this.s.stormLimit, this.s.stormWindowMs);
    this.rates = new RateTracker(this.s.errorRatePerMin);
    this.userRules = this.s.userRules.map((r) => new UserRule(r));
    this.firstStartMs = opts.firstStartMs ?? 0;
  }

  setFirstStart(ms: number): void {
    this.firstStartMs = ms;
  }

  restore(state: AlertEngineState): void {
    if (state.groups) this.grouper.restore(state.groups);
    for (const [k, v] of state.known ?? []) this.known.set(k, v);
    for (const [k, v] of state.watermarks ?? []) {
      this.watermarks.set(k, Math.max(v, this.watermarks.get(k) ?? -Infinity));
      this.judgedBefore.set(k, v);
    }
    for (const [k, st] of state.states ?? []) {
      if (this.states.has(k)) continue;
      this.states.set(k, st);
      this.restoredStates.add(k);
    }
  }

  /** A state alert has changed (fired or resolved): it is saved at once, not with the periodic save. */
  get statesChanged(): boolean {
    return this.dirty.has('states');
  }

  private setState(key: string, st: StateAlert): void {
    this.states.set(key, st);
    this.restoredStates.delete(key);
    this.dirty.add('states');
  }

  /** The persisted parts changed since the previous call. */
  dirtyState(): AlertEngineState {
    const out: AlertEngineState = {};
    if (this.dirty.has('groups')) out.groups = this.grouper.snapshot();
    if (this.dirty.has('known')) out.known = [...this.known];
    if (this.dirty.has('watermarks')) out.watermarks = [...this.watermarks];
    if (this.dirty.has('states')) out.states = [...this.states];
    this.dirty.clear();
    return out;
  }

  /** Container labels, for user rules that match on them. */
  container(id: string, labels: Record<string, string>): void {
    this.labels.set(id, labels);
  }

  private judgeable(e: LogEntry): boolean {
    if (e.dockerMs < this.firstStartMs) return false;
    // Within this run every line arrives once (the followers and the store see to it); only what an
    // earlier run judged, or history from before this run's first contact, is skipped.
    const w = this.judgedBefore.get(e.containerId);
    return w === undefined ? e.dockerMs >= this.opts.processStartMs : e.dockerMs > w;
  }

  /** Entries the store accepted; `live` false for the store's rebuild (history, never judged). */
  onEntries(entries: readonly LogEntry[], live: boolean, nowMs: number): AlertNotification[] {
    const out: AlertNotification[] = [];
    const cutoff = nowMs - this.opts.retentionMs;
    for (const e of entries) {
      const judge = live && this.judgeable(e);
      if (judge) this.counts.judged++;
      else this.counts.history++;
      if (e.dockerMs > (this.watermarks.get(e.containerId) ?? -Infinity)) {
        this.watermarks.set(e.containerId, e.dockerMs);
        this.dirty.add('watermarks');
      }
      // One fingerprint per line, for both the known groups and the critical-line group.
      const g = e.level >= Level.ERROR || (judge && e.level >= this.s.minLevel) ? groupKey(e.message) : undefined;
      const fp = g ? fingerprintId(g.key) : '';
      if (g && e.level >= Level.ERROR) {
        this.rates.record(e.service, e.dockerMs);
        if (e.dockerMs >= cutoff) {
          const seen = this.known.get(fp);
          this.known.delete(fp);
          this.known.set(fp, Math.max(seen ?? 0, e.dockerMs));
          if (this.known.size > MAX_KNOWN) this.known.delete(this.known.keys().next().value!);
          // Saved when a group is new or its last sighting moved by a minute (it matters only against the retention).
          if (seen === undefined || e.dockerMs - seen > 60_000) this.dirty.add('known');
          if (judge && seen === undefined && this.s.enabled.new_exception) this.emit(out, this.lineAlert(e, 'new_exception', fp, 'error', `New exception in ${e.service}: ${truncate(firstLine(g.type || e.message), 200)}`), nowMs, this.s.cooldownMs);
        }
      }
      if (!judge) continue;
      if (this.s.enabled.critical_line && e.level >= this.s.minLevel) {
        this.emit(out, this.lineAlert(e, 'critical_line', fp, severityOf(e.level), `${LEVELS[e.level]} in ${e.service}: ${truncate(firstLine(e.message), 200)}`), nowMs, this.s.cooldownMs);
      }
      for (const r of this.userRules) {
        if (!r.matches(e, this.labels.get(e.containerId)) || !r.hit(e.service, e.dockerMs)) continue;
        const n = this.lineAlert(e, r.name, 'rule', r.settings.severity, `${r.name} in ${e.service}: ${truncate(firstLine(e.message), 200)}`);
        if (r.settings.count > 1) n.count = r.settings.count;
        if (r.settings.destinations) n.destinations = r.settings.destinations;
        this.emit(out, n, nowMs, r.settings.cooldownMs ?? this.s.cooldownMs);
      }
    }
    return out;
  }

  private lineAlert(e: LogEntry, rule: string, group: string, severity: Severity, title: string): AlertNotification {
    const query: Record<string, string> = { service: e.service, since: isoOf(e.dockerMs - 60_000), until: isoOf(e.dockerMs + 60_000) };
    if (e.level >= Level.WARNING) query.level = LEVELS[e.level]!.toLowerCase();
    return {
      id: this.id(rule, e.service, group, e.dockerMs),
      rule,
      kind: 'event',
      status: 'firing',
      severity,
      service: e.service,
      group,
      container: { id: e.containerId, name: e.containerName },
      level: LEVELS[e.level],
      title,
      message: truncate(e.message, MAX_MESSAGE),
      count: 1,
      suppressed: 0,
      firstSeenMs: e.dockerMs,
      lastSeenMs: e.dockerMs,
      startsAtMs: e.dockerMs,
      query,
    };
  }

  private id(rule: string, service: string, group: string, ms: number): string {
    return `${rule}|${service}|${group}|${ms}|${++this.seq}`;
  }

  /** Through the cooldown and the storm limit. */
  private emit(out: AlertNotification[], n: AlertNotification, nowMs: number, cooldownMs: number): boolean {
    if (n.kind === 'event' && n.endsAtMs === undefined) n.endsAtMs = n.startsAtMs + cooldownMs;
    const sent = this.grouper.offer(n, nowMs, cooldownMs);
    this.dirty.add('groups');
    if (!sent) return false;
    if (!this.storm.admit(sent, nowMs)) return false;
    out.push(sent);
    return true;
  }

  onLifecycle(ev: LifecycleEvent, nowMs: number): AlertNotification[] {
    const out: AlertNotification[] = [];
    this.labels.set(ev.containerId, ev.labels);
    if (ev.action === 'seen') return out;
    const name = ev.containerName;
    const base = (rule: BuiltinRule, group: string, severity: Severity, title: string, kind: 'event' | 'state'): AlertNotification => ({
      id: this.id(rule, ev.service, group, ev.atMs),
      rule,
      kind,
      status: 'firing',
      severity,
      service: ev.service,
      group,
      container: { id: ev.containerId, name },
      title,
      message: title,
      count: 1,
      suppressed: 0,
      firstSeenMs: ev.atMs,
      lastSeenMs: ev.atMs,
      startsAtMs: ev.atMs,
      query: { container: name, since: isoOf(ev.atMs - 5 * 60_000), until: isoOf(ev.atMs + 60_000) },
    });
    const r = this.restarts.get(ev.containerId) ?? { times: [], lastAction: '', info: ev };
    this.restarts.set(ev.containerId, r);
    r.info = ev;
    switch (ev.action) {
      case 'die':
        if (ev.exitCode !== undefined && ev.exitCode !== 0 && this.s.enabled.container_exit) {
          this.emit(out, base('container_exit', `${name}:${ev.exitCode}`, 'error', `Container ${name} (${ev.service}) exited with code ${ev.exitCode}`, 'event'), nowMs, this.s.cooldownMs);
        }
        this.resolve(out, `container_unhealthy\u0000${ev.containerId}`, ev.atMs);
        break;
      case 'oom':
        if (this.s.enabled.container_oom) this.emit(out, base('container_oom', name, 'critical', `Container ${name} (${ev.service}) was killed: out of memory`, 'event'), nowMs, this.s.cooldownMs);
        break;
      case 'start':
        if (r.lastAction === 'die') {
          r.times.push(ev.atMs);
          while (r.times.length > 0 && ev.atMs - r.times[0]! > RESTART_WINDOW_MS) r.times.shift();
          const key = `restart_loop\u0000${ev.containerId}`;
          if (r.times.length >= RESTARTS_FOR_LOOP && this.s.enabled.restart_loop && !this.states.has(key)) {
            const n = base('restart_loop', name, 'critical', `Container ${name} (${ev.service}) is restarting in a loop: ${r.times.length} restarts within 5 minutes`, 'state');
            this.setState(key, { startsAtMs: ev.atMs, notified: this.emit(out, n, nowMs, this.s.cooldownMs), base: n });
          }
        }
        break;
      case 'unhealthy': {
        const key = `container_unhealthy\u0000${ev.containerId}`;
        if (this.s.enabled.container_unhealthy && !this.states.has(key)) {
          const n = base('container_unhealthy', name, 'error', `Container ${name} (${ev.service}) is unhealthy`, 'state');
          this.setState(key, { startsAtMs: ev.atMs, notified: this.emit(out, n, nowMs, this.s.cooldownMs), base: n });
        }
        break;
      }
      case 'healthy':
        this.resolve(out, `container_unhealthy\u0000${ev.containerId}`, ev.atMs);
        break;
    }
    if (ev.action !== 'oom') r.lastAction = ev.action;
    return out;
  }

  /** Ends a state; its resolution goes out when its firing did. */
  private resolve(out: AlertNotification[], key: string, atMs: number): void {
    const st = this.states.get(key);
    if (!st) return;
    this.states.delete(key);
    this.restoredStates.delete(key);
    this.dirty.add('states');
    if (!st.notified) return;
    out.push({ ...st.base, id: this.id(st.base.rule, st.base.service, st.base.group, atMs), status: 'resolved', endsAtMs: atMs, lastSeenMs: atMs, title: `Resolved: ${st.base.title}`, count: 0, suppressed: 0 });
  }

  /** Once a second: spikes start and end, restart loops end, summaries and storm digests fall due. */
  tick(nowMs: number): AlertNotification[] {
    const out: AlertNotification[] = [];
    this.restoredSinceMs ??= nowMs;
    // A state restored from the previous run is judged once this run has seen enough to judge it: a
    // minute of error rates for a spike; a restart window without a new restart for a loop (this run
    // counts restarts from zero). An unhealthy container resolves on its next healthy or die event.
    const settled = (key: string, afterMs: number) => !this.restoredStates.has(key) || nowMs - this.restoredSinceMs! >= afterMs;
    if (this.s.enabled.error_rate_spike) {
      const spiking = new Set<string>();
      for (const v of this.rates.spiking(nowMs)) {
        spiking.add(v.service);
        const key = `error_rate_spike\u0000${v.service}`;
        if (this.states.has(key)) continue;
        const n: AlertNotification = {
          id: this.id('error_rate_spike', v.service, 'rate', nowMs),
          rule: 'error_rate_spike',
          kind: 'state',
          status: 'firing',
          severity: 'error',
          service: v.service,
          group: 'rate',
          title: `Error rate spike in ${v.service}: ${v.lastMinute} errors in the last minute (median ${v.median}/min over the previous hour)`,
          message: `${v.lastMinute} errors in the last minute; threshold ${this.s.errorRatePerMin}/min and 3× the median of ${v.median}/min`,
          count: v.lastMinute,
          suppressed: 0,
          firstSeenMs: nowMs - 60_000,
          lastSeenMs: nowMs,
          startsAtMs: nowMs,
          query: { service: v.service, level: 'error', since: isoOf(nowMs - 60_000) },
        };
        this.setState(key, { startsAtMs: nowMs, notified: this.emit(out, n, nowMs, this.s.cooldownMs), base: n });
      }
      for (const key of [...this.states.keys()]) if (key.startsWith('error_rate_spike\u0000') && !spiking.has(key.slice(17)) && settled(key, 60_000)) this.resolve(out, key, nowMs);
    }
    for (const key of [...this.restoredStates]) {
      if (key.startsWith('restart_loop\u0000') && !this.restarts.has(key.slice(13)) && settled(key, RESTART_WINDOW_MS)) this.resolve(out, key, nowMs);
    }
    for (const [id, r] of this.restarts) {
      while (r.times.length > 0 && nowMs - r.times[0]! > RESTART_WINDOW_MS) r.times.shift();
      const key = `restart_loop\u0000${id}`;
      if (r.times.length < RESTARTS_FOR_LOOP && this.states.has(key)) this.resolve(out, key, nowMs);
      if (r.times.length === 0 && r.lastAction !== 'die' && !this.states.has(`container_unhealthy\u0000${id}`)) this.restarts.delete(id);
    }
    for (const n of this.grouper.due(nowMs)) {
      this.dirty.add('groups');
      if (this.storm.admit(n, nowMs)) out.push(n);
    }
    const digest = this.storm.due(nowMs);
    if (digest) out.push(digest);
    return out;
  }

  /** Forgets what is older than the retention (known groups) or the hour (rates). */
  prune(nowMs: number): void {
    this.rates.prune(nowMs);
    const cutoff = nowMs - this.opts.retentionMs;
    for (const [k, v] of this.known) if (v < cutoff) this.known.delete(k);
    for (const [k, v] of this.watermarks) if (v < cutoff) this.watermarks.delete(k);
    for (const [k, v] of this.judgedBefore) if (v < cutoff) this.judgedBefore.delete(k);
    this.dirty.add('known');
    this.dirty.add('watermarks');
  }
}

/** The notification POST /alerts/test sends to every destination. */
export function testNotification(nowMs: number): AlertNotification {
  return {
    id: `test|logagg|test|${nowMs}`,
    rule: 'test',
    kind: 'event',
    status: 'firing',
    severity: 'info',
    service: 'logagg',
    group: 'test',
    title: 'logagg test notification',
    message: 'This is a test notification from logagg (POST /alerts/test).',
    count: 1,
    suppressed: 0,
    firstSeenMs: nowMs,
    lastSeenMs: nowMs,
    startsAtMs: nowMs,
    endsAtMs: nowMs + 60_000,
    query: { since: isoOf(nowMs - 5 * 60_000) },
    test: true,
  };
}

