import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ActorSystem,
  ask,
  backoffDelay,
  DEFAULT_BACKOFF,
  EscalationError,
  ManualClock,
  PermanentFailure,
  supervisor,
  type ActorRef,
  type ChildInfo,
  type ChildSpec,
  type RestartType,
  type StartChildReply,
  type SupervisorMsg,
  type SupervisorOptions,
} from '../../runtime/index.js';
import { flush } from '../support/flush.js';

const test = suite('supervisor');

type Cmd = 'crash' | 'permanent-failure' | 'exit' | { get: ActorRef<number> } | 'inc';

/** A counting child whose state is lost on restart; it logs its starts and stops. */
function child(id: string, restart: RestartType, log: string[], extra: Partial<ChildSpec> = {}): ChildSpec<Cmd> {
  return {
    id,
    restart,
    ...extra,
    start: (ctx) => {
      let count = 0;
      return {
        preStart() { log.push(`start ${id}`); },
        postStop() { log.push(`stop ${id}`); },
        receive(m: Cmd) {
          if (m === 'crash') throw new Error(`${id} crashed`);
          if (m === 'permanent-failure') throw new PermanentFailure(`${id} cannot work`);
          if (m === 'exit') return ctx.stop();
          if (m === 'inc') count++;
          else m.get.tell(count);
        },
      };
    },
  };
}

function setup(options: SupervisorOptions) {
  const clock = new ManualClock(1_000_000);
  const fatal: unknown[] = [];
  const sys = new ActorSystem({ clock, onFatal: (_p, e) => fatal.push(e) });
  const restarts: { path: string; attempt: number; delay: number }[] = [];
  sys.events.on('restarted', (path, attempt, delay) => restarts.push({ path, attempt, delay }));
  const sup = sys.spawn<SupervisorMsg>('sup', supervisor({ random: () => 0.5, ...options }));
  const refOf = async (id: string) => {
    const r = await ask<SupervisorMsg, StartChildReply>(sup, (replyTo) => ({ type: 'startChild', spec: { id, restart: 'temporary', start: () => ({ receive() {} }) }, replyTo }), 1000, clock);
    return r.ref as ActorRef<Cmd>;
  };
  const children = () => ask<SupervisorMsg, ChildInfo[]>(sup, (replyTo) => ({ type: 'whichChildren', replyTo }), 1000, clock);
  const countOf = async (ref: ActorRef<Cmd>) => {
    let got = -1;
    ref.tell({ get: { path: 'probe', alive: true, tell: (n: number) => ((got = n), true) } });
    await flush();
    return got;
  };
  return { clock, sys, sup, fatal, restarts, refOf, children, countOf };
}

test('permanent: restarted after a crash and after a normal exit, with fresh state and the same ref', async () => {
  const log: string[] = [];
  const t = setup({ children: [child('a', 'permanent', log)] });
  await flush();
  const a = await t.refOf('a');
  a.tell('inc');
  a.tell('crash');
  await flush();
  t.clock.advance(100);
  await flush();
  assert.is(await t.countOf(a), 0, 'state discarded');
  a.tell('exit');
  await flush();
  t.clock.advance(200);
  await flush();
  assert.equal(log, ['start a', 'stop a', 'start a', 'stop a', 'start a']);
  assert.is(a.alive, true);
  await t.sys.shutdown();
});

test('transient: restarted after a crash, forgotten after a normal exit', async () => {
  const log: string[] = [];
  const t = setup({ children: [child('a', 'transient', log)] });
  await flush();
  const a = await t.refOf('a');
  a.tell('crash');
  await flush();
  t.clock.advance(100);
  await flush();
  a.tell('exit');
  await flush();
  assert.equal(log, ['start a', 'stop a', 'start a', 'stop a']);
  assert.is(a.alive, false);
  assert.equal((await t.children()).length, 0);
  await t.sys.shutdown();
});

test('temporary: never restarted', async () => {
  const log: string[] = [];
  const t = setup({ children: [child('a', 'temporary', log)] });
  await flush();
  const a = await t.refOf('a');
  a.tell('crash');
  await flush();
  t.clock.advance(10_000);
  await flush();
  assert.equal(log, ['start a', 'stop a']);
  assert.is(a.alive, false);
  assert.is(t.restarts.length, 0);
  await t.sys.shutdown();
});

