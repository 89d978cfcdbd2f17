import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ActorSystem, ManualClock, unhandled, type ActorContext } from '../../runtime/index.js';
import { flush } from '../support/flush.js';

const test = suite('actor');

type Msg = { type: 'add'; n: number; delayMs?: number } | { type: 'boom' } | { type: 'stop' };

/** An actor that records what it handled, optionally awaiting a timer before recording. */
function recorder(log: string[], ctx: ActorContext<Msg>, clock?: ManualClock) {
  let sum = 0;
  return {
    async receive(msg: Msg) {
      switch (msg.type) {
        case 'add':
          log.push(`start ${msg.n}`);
          if (msg.delayMs) await new Promise<void>((r) => (clock ? clock.setTimeout(r, msg.delayMs!) : setTimeout(r, msg.delayMs)));
          sum += msg.n;
          log.push(`end ${msg.n} sum=${sum}`);
          return;
        case 'boom':
          throw new Error('boom');
        case 'stop':
          ctx.stop();
          return;
        default:
          unhandled(msg);
      }
    },
  };
}

test('an async handler finishes before the next message starts (FIFO)', async () => {
  const sys = new ActorSystem();
  const log: string[] = [];
  const ref = sys.spawn<Msg>('a', (ctx) => recorder(log, ctx));
  ref.tell({ type: 'add', n: 1, delayMs: 20 });
  ref.tell({ type: 'add', n: 2, delayMs: 1 });
  ref.tell({ type: 'add', n: 3 });
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(log, ['start 1', 'end 1 sum=1', 'start 2', 'end 2 sum=3', 'start 3', 'end 3 sum=6']);
  await sys.shutdown();
});

test('a message to a stopped actor is a counted dead letter and tell does not throw', async () => {
  const sys = new ActorSystem();
  const dead: unknown[] = [];
  sys.events.on('deadLetter', (_p, m) => dead.push(m));
  const ref = sys.spawn<Msg>('a', (ctx) => recorder([], ctx));
  ref.tell({ type: 'stop' });
  await flush();
  assert.is(ref.alive, false);
  assert.is(ref.tell({ type: 'add', n: 1 }), false);
  assert.is(sys.stats.deadLetters, 1);
  assert.equal(dead, [{ type: 'add', n: 1 }]);
});

test('an unsupervised crash stops the actor and is reported as fatal', async () => {
  const fatal: string[] = [];
  const sys = new ActorSystem({ onFatal: (p) => fatal.push(p) });
  const crashed: string[] = [];
  sys.events.on('crashed', (p) => crashed.push(p));
  const ref = sys.spawn<Msg>('a', (ctx) => recorder([], ctx));
  ref.tell({ type: 'boom' });
  await flush();
  assert.equal(crashed, ['/a']);
  assert.equal(fatal, ['/a']);
  assert.is(ref.alive, false);
});

for (const [policy, expected, accepted] of [
  ['drop-newest', [1, 2], true],
  ['drop-oldest', [2, 3], true],
  ['reject', [1, 2], false],
] as const) {
  test(`a full mailbox applies ${policy} and counts the overflow`, async () => {
    const sys = new ActorSystem();
    const seen: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const ref = sys.spawn<number>('a', () => ({ async receive(n: number) { if (n === 0) await gate; else seen.push(n); } }), {
      mailbox: { capacity: 2, overflow: policy },
    });
    ref.tell(0);
    await flush(); // 0 is now in hand, the mailbox is empty
    ref.tell(1);
    ref.tell(2);
    assert.is(ref.tell(3), accepted);
    assert.is(sys.stats.overflows, 1);
    release();
    await flush();
    assert.equal(seen, expected);
    await sys.shutdown();
  });
}

test('timers deliver to self on the injected clock and stop with the actor', async () => {
  const clock = new ManualClock();
  const sys = new ActorSystem({ clock });
  const got: string[] = [];
  const ref = sys.spawn<string>('t', (ctx) => ({
    preStart() { ctx.startTimer('tick', 'tick', 1000); ctx.startTimer('x', 'never', 5000); },
    receive(m: string) { got.push(m); },
  }));
  await flush();
  clock.advance(999);
  await flush();
  assert.equal(got, []);
  clock.advance(1);
  await flush();
  assert.equal(got, ['tick']);
  await sys.shutdown();
  assert.is(clock.pending, 0, 'pending timers are cancelled on stop');
  assert.is(ref.alive, false);
});

test('shutdown stops top-level actors in reverse start order and runs postStop', async () => {
  const sys = new ActorSystem();
  const order: string[] = [];
  for (const n of ['a', 'b', 'c']) sys.spawn<never>(n, () => ({ receive() {}, postStop() { order.push(n); } }));
  await flush();
  await sys.shutdown();
  assert.equal(order, ['c', 'b', 'a']);
});

test.run();
