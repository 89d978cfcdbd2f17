/**
 * The NotifierActor with an in-memory store and recording destinations: the rule state goes to the
 * rules at start; each notification becomes one row per destination it is meant for; delivery
 * reports update the rows; rows still pending are handed out again (a restart, a restarted delivery).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ActorSystem, ask, type ActorRef } from '../../runtime/index.js';
import { makeNotification } from '../support/alert-notification.js';
import type { DestinationSettings } from '../../actors/alerts/alert-settings.js';
import type { DeliveryMsg } from '../../actors/alerts/delivery-actor.js';
import { notifierActor, type AlertListReply, type AlertStateMsg, type NotifierMsg, type NotifierStoreMsg } from '../../actors/alerts/notifier-actor.js';
import { AlertMemory } from '../../actors/store/alert-tables.js';
import { waitFor } from '../rig/rig-client.js';

const test = suite('alert-notifier');
let system: ActorSystem | undefined;

test.after.each(async () => {
  await system?.shutdown(2000);
  system = undefined;
});

const n = makeNotification;

function setup(memory = new AlertMemory()) {
  system = new ActorSystem();
  const store: ActorRef<NotifierStoreMsg> = {
    path: '/test/store',
    alive: true,
    tell(m) {
      if (m.type === 'health') m.replyTo.tell({ firstStartMs: 42 } as never);
      else m.replyTo.tell({ ok: true, result: memory.run(m.req) });
      return true;
    },
  };
  const sends: Record<string, DeliveryMsg[]> = {};
  const dest = (name: string, rules?: string[]) => {
    sends[name] = [];
    return { settings: { name, type: 'webhook', url: 'http://x', headers: {}, timeoutMs: 1000, ...(rules ? { rules } : {}) } as DestinationSettings, ref: { path: `/test/${name}`, alive: true, tell: (m: DeliveryMsg) => (sends[name]!.push(m), true) } };
  };
  const states: AlertStateMsg[] = [];
  const rules: ActorRef<AlertStateMsg> = { path: '/test/rules', alive: true, tell: (m) => (states.push(m), true) };
  const ref = system.spawn<NotifierMsg>('alerts', notifierActor({ store, destinations: [dest('all'), dest('oom-only', ['container_oom']), dest('ops')], rules, retentionMs: 86_400_000, persistent: true, sweepMs: 100 }));
  return { ref, sends, states, memory };
}

test('state to the rules at start; rows per destination by rules and user destinations; reports update rows', async () => {
  const memory = new AlertMemory();
  memory.run({ op: 'alertStatePut', values: { known: '[]' }, nowMs: 1 });
  const { ref, sends, states } = setup(memory);
  await waitFor(() => states.length === 1, { timeoutMs: 2000 });
  assert.equal(states[0], { type: 'alertState', values: { known: '[]' }, firstStartMs: 42 });
  ref.tell({ type: 'notify', notifications: [n(), n({ rule: 'container_oom' }), n({ rule: 'payments', destinations: ['ops'] })] });
  // (the sweep hands pending rows out again: count rows, not sends)
  const rows = (d: string) => new Set(sends[d]!.map((m) => (m as Extract<DeliveryMsg, { type: 'send' }>).item.rowId)).size;
  await waitFor(() => rows('ops') === 3, { timeoutMs: 2000 });
  assert.is(rows('all'), 2);
  assert.is(rows('oom-only'), 1);
  const first = sends.all![0] as Extract<DeliveryMsg, { type: 'send' }>;
  first.replyTo.tell({ type: 'delivery', destination: 'all', update: { id: first.item.rowId, state: 'sent', attempts: 1, nextAttemptMs: null, sentMs: 5, lastError: null } });
  const list = await waitFor(async () => {
    const r = await ask<NotifierMsg, AlertListReply>(ref, (replyTo) => ({ type: 'list', query: { limit: 10, state: 'sent' }, replyTo }), 2000);
    return r.ok && r.rows.length === 1 && r;
  }, { timeoutMs: 2000 });
  assert.is(list.rows[0]!.destination, 'all');
});

test('rows still pending are handed out again: at start, and by the sweep', async () => {
  const memory = new AlertMemory();
  memory.run({ op: 'notificationInsert', rows: [{ destination: 'ops', rule: 'critical_line', service: 'api', payload: JSON.stringify(n()), state: 'retrying', attempts: 3, nextAttemptMs: 99, createdMs: 1, sentMs: null, lastError: 'HTTP 503' }], keepAfterMs: 0 });
  const { sends } = setup(memory);
  await waitFor(() => sends.ops!.length >= 1, { timeoutMs: 2000 });
  const m = sends.ops![0] as Extract<DeliveryMsg, { type: 'send' }>;
  assert.is(m.item.attempts, 3);
  assert.is(m.item.nextAttemptMs, 99);
  await waitFor(() => sends.ops!.length >= 3, { timeoutMs: 2000, what: 'the sweep' });
});

test.run();