test('a PermanentFailure is not restarted even for a permanent child', async () => {
  const log: string[] = [];
  const t = setup({ children: [child('a', 'permanent', log)] });
  await flush();
  (await t.refOf('a')).tell('permanent-failure');
  await flush();
  t.clock.advance(10_000);
  await flush();
  assert.equal(log, ['start a', 'stop a']);
  assert.equal((await t.children()).map((c) => c.id), []);
  await t.sys.shutdown();
});

test('backoff doubles per restart, is capped, and resets after a stable period', async () => {
  const log: string[] = [];
  const backoff = { baseMs: 100, maxMs: 400, jitter: 0.2, resetAfterMs: 60_000 };
  const t = setup({ intensity: 100, periodMs: 1000, backoff, children: [child('a', 'permanent', log)] });
  await flush();
  const a = await t.refOf('a');
  for (let i = 0; i < 5; i++) {
    a.tell('crash');
    await flush();
    t.clock.advance(t.restarts.at(-1)!.delay);
    await flush();
  }
  assert.equal(t.restarts.map((r) => r.delay), [100, 200, 400, 400, 400]);
  t.clock.advance(60_000);
  a.tell('crash');
  await flush();
  assert.is(t.restarts.at(-1)!.delay, 100, 'reset after a stable minute');
  await t.sys.shutdown();
});

test('jitter spreads the delay within ±jitter', () => {
  const o = { ...DEFAULT_BACKOFF, baseMs: 1000, jitter: 0.2 };
  assert.is(backoffDelay(0, o, 0), 800);
  assert.is(backoffDelay(0, o, 0.5), 1000);
  assert.is(backoffDelay(0, o, 0.999999), 1200);
  assert.is(backoffDelay(3, o, 0.5), 8000);
});

test('more restarts than the intensity within the period: children stopped, supervisor fails upward', async () => {
  const log: string[] = [];
  const t = setup({ intensity: 2, periodMs: 5000, children: ['a', 'b', 'c'].map((id) => child(id, 'permanent', log)) });
  await flush();
  const a = await t.refOf('c');
  for (let i = 0; i < 3; i++) {
    a.tell('crash');
    await flush();
    t.clock.advance(t.restarts.at(-1)?.delay ?? 0);
    await flush();
  }
  assert.is(t.fatal.length, 1);
  assert.instance(t.fatal[0], EscalationError);
  assert.equal(log.slice(-3), ['stop c', 'stop b', 'stop a'], 'the crashing child, then its siblings in reverse start order');
  assert.is(t.sup.alive, false);
});

test('restarts spread beyond the period do not escalate', async () => {
  const log: string[] = [];
  const t = setup({ intensity: 1, periodMs: 1000, children: [child('a', 'permanent', log)] });
  await flush();
  const a = await t.refOf('a');
  for (let i = 0; i < 4; i++) {
    a.tell('crash');
    await flush();
    t.clock.advance(1500);
    await flush();
  }
  assert.is(t.fatal.length, 0);
  assert.is(a.alive, true);
  await t.sys.shutdown();
});

test('one_for_one: a crash restarts only that child; siblings keep their state', async () => {
  const log: string[] = [];
  const t = setup({ strategy: 'one_for_one', children: ['a', 'b', 'c'].map((id) => child(id, 'permanent', log)) });
  await flush();
  const [a, b, c] = [await t.refOf('a'), await t.refOf('b'), await t.refOf('c')];
  a.tell('inc');
  c.tell('inc');
  b.tell('crash');
  await flush();
  t.clock.advance(100);
  await flush();
  assert.equal(log.slice(3), ['stop b', 'start b']);
  assert.equal([await t.countOf(a), await t.countOf(c)], [1, 1]);
  await t.sys.shutdown();
});

