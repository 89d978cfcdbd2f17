/**
 * The DeliveryActor against a local receiver: retries with backoff until delivered, 429 with
 * Retry-After honoured, a permanent 4xx marked failed at once, a timeout retried, the figures for
 * /health, and Alertmanager's active states re-posted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ActorSystem, ask, type ActorRef } from '../../runtime/index.js';
import { makeNotification } from '../support/alert-notification.js';
import type { DestinationSettings } from '../../actors/alerts/alert-settings.js';
import { deliveryActor, type DeliveryMsg, type DeliveryReport, type DestinationStatus } from '../../actors/alerts/delivery-actor.js';
import { AlertReceiver } from '../support/alert-receiver.js';
import { waitFor } from '../rig/rig-client.js';
import { setServiceLogLevel } from '../../actors/service-log.js';

// The retries' warnings are what these tests provoke.
setServiceLogLevel(5);

const test = suite('alert-delivery');
let system: ActorSystem | undefined;
let receiver: AlertReceiver | undefined;
let slow: http.Server | undefined;

test.after.each(async () => {
  await system?.shutdown(2000);
  system = undefined;
  await receiver?.close();
  receiver = undefined;
  slow?.closeAllConnections();
  await new Promise<void>((r) => (slow ? slow.close(() => r()) : r()));
  slow = undefined;
});

const n = makeNotification;

function start(dest: Partial<DestinationSettings> & { url: string }, opts: { repostMs?: number } = {}) {
  system = new ActorSystem();
  const reports: DeliveryReport[] = [];
  const sink: ActorRef<DeliveryReport> = { path: '/test/sink', alive: true, tell: (m) => (reports.push(m), true) };
  const ref = system.spawn<DeliveryMsg>('delivery', deliveryActor({ destination: { name: 'd', type: 'webhook', headers: { Authorization: 'Bearer t' }, timeoutMs: 1000, ...dest }, wire: { host: 'h', linkBaseUrl: 'http://x' }, backoff: { baseMs: 50, maxMs: 200, jitter: 0.2 }, maxAttempts: 4, ...opts }));
  const status = () => ask<DeliveryMsg, DestinationStatus>(ref, (replyTo) => ({ type: 'status', replyTo }), 2000);
  return { ref, reports, sink, status };
}

test('503 twice, then delivered: retried with backoff, states reported, the token header sent', async () => {
  const r = (receiver = await new AlertReceiver().start());
  r.failWith(503, 2);
  const { ref, reports, sink, status } = start({ url: r.url('/hook') });
  ref.tell({ type: 'send', item: { rowId: 7, notification: n(), attempts: 0 }, replyTo: sink });
  await waitFor(() => reports.some((x) => x.update.state === 'sent'), { timeoutMs: 5000, what: 'sent' });
  assert.equal(reports.map((x) => x.update.state), ['retrying', 'retrying', 'sent']);
  assert.is(reports[2]!.update.attempts, 3);
  assert.is(r.received.at(-1)!.headers.authorization, 'Bearer t');
  const s = await status();
  assert.is(s.sent, 1);
  assert.is(s.pending + s.retrying, 0);
  assert.match(s.last_error!, /HTTP 503/);
});

test('429 with Retry-After: the destination waits that long', async () => {
  const r = (receiver = await new AlertReceiver().start());
  r.failWith(429, 1, { 'Retry-After': '1' });
  const { ref, reports, sink } = start({ url: r.url('/hook') });
  ref.tell({ type: 'send', item: { rowId: 1, notification: n(), attempts: 0 }, replyTo: sink });
  await waitFor(() => reports.some((x) => x.update.state === 'sent'), { timeoutMs: 5000, what: 'sent' });
  const [first, second] = r.received;
  assert.ok(second!.at - first!.at >= 950, `${second!.at - first!.at} ms between attempts`);
});

test('a permanent 4xx is failed at once; every retry failing ends failed; both visible in the figures', async () => {
  const r = (receiver = await new AlertReceiver().start());
  r.failWith(400, 1);
  const { ref, reports, sink, status } = start({ url: r.url('/hook') });
  ref.tell({ type: 'send', item: { rowId: 1, notification: n(), attempts: 0 }, replyTo: sink });
  await waitFor(() => reports.length === 1, { timeoutMs: 5000, what: 'failed' });
  assert.is(reports[0]!.update.state, 'failed');
  r.failAll = 500;
  ref.tell({ type: 'send', item: { rowId: 2, notification: n(), attempts: 0 }, replyTo: sink });
  await waitFor(() => reports.filter((x) => x.update.id === 2 && x.update.state === 'failed').length === 1, { timeoutMs: 5000, what: 'given up' });
  assert.is(reports.filter((x) => x.update.id === 2).length, 4);
  const s = await status();
  assert.is(s.failed, 2);
  assert.is(s.sent, 0);
});

test('a destination that does not answer times out and is retried', async () => {
  let calls = 0;
  slow = http.createServer((req, res) => {
    req.resume();
    if (++calls > 1) res.end('ok');
  });
  await new Promise<void>((r) => slow!.listen(0, '127.0.0.1', r));
  const { ref, reports, sink } = start({ url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/hook`, timeoutMs: 200 });
  ref.tell({ type: 'send', item: { rowId: 1, notification: n(), attempts: 0 }, replyTo: sink });
  await waitFor(() => reports.some((x) => x.update.state === 'sent'), { timeoutMs: 5000, what: 'sent after a timeout' });
  assert.match(reports[0]!.update.lastError!, /no answer within 200 ms/);
});

test('Alertmanager: an active state is re-posted until its resolution is delivered', async () => {
  const r = (receiver = await new AlertReceiver().start());
  const { ref, reports, sink } = start({ url: r.url(''), type: 'alertmanager' }, { repostMs: 150 });
  const firing = n({ rule: 'restart_loop', kind: 'state', group: 'web-1' });
  ref.tell({ type: 'send', item: { rowId: 1, notification: firing, attempts: 0 }, replyTo: sink });
  await waitFor(() => r.on('/api/v2/alerts').length >= 3, { timeoutMs: 5000, what: 're-posts' });
  assert.ok(r.on('/api/v2/alerts').every((x) => x.body[0].labels.alertname === 'restart_loop' && x.body[0].endsAt === undefined));
  ref.tell({ type: 'send', item: { rowId: 2, notification: { ...firing, status: 'resolved', endsAtMs: Date.now() }, attempts: 0 }, replyTo: sink });
  await waitFor(() => reports.some((x) => x.update.id === 2 && x.update.state === 'sent'), { timeoutMs: 5000, what: 'resolved' });
  const count = r.on('/api/v2/alerts').length;
  await new Promise((res) => setTimeout(res, 500));
  assert.is(r.on('/api/v2/alerts').length, count, 'no re-post after the resolution');
  assert.ok(r.on('/api/v2/alerts').at(-1)!.body[0].endsAt);
});

test.run();
