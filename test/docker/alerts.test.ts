/**
 * Alerts end to end, with real containers on the real engine: critical lines (grouped, summarised),
 * a container exiting with code 3, a restart loop, an unhealthy healthcheck; every destination —
 * Alertmanager for real (Debian's prometheus-alertmanager 0.25, installed with apt-get when missing,
 * on a free port, its webhook receiver this test's server), Slack, Discord and ntfy against receivers
 * that check the documented shapes and limits; resending after a restart without re-alerting; and
 * the figures of the report: delivery latency and what a storm of 10,000 errors yields.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ask } from '../../runtime/index.js';
import { alertSettings, type AlertSettings } from '../../actors/alerts/alert-settings.js';
import type { AlertListReply, NotifierMsg } from '../../actors/alerts/notifier-actor.js';
import { createServer, type HttpServer } from '../../http/index.js';
import { alertMetricsProvider } from '../../http/alerts-route.js';
import { ensureAptTool } from '../rig/apt-tool.js';
import { isCI, removeTestContainers, requireEngine, runContainer, waitFor } from '../rig/rig-client.js';
import { AlertReceiver, type Received } from '../support/alert-receiver.js';
import { freePort, stopChild } from '../support/child-process.js';
import { uniquePrefix } from '../support/collect-helpers.js';
import { request } from '../support/http-client.js';
import { checkResponse } from '../support/openapi-check.js';
import { startTestService, tempDataDir, testConfig, type TestService } from '../support/service-harness.js';

const test = suite('alerts-e2e');
let services: TestService[] = [];
let http: HttpServer | undefined;
let receiver: AlertReceiver | undefined;
let am: ChildProcess | undefined;
let amDir: string | undefined;

/** Alertmanager on a free port whose only receiver is `webhookUrl`; undefined (loudly) when it cannot be had outside CI. */
async function startAlertmanager(webhookUrl: string): Promise<string | undefined> {
  let bin: Record<string, string>;
  try {
    bin = await ensureAptTool('prometheus-alertmanager', ['prometheus-alertmanager']);
  } catch (error) {
    if (isCI()) throw new Error(`prometheus-alertmanager is required under CI and could not be installed: ${(error as Error).message}`);
    process.stdout.write(`\n### WARNING: the Alertmanager part of alerts-e2e not run: ${(error as Error).message}\n`);
    return undefined;
  }
  amDir = mkdtempSync(path.join(os.tmpdir(), 'logagg-am-'));
  const port = await freePort();
  writeFileSync(
    path.join(amDir, 'am.yml'),
    `route:\n  receiver: test\n  group_by: ['alertname', 'service', 'container', 'group']\n  group_wait: 1s\n  group_interval: 2s\n  repeat_interval: 1h\nreceivers:\n  - name: test\n    webhook_configs:\n      - url: '${webhookUrl}'\n        send_resolved: true\n`,
  );
  let log = '';
  am = spawn(bin['prometheus-alertmanager']!, [`--config.file=${path.join(amDir, 'am.yml')}`, `--storage.path=${path.join(amDir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], { stdio: ['ignore', 'ignore', 'pipe'] });
  am.stderr!.on('data', (c: Buffer) => (log = (log + c).slice(-4000)));
  await waitFor(async () => (await request(port, '/-/ready').catch(() => ({ status: 0 }))).status === 200, { timeoutMs: 30_000, what: `Alertmanager ready (log: ${log.slice(-500)})` });
  return `http://127.0.0.1:${port}`;
}

function settings(r: AlertReceiver, over: Record<string, unknown> = {}, amUrl?: string): AlertSettings {
  const s = alertSettings({}, {
    cooldown_seconds: 4,
    storm_limit: 1000,
    destinations: [
      { name: 'hook', type: 'webhook', url: r.url('/hook') },
      { name: 'slack', type: 'slack', url: r.url('/slack/T000/B000/xyz') },
      { name: 'discord', type: 'discord', url: r.url('/discord/api/webhooks/1/abc') },
      { name: 'ntfy', type: 'ntfy', url: r.url('/alerts-topic') },
      ...(amUrl ? [{ name: 'am', type: 'alertmanager', url: amUrl }] : []),
    ],
    ...over,
  });
  s.linkBaseUrl = 'http://logagg.test:8015';
  return s;
}

const hook = (r: AlertReceiver, pred: (b: any) => boolean = () => true): Received[] => r.on('/hook').filter((x) => pred(x.body));
const amAlerts = (r: AlertReceiver): any[] => r.on('/am').flatMap((x) => (x.body.alerts as any[]).map((a) => ({ ...a, status: a.status ?? x.body.status })));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

if (requireEngine(test)) {
  test.after.each(async () => {
    await http?.close();
    http = undefined;
    for (const s of services) await s.stop();
    services = [];
    await stopChild(am);
    am = undefined;
    await receiver?.close();
    receiver = undefined;
    await removeTestContainers();
    if (amDir) rmSync(amDir, { recursive: true, force: true });
    amDir = undefined;
  });

  test('critical lines, exit code 3, a restart loop, an unhealthy container: grouped, to every destination; Alertmanager for real', async () => {
    const r = (receiver = await new AlertReceiver().start());
    const amUrl = await startAlertmanager(r.url('/am'));
    const prefix = uniquePrefix('alrt');
    const s = await startTestService(testConfig(new RegExp(`^${prefix}`), { alerts: settings(r, {}, amUrl), hostName: 'test-host' }));
    services.push(s);
    http = createServer(
      { buffer: s.buffer, errors: s.errors, discovery: s.discovery, stats: () => s.system.stats, alerts: s.alerts! },
      { defaultLimit: 100, maxLimit: 1000, askTimeoutMs: 5000, version: 'test', startedAt: Date.now(), maxClientQueue: 1000 },
    );
    const { port } = await http.listen(0, '127.0.0.1');

    await runContainer({ name: `${prefix}-crit`, script: `sleep 1; i=0; while [ $i -lt 50 ]; do echo '{"level":"critical","message":"payment database unreachable"}'; i=$((i+1)); done; sleep 60` });
    await runContainer({ name: `${prefix}-exit3`, script: 'sleep 1; echo bye; exit 3' });
    await runContainer({ name: `${prefix}-loop`, script: 'echo starting; exit 1', restartPolicy: 'always' });
    await runContainer({ name: `${prefix}-sick`, script: 'sleep 4; touch /tmp/ok; sleep 60', healthcheck: { test: 'test -f /tmp/ok', intervalMs: 500, retries: 1 } });

    const crit = await waitFor(() => hook(r, (b) => b.rule === 'critical_line' && b.summary === null)[0], { timeoutMs: 20_000, what: 'the critical-line notification' });
    assert.is(crit.body.version, 1);
    assert.is(crit.body.service, `${prefix}-crit`);
    assert.is(crit.body.level, 'CRITICAL');
    assert.is(crit.body.host, 'test-host');
    assert.is(crit.body.message, 'payment database unreachable');
    assert.match(crit.body.link, /^http:\/\/logagg\.test:8015\/\?service=/);
    if (amUrl) {
      // As Alertmanager holds it: an event ends at startsAt + the cooldown (its webhook shows endsAt only once resolved).
      const amPort = Number(new URL(amUrl).port);
      const held = await waitFor(async () => ((await request(amPort, '/api/v2/alerts')).body as any[]).find((a) => a.labels.alertname === 'critical_line'), { timeoutMs: 10_000, what: 'the alert in Alertmanager' });
      assert.is(Date.parse(held.endsAt) - Date.parse(held.startsAt), 4000);
      assert.is(held.labels.severity, 'critical');
    }
    const exit = await waitFor(() => hook(r, (b) => b.rule === 'container_exit' && b.container?.name === `${prefix}-exit3`)[0], { timeoutMs: 20_000, what: 'exit code 3' });
    assert.match(exit.body.title, /exited with code 3/);
    await waitFor(() => hook(r, (b) => b.rule === 'restart_loop' && b.container?.name === `${prefix}-loop`)[0], { timeoutMs: 30_000, what: 'the restart loop' });
    await waitFor(() => hook(r, (b) => b.rule === 'container_unhealthy' && b.status === 'firing')[0], { timeoutMs: 30_000, what: 'unhealthy' });
    await waitFor(() => hook(r, (b) => b.rule === 'container_unhealthy' && b.status === 'resolved')[0], { timeoutMs: 30_000, what: 'healthy again: resolved' });

    // 50 identical lines: one notification, then the summary of the other 49 once the 4 s cooldown ends.
    const summary = await waitFor(() => hook(r, (b) => b.rule === 'critical_line' && b.summary === 'cooldown')[0], { timeoutMs: 20_000, what: 'the summary' });
    assert.is(summary.body.suppressed, 49);
    assert.is(hook(r, (b) => b.rule === 'critical_line' && b.summary === null).length, 1);

    // Every other destination got every notification, in its documented shape (the receivers answer 400 otherwise).
    const n = hook(r).length;
    await waitFor(() => r.on('/ntfy/alerts-topic').length >= n && r.received.filter((x) => x.path.startsWith('/discord') && x.status < 300).length >= n && r.received.filter((x) => x.path.startsWith('/slack') && x.status < 300).length >= n, { timeoutMs: 20_000, what: 'Slack, Discord and ntfy' });
    assert.equal(r.received.filter((x) => x.problem).map((x) => `${x.path}: ${x.problem}`), []);

    if (amUrl) {
      const got = await waitFor(() => {
        const a = amAlerts(r);
        return a.some((x) => x.labels.alertname === 'critical_line') && a.some((x) => x.labels.alertname === 'restart_loop') && a.some((x) => x.labels.alertname === 'container_exit') && a;
      }, { timeoutMs: 30_000, what: 'Alertmanager to notify its receiver' });
      const c = got.find((x: any) => x.labels.alertname === 'critical_line');
      assert.is(c.labels.service, `${prefix}-crit`);
      assert.is(c.labels.severity, 'critical');
      assert.is(c.labels.container, `${prefix}-crit`);
      assert.match(c.annotations.summary, /payment database unreachable/);
      assert.match(c.generatorURL, /^http:\/\/logagg\.test:8015\/\?/);
    }

    const list = await request(port, `/alerts?rule=critical_line&limit=50`);
    assert.is(list.status, 200);
    checkResponse('/alerts', 200, list.body);
    assert.ok(list.body.notifications.length >= 2);
    assert.ok(list.body.notifications.every((x: any) => x.rule === 'critical_line'));
    const dest = list.body.destinations.find((d: any) => d.name === 'hook');
    assert.ok(dest.sent >= n);
    assert.is((await request(port, '/alerts?state=nope')).status, 400);

    const t1 = await request(port, '/alerts/test', { method: 'POST' });
    assert.is(t1.status, 200);
    checkResponse('/alerts/test', 200, t1.body, 'application/json', 'post');
    assert.is(t1.body.results.length, amUrl ? 5 : 4);
    assert.ok(t1.body.ok, JSON.stringify(t1.body));
    assert.is((await request(port, '/alerts/test', { method: 'POST' })).status, 429);
  });

  test('after a restart: what was not delivered is resent; lines already judged do not alert again', async () => {
    const r = (receiver = await new AlertReceiver().start());
    r.failAll = 503;
    const prefix = uniquePrefix('alrs');
    const dataDir = tempDataDir();
    const cfg = testConfig(new RegExp(`^${prefix}`), { dataDir, alerts: settings(r, { cooldown_seconds: 300, builtin: { new_exception: false }, destinations: [{ name: 'hook', type: 'webhook', url: r.url('/hook') }] }) });
    const first = await startTestService(cfg);
    services.push(first);
    await runContainer({ name: `${prefix}-c`, script: `sleep 1; echo '{"level":"critical","message":"disk on fire"}'; sleep 120` });
    const failed = await waitFor(() => r.received.find((x) => x.path === '/hook' && x.status === 503), { timeoutMs: 20_000, what: 'a failed delivery' });
    const pending = await ask<NotifierMsg, AlertListReply>(first.alerts!, (replyTo) => ({ type: 'list', query: { limit: 10 }, replyTo }), 5000);
    assert.ok(pending.ok && pending.rows.length === 1 && pending.rows[0]!.state !== 'sent');
    await first.stop();
    services = [];

    r.failAll = undefined;
    const second = await startTestService(cfg);
    services.push(second);
    const delivered = await waitFor(() => hook(r)[0], { timeoutMs: 30_000, what: 'the resent notification' });
    assert.is(delivered.body.id, failed.body.id);
    // The history re-read from Docker and the store at restart does not fire again.
    await new Promise((res) => setTimeout(res, 4000));
    assert.is(hook(r).length, 1);
    const list = await ask<NotifierMsg, AlertListReply>(second.alerts!, (replyTo) => ({ type: 'list', query: { limit: 10 }, replyTo }), 5000);
    assert.ok(list.ok && list.rows.length === 1 && list.rows[0]!.state === 'sent' && list.rows[0]!.attempts >= 2);
  });

  test('an unhealthy alert firing at a stop resolves after the restart, though the container became healthy while the service was down', async () => {
    const r = (receiver = await new AlertReceiver().start());
    const prefix = uniquePrefix('alhl');
    const dataDir = tempDataDir();
    const cfg = testConfig(new RegExp(`^${prefix}`), { dataDir, alerts: settings(r, { builtin: { new_exception: false }, destinations: [{ name: 'hook', type: 'webhook', url: r.url('/hook') }] }) });
    const first = await startTestService(cfg);
    services.push(first);
    const c = await runContainer({ name: `${prefix}-sick`, script: 'exec sleep 100000', healthcheck: { test: 'test -f /tmp/ok', intervalMs: 500, retries: 1 } });
    await waitFor(() => hook(r, (b) => b.rule === 'container_unhealthy' && b.status === 'firing')[0], { timeoutMs: 30_000, what: 'unhealthy' });
    await new Promise((res) => setTimeout(res, 1000)); // the state is saved as it changes; let the write land
    await first.stop();
    services = [];

    // Healthy while nobody watches: no event will tell the next run.
    const ex = await c.exec({ Cmd: ['touch', '/tmp/ok'] });
    await ex.start({ hijack: true, stdin: false }).then((st) => new Promise((res) => (st.on('end', res), st.resume())));
    await waitFor(async () => (await c.inspect()).State.Health?.Status === 'healthy', { timeoutMs: 20_000, what: 'the container healthy again' });

    const second = await startTestService(cfg);
    services.push(second);
    const resolved = await waitFor(() => hook(r, (b) => b.rule === 'container_unhealthy' && b.status === 'resolved')[0], { timeoutMs: 20_000, what: 'the resolution after the restart' });
    assert.is(resolved.body.container?.name, `${prefix}-sick`);
    assert.is(hook(r, (b) => b.rule === 'container_unhealthy' && b.status === 'firing').length, 1, 'fired once, not again at the restart');
  });

  test('STORAGE=memory: alerts work; an unreachable destination is retried, shown in /health (still healthy) and /metrics', async () => {
    const r = (receiver = await new AlertReceiver().start());
    const deadPort = await freePort();
    const prefix = uniquePrefix('alrm');
    const s = await startTestService(
      testConfig(new RegExp(`^${prefix}`), {
        storage: 'memory',
        alerts: settings(r, { builtin: { new_exception: false }, destinations: [{ name: 'hook', type: 'webhook', url: r.url('/hook') }, { name: 'dead', type: 'webhook', url: `http://127.0.0.1:${deadPort}/x` }] }),
      }),
    );
    services.push(s);
    http = createServer(
      { buffer: s.buffer, store: s.store, errors: s.errors, discovery: s.discovery, stats: () => s.system.stats, alerts: s.alerts!, metrics: { providers: [alertMetricsProvider(s.alerts!)] } },
      { defaultLimit: 100, maxLimit: 1000, askTimeoutMs: 5000, version: 'test', startedAt: Date.now(), maxClientQueue: 1000 },
    );
    const { port } = await http.listen(0, '127.0.0.1');
    await runContainer({ name: `${prefix}-c`, script: `sleep 1; echo '{"level":"critical","message":"out of coffee"}'; sleep 60` });
    await waitFor(() => hook(r)[0], { timeoutMs: 20_000, what: 'the notification' });
    const health = await waitFor(
      async () => {
        const h = await request(port, '/health');
        return h.body.alerts?.destinations?.find((d: any) => d.name === 'dead' && d.last_error) && h;
      },
      { timeoutMs: 10_000, what: 'the dead destination in /health' },
    );
    assert.is(health.status, 200);
    checkResponse('/health', 200, health.body);
    const dead = health.body.alerts.destinations.find((d: any) => d.name === 'dead');
    assert.match(dead.last_error, /ECONNREFUSED/);
    assert.is(dead.retrying + dead.pending, 1);
    assert.match(health.body.alerts.note, /STORAGE=memory/);
    const list = await request(port, '/alerts');
    assert.equal(list.body.notifications.map((x: any) => `${x.destination}:${x.state === 'sent' ? 'sent' : 'waiting'}`).sort(), ['dead:waiting', 'hook:sent']);
    const metrics = await request(port, '/metrics');
    assert.match(metrics.text, /logagg_alert_notifications\{destination="hook",state="sent"\} 1/);
  });

  test('figures: delivery latency (line written → webhook received); a storm of 10,000 errors in 10 s across 5 services', async () => {
    const r = (receiver = await new AlertReceiver().start());
    const prefix = uniquePrefix('alrl');
    const s = await startTestService(testConfig(new RegExp(`^${prefix}`), { alerts: settings(r, { destinations: [{ name: 'hook', type: 'webhook', url: r.url('/hook') }], builtin: { new_exception: false } }) }));
    services.push(s);
    const words = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu amber basil cedar dune'.split(' ');
    await runContainer({ name: `${prefix}-lat`, script: `sleep 1; for w in ${words.join(' ')}; do echo "{\\"level\\":\\"critical\\",\\"message\\":\\"$w subsystem failed\\"}"; usleep 200000; done; sleep 60` });
    await waitFor(() => hook(r).length >= words.length, { timeoutMs: 30_000, what: `${words.length} notifications` });
    const lat = hook(r).map((x) => x.at - Date.parse(x.body.first_seen)).sort((a, b) => a - b);
    await s.stop();
    services = [];

    // The storm: default limits (storm limit 10, cooldown 300 s), ALERT_MIN_LEVEL=ERROR so that every error is a candidate.
    const r2 = new AlertReceiver();
    await r2.start();
    const prefix2 = uniquePrefix('alst');
    const st = await startTestService(testConfig(new RegExp(`^${prefix2}`), { alerts: alertSettings({ ALERT_MIN_LEVEL: 'ERROR', ALERT_WEBHOOK_URL: r2.url('/hook') }) }));
    services.push(st);
    const types = 'KeyError ValueError TypeError IOError OSError RuntimeError IndexError TimeoutError';
    const script = `sleep 1; for b in 1 2 3 4 5 6 7 8 9 10; do for t in ${types}; do i=0; while [ $i -lt 25 ]; do echo "{\\"level\\":\\"error\\",\\"message\\":\\"$t: request $i failed\\"}"; i=$((i+1)); done; done; sleep 1; done; sleep 60`;
    for (let k = 0; k < 5; k++) await runContainer({ name: `${prefix2}-s${k}`, script });
    await waitFor(async () => (await st.query({ minLevel: 4 })).length >= 10_000, { timeoutMs: 60_000, what: '10,000 errors stored' });
    await new Promise((res) => setTimeout(res, 8000));
    const got = r2.on('/hook');
    const byRule = new Map<string, number>();
    for (const x of got) byRule.set(`${x.body.rule}${x.body.status === 'resolved' ? ' (resolved)' : ''}`, (byRule.get(x.body.rule) ?? 0) + 1);
    const firing = got.filter((x) => x.body.status === 'firing');
    const digest = got.find((x) => x.body.summary === 'storm');
    await r2.close();
    process.stdout.write(
      `\n[alerts] delivery latency, line's Docker time → webhook received, ${lat.length} notifications: p50 ${percentile(lat, 50)} ms, p99 ${percentile(lat, 99)} ms, max ${lat[lat.length - 1]} ms\n` +
        `[alerts] storm: 10,000 errors in ~10 s across 5 services → ${got.length} webhook notifications (${[...byRule].map(([k, v]) => `${k} ${v}`).join(', ')}); ` +
        `storm digest: ${digest ? `${digest.body.count} occurrences held back ("${digest.body.title}")` : 'none'}\n`,
    );
    assert.ok(firing.length <= 10, `${firing.length} notifications in the storm`);
  });
}

test.run();