test('rest_for_one: a crash restarts that child and the ones started after it, in order', async () => {
  const log: string[] = [];
  const t = setup({ strategy: 'rest_for_one', children: ['a', 'b', 'c'].map((id) => child(id, 'permanent', log)) });
  await flush();
  const [a, b, c] = [await t.refOf('a'), await t.refOf('b'), await t.refOf('c')];
  a.tell('inc');
  c.tell('inc');
  b.tell('crash');
  await flush();
  c.tell('inc'); // queued while c is suspended, handled after its restart
  t.clock.advance(100);
  await flush();
  assert.equal(log.slice(3), ['stop b', 'stop c', 'start b', 'start c']);
  assert.is(await t.countOf(a), 1, 'earlier sibling untouched');
  assert.is(await t.countOf(c), 1, 'later sibling restarted fresh, then handled the queued message');
  await t.sys.shutdown();
});

test('shutdown stops children in reverse start order, dynamic ones included', async () => {
  const log: string[] = [];
  const t = setup({ children: [child('a', 'permanent', log), child('b', 'permanent', log)] });
  await flush();
  const r = await ask<SupervisorMsg, StartChildReply>(t.sup, (replyTo) => ({ type: 'startChild', spec: child('c', 'transient', log), replyTo }), 1000, t.clock);
  assert.ok(r.ok);
  const again = await ask<SupervisorMsg, StartChildReply>(t.sup, (replyTo) => ({ type: 'startChild', spec: child('c', 'transient', log), replyTo }), 1000, t.clock);
  assert.equal(again.ok, false, 'ids are unique');
  await t.sys.shutdown();
  assert.equal(log, ['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
});

test('stopChild stops a dynamic child; a child that will not stop is abandoned after shutdownMs', async () => {
  const log: string[] = [];
  const t = setup({});
  const hang: ChildSpec<Cmd> = { id: 'h', restart: 'permanent', shutdownMs: 300, start: () => ({ receive() {}, postStop: () => new Promise<void>(() => log.push('hanging')) }) };
  await ask<SupervisorMsg, StartChildReply>(t.sup, (replyTo) => ({ type: 'startChild', spec: hang, replyTo }), 1000, t.clock);
  let stopped: boolean | undefined;
  void ask<SupervisorMsg, boolean>(t.sup, (replyTo) => ({ type: 'stopChild', id: 'h', replyTo }), 10_000, t.clock).then((v) => (stopped = v));
  await flush();
  assert.equal(log, ['hanging']);
  assert.is(stopped, undefined, 'still waiting for the child');
  t.clock.advance(300);
  await flush();
  assert.is(stopped, true);
  assert.equal(await t.children(), []);
  await t.sys.shutdown();
});

test('nested supervisors: a child supervisor that gives up is restarted by its parent', async () => {
  const log: string[] = [];
  const clock = new ManualClock();
  const sys = new ActorSystem({ clock, onFatal: () => log.push('fatal') });
  const inner = supervisor({ intensity: 0, periodMs: 1000, random: () => 0.5, children: [child('leaf', 'permanent', log)] });
  sys.spawn<SupervisorMsg>('root', supervisor({ intensity: 5, random: () => 0.5, children: [{ id: 'inner', restart: 'permanent', start: inner }] }));
  await flush();
  const leaf = await sysChild(sys, clock);
  leaf.tell('crash');
  await flush();
  clock.advance(100);
  await flush();
  assert.equal(log, ['start leaf', 'stop leaf', 'start leaf']);
  await sys.shutdown();

  async function sysChild(_s: ActorSystem, _c: ManualClock): Promise<ActorRef<Cmd>> {
    // The leaf's path is stable: /root/inner/leaf. Reach it through the inner supervisor.
    const root = (sys as unknown as { top: ActorRef<SupervisorMsg>[] }).top[0]!;
    const infos = await ask<SupervisorMsg, ChildInfo[]>(root, (replyTo) => ({ type: 'whichChildren', replyTo }), 1000, clock);
    assert.equal(infos.map((i) => i.path), ['/root/inner']);
    const innerRef = (await ask<SupervisorMsg, StartChildReply>(root, (replyTo) => ({ type: 'startChild', spec: { id: 'inner', restart: 'permanent', start: inner }, replyTo }), 1000, clock)).ref as ActorRef<SupervisorMsg>;
    const r = await ask<SupervisorMsg, StartChildReply>(innerRef, (replyTo) => ({ type: 'startChild', spec: child('leaf', 'permanent', log), replyTo }), 1000, clock);
    return r.ref as ActorRef<Cmd>;
  }
});

test.run();
