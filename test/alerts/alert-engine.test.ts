/** The alert rules on a fake clock: each built-in rule, cooldown and grouping, history, the storm limit. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AlertEngine } from '../../actors/alerts/alert-engine.js';
import type { AlertNotification, LifecycleEvent } from '../../actors/alerts/alert-model.js';
import { alertSettings, type AlertSettings } from '../../actors/alerts/alert-settings.js';
import { Level, type LogEntry } from '../../actors/model/log-entry.js';
import { containerIdFor, makeEntry } from '../support/entries.js';

const test = suite('alert-engine');
const START = Date.UTC(2026, 0, 1, 12, 0, 0);

function engine(over: Partial<AlertSettings> = {}, env: Record<string, string> = {}): AlertEngine {
  const settings = { ...alertSettings(env), ...over };
  const e = new AlertEngine({ settings, retentionMs: 24 * 3_600_000, processStartMs: START, firstStartMs: START - 3_600_000 });
  return e;
}

const crit = (ms: number, message = 'CRITICAL database unreachable', service = 'api', name = 'api-1'): LogEntry =>
  makeEntry({ dockerMs: ms, level: Level.CRITICAL, message, service, containerName: name, containerId: containerIdFor(name) });
const err = (ms: number, message: string, service = 'api'): LogEntry => makeEntry({ dockerMs: ms, level: Level.ERROR, message, service, containerName: `${service}-1`, containerId: containerIdFor(`${service}-1`) });
const life = (action: LifecycleEvent['action'], atMs: number, extra: Partial<LifecycleEvent> = {}): LifecycleEvent => ({ type: 'lifecycle', action, containerId: containerIdFor('web-1'), containerName: 'web-1', service: 'web', labels: {}, atMs, ...extra });
const rules = (ns: AlertNotification[]) => ns.map((n) => `${n.rule}:${n.status}`);

test('50 identical critical lines: one notification, then a summary of 49 once the cooldown ends', () => {
  const e = engine({}, { ALERT_DISABLED_RULES: 'new_exception' });
  const out: AlertNotification[] = [];
  // several share a millisecond, as a burst does
  for (let i = 0; i < 50; i++) out.push(...e.onEntries([crit(START + 1000 + Math.floor(i / 5))], true, START + 1000 + i));
  assert.equal(rules(out), ['critical_line:firing']);
  assert.is(out[0]!.severity, 'critical');
  assert.is(out[0]!.endsAtMs, out[0]!.startsAtMs + 300_000);
  assert.equal(e.tick(START + 200_000), []);
  const summary = e.tick(START + 1000 + 300_000);
  assert.is(summary.length, 1);
  assert.is(summary[0]!.summary, 'cooldown');
  assert.is(summary[0]!.suppressed, 49);
  assert.match(summary[0]!.title, /^49 more since 12:00:01/);
  assert.is(summary[0]!.count, 49);
});

test('a later occurrence after the cooldown carries the suppressed count', () => {
  const e = engine({}, { ALERT_DISABLED_RULES: 'new_exception' });
  e.onEntries([crit(START + 1000)], true, START + 1000);
  e.onEntries([crit(START + 2000), crit(START + 3000)], true, START + 3000);
  const later = e.onEntries([crit(START + 400_000)], true, START + 400_000);
  assert.is(later.length, 1);
  assert.is(later[0]!.suppressed, 2);
  assert.is(later[0]!.count, 3);
  assert.is(later[0]!.suppressedSinceMs, START + 1000);
});

test('lines below ALERT_MIN_LEVEL, before the first start, before this process for a new container, and the rebuild never alert', () => {
  const e = engine({}, { ALERT_DISABLED_RULES: 'new_exception' });
  assert.equal(e.onEntries([makeEntry({ dockerMs: START + 10, level: Level.ERROR, message: 'x' })], true, START + 10), []);
  assert.equal(e.onEntries([crit(START - 2 * 3_600_000)], true, START), [], 'before the first start');
  assert.equal(e.onEntries([crit(START - 60_000, 'CRITICAL other')], true, START), [], 'history at first contact');
  assert.equal(e.onEntries([crit(START + 5000, 'CRITICAL rebuilt')], false, START + 5000), [], 'the store rebuild');
  assert.is(e.onEntries([crit(START + 6000, 'CRITICAL live')], true, START + 6000).length, 1);
});

test('after a restart: lines up to the last judged are not judged again; later ones are; cooldowns persist', () => {
  const a = engine({}, { ALERT_DISABLED_RULES: 'new_exception' });
  assert.is(a.onEntries([crit(START + 1000, 'CRITICAL one')], true, START + 1000).length, 1);
  a.onEntries([crit(START + 2000, 'CRITICAL two')], true, START + 2000);
  const saved = JSON.parse(JSON.stringify(a.dirtyState()));
  const restartAt = START + 60_000;
  const b = new AlertEngine({ settings: alertSettings({ ALERT_DISABLED_RULES: 'new_exception' }), retentionMs: 86_400_000, processStartMs: restartAt, firstStartMs: START - 3_600_000 });
  b.restore(saved);
  assert.equal(b.onEntries([crit(START + 1000, 'CRITICAL one'), crit(START + 2000, 'CRITICAL two')], true, restartAt), [], 're-read history');
  assert.equal(b.onEntries([crit(START + 30_000, 'CRITICAL one')], true, restartAt), [], 'written during the downtime, but the group is cooling down');
  assert.is(b.onEntries([crit(START + 40_000, 'CRITICAL three')], true, restartAt).length, 1, 'written during the downtime: judged');
});

test('new exception groups: the first of a fingerprint alerts; numbers and ids do not make a new one; history teaches', () => {
  const e = engine({}, { ALERT_DISABLED_RULES: 'critical_line' });
  e.onEntries([err(START - 10_000, 'KeyError: user 17 not found')], false, START);
  assert.equal(e.onEntries([err(START + 1000, 'KeyError: user 99 not found')], true, START + 1000), []);
  const n = e.onEntries([err(START + 2000, 'ValueError: bad input 3'), err(START + 3000, 'ValueError: bad input 4')], true, START + 3000);
  assert.equal(rules(n), ['new_exception:firing']);
  assert.match(n[0]!.title, /ValueError/);
});

test('error-rate spike: ≥ threshold and ≥ 3× the median fires once, resolves when the rate falls back', () => {
  const e = engine({}, { ALERT_DISABLED_RULES: 'new_exception,critical_line' });
  // a steady 20/min for the previous hour: median 20, so 3× is 60
  for (let m = 60; m >= 1; m--) for (let i = 0; i < 20; i++) e.onEntries([err(START - m * 60_000 + i * 1000, 'E')], false, START);
  for (let i = 0; i < 50; i++) e.onEntries([err(START + i * 500, 'E')], true, START + i * 500);
  assert.equal(e.tick(START + 30_000), [], '50/min is not 3× 20');
  for (let i = 0; i < 40; i++) e.onEntries([err(START + 30_000 + i * 100, 'E')], true, START + 34_000);
  const fired = e.tick(START + 35_000);
  assert.equal(rules(fired), ['error_rate_spike:firing']);
  assert.is(fired[0]!.kind, 'state');
  assert.is(fired[0]!.endsAtMs, undefined);
  assert.equal(e.tick(START + 36_000), []);
  const resolved = e.tick(START + 100_000);
  assert.equal(rules(resolved), ['error_rate_spike:resolved']);
  assert.is(resolved[0]!.endsAtMs, START + 100_000);
});

test('lifecycle: exit code named, OOM, restart loop fires and resolves, unhealthy fires and resolves', () => {
  const e = engine();
  const exit = e.onLifecycle(life('die', START + 1000, { exitCode: 3 }), START + 1000);
  assert.equal(rules(exit), ['container_exit:firing']);
  assert.match(exit[0]!.title, /exited with code 3/);
  assert.equal(e.onLifecycle(life('die', START + 1500, { exitCode: 0 }), START + 1500), []);
  assert.equal(rules(e.onLifecycle(life('oom', START + 1600), START + 1600)), ['container_oom:firing']);
  const loop: AlertNotification[] = [];
  for (let i = 0; i < 4; i++) {
    loop.push(...e.onLifecycle(life('start', START + 2000 + i * 1000), START + 2000 + i * 1000));
    loop.push(...e.onLifecycle(life('die', START + 2500 + i * 1000, { exitCode: 0 }), START + 2500 + i * 1000));
  }
  assert.equal(rules(loop), ['restart_loop:firing']);
  assert.equal(rules(e.tick(START + 2000 + 6 * 60_000)), ['restart_loop:resolved']);
  assert.equal(rules(e.onLifecycle(life('unhealthy', START + 500_000), START + 500_000)), ['container_unhealthy:firing']);
  assert.equal(e.onLifecycle(life('unhealthy', START + 501_000), START + 501_000), []);
  assert.equal(rules(e.onLifecycle(life('healthy', START + 502_000), START + 502_000)), ['container_unhealthy:resolved']);
});

test('after a restart, firing states still resolve: a restart loop once a window passes without restarts, a spike after a minute of rates; unhealthy on its next event', () => {
  const e = engine();
  for (let i = 0; i < 4; i++) {
    e.onLifecycle(life('start', START + 2000 + i * 1000), START + 2000 + i * 1000);
    e.onLifecycle(life('die', START + 2500 + i * 1000, { exitCode: 0 }), START + 2500 + i * 1000);
  }
  assert.ok(e.statesChanged, 'a state fired: saved at once');
  assert.equal(rules(e.onLifecycle(life('unhealthy', START + 9000, { containerId: containerIdFor('db-1'), containerName: 'db-1', service: 'db' }), START + 9000)), ['container_unhealthy:firing']);
  const saved = JSON.parse(JSON.stringify(e.dirtyState())) as ReturnType<AlertEngine['dirtyState']>;
  assert.is(saved.states?.length, 2);

  // The next run: rates and restarts count from zero.
  const restartAt = START + 60_000;
  const b = new AlertEngine({ settings: alertSettings({}), retentionMs: 86_400_000, processStartMs: restartAt, firstStartMs: START - 3_600_000 });
  b.restore(saved);
  assert.equal(b.tick(restartAt), [], 'not judged before this run has seen a restart window');
  assert.equal(b.tick(restartAt + 4 * 60_000), []);
  const resolved = b.tick(restartAt + 5 * 60_000 + 1000);
  assert.equal(rules(resolved), ['restart_loop:resolved']);
  assert.is(resolved[0]!.endsAtMs, restartAt + 5 * 60_000 + 1000);
  assert.equal(rules(b.onLifecycle(life('healthy', restartAt + 400_000, { containerId: containerIdFor('db-1'), containerName: 'db-1', service: 'db' }), restartAt + 400_000)), ['container_unhealthy:resolved']);
  assert.equal(b.dirtyState().states, [], 'nothing firing is left to save');
});

test('a spike firing at a restart is judged after a minute of this run\'s rates, then resolves if the rate fell', () => {
  const e = engine({}, { ALERT_DISABLED_RULES: 'new_exception,critical_line' });
  for (let m = 60; m >= 1; m--) for (let i = 0; i < 20; i++) e.onEntries([err(START - m * 60_000 + i * 1000, 'E')], false, START);
  for (let i = 0; i < 90; i++) e.onEntries([err(START + i * 300, 'E')], true, START + 30_000);
  assert.equal(rules(e.tick(START + 30_000)), ['error_rate_spike:firing']);
  const saved = JSON.parse(JSON.stringify(e.dirtyState())) as ReturnType<AlertEngine['dirtyState']>;
  const restartAt = START + 40_000;
  const b = new AlertEngine({ settings: alertSettings({ ALERT_DISABLED_RULES: 'new_exception,critical_line' }), retentionMs: 86_400_000, processStartMs: restartAt, firstStartMs: START - 3_600_000 });
  b.restore(saved);
  assert.equal(b.tick(restartAt), []);
  assert.equal(b.tick(restartAt + 30_000), [], 'not yet a minute of rates');
  assert.equal(rules(b.tick(restartAt + 61_000)), ['error_rate_spike:resolved']);
});

test('a storm of 10,000 errors in 10 s across 5 services: at most 10 notifications, the rest in a digest', () => {
  const e = engine({}, { ALERT_MIN_LEVEL: 'ERROR' });
  const out: AlertNotification[] = [];
  for (let i = 0; i < 10_000; i++) {
    const at = START + i;
    const svc = `svc${i % 5}`;
    // 100 kinds of error per service: many fingerprints, many critical groups
    out.push(...e.onEntries([err(at, `Error${String.fromCharCode(65 + ((i >> 3) % 26))}${String.fromCharCode(65 + ((i >> 8) % 4))}: failed`, svc)], true, at));
    if (i % 1000 === 0) out.push(...e.tick(at));
  }
  for (let t = START + 10_000; t <= START + 60_000; t += 1000) out.push(...e.tick(t));
  const firing = out.filter((n) => n.status === 'firing');
  assert.ok(firing.length <= 10, `${firing.length} notifications`);
  const digest = out.find((n) => n.summary === 'storm');
  assert.ok(digest, 'a digest of what was held back');
  assert.ok(digest!.count > 0);
});

test('user rules: globs, level, keyword, regex, field, N within a window, own destinations and cooldown', () => {
  const settings = alertSettings({}, {
    destinations: [{ name: 'ops', type: 'webhook', url: 'http://127.0.0.1:9/x' }],
    rules: [{ name: 'payments', services: ['bill*'], min_level: 'WARNING', keyword: 'declined', regex: 'card=\\d+', field: { name: 'status', value: 402 }, count: 3, window_seconds: 10, cooldown_seconds: 60, destinations: ['ops'] }],
    builtin: { new_exception: false, critical_line: false },
  });
  const e = new AlertEngine({ settings, retentionMs: 86_400_000, processStartMs: START, firstStartMs: START });
  const line = (ms: number, over: Partial<LogEntry> = {}) => makeEntry({ dockerMs: ms, service: 'billing', level: Level.WARNING, message: 'charge declined card=4111', fields: { status: 402 }, ...over });
  assert.equal(e.onEntries([line(START + 1), line(START + 2, { fields: { status: 200 } }), line(START + 3, { service: 'api' }), line(START + 4)], true, START + 4), []);
  const n = e.onEntries([line(START + 5)], true, START + 5);
  assert.equal(rules(n), ['payments:firing']);
  assert.equal(n[0]!.destinations, ['ops']);
  assert.is(n[0]!.count, 3);
});

test.run();
