import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ActorStoppedError, ActorSystem, ask, AskTimeoutError, ManualClock, type ActorRef } from '../../runtime/index.js';
import { flush } from '../support/flush.js';

const test = suite('ask');

type Q = { type: 'double'; n: number; replyTo: ActorRef<number> } | { type: 'hold'; replyTo: ActorRef<number> };

test('resolves with the reply', async () => {
  const sys = new ActorSystem();
  const ref = sys.spawn<Q>('d', () => ({ receive(m: Q) { if (m.type === 'double') m.replyTo.tell(m.n * 2); } }));
  assert.is(await ask(ref, (replyTo) => ({ type: 'double' as const, n: 21, replyTo }), 1000), 42);
  await sys.shutdown();
});

test('rejects with AskTimeoutError on the injected clock, and drops a late reply', async () => {
  const clock = new ManualClock();
  const sys = new ActorSystem({ clock });
  let held: ActorRef<number> | undefined;
  const ref = sys.spawn<Q>('d', () => ({ receive(m: Q) { if (m.type === 'hold') held = m.replyTo; } }));
  const p = ask<Q, number>(ref, (replyTo) => ({ type: 'hold', replyTo }), 250, clock);
  await flush();
  clock.advance(250);
  const err = await p.catch((e) => e);
  assert.instance(err, AskTimeoutError);
  assert.is((err as AskTimeoutError).timeoutMs, 250);
  assert.ok(held);
  assert.is(held!.tell(7), false, 'late reply is dropped');
  await sys.shutdown();
});

test('rejects at once when the target has stopped', async () => {
  const sys = new ActorSystem();
  const ref = sys.spawn<Q>('d', () => ({ receive() {} }));
  await sys.shutdown();
  const err = await ask<Q, number>(ref, (replyTo) => ({ type: 'hold', replyTo }), 10_000).catch((e) => e);
  assert.instance(err, ActorStoppedError);
});

test.run();
