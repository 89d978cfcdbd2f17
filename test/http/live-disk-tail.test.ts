/**
 * A live stream's tail=N with the store: from the whole retention window, not only the hot window;
 * live lines that arrive while the store answers come after the tail, none twice, none lost.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LogQuery } from '../../actors/model/query-protocol.js';
import { Level, type LogEntry } from '../../actors/model/log-entry.js';
import type { ActorFactory, ActorRef } from '../../runtime/index.js';
import type { LogsMsg } from '../../http/index.js';
import { openLineStream, waitFor } from '../support/http-client.js';
import { HOUR, makeEntry, startHarness, type Harness } from './harness.js';

const test = suite('http live tail from the store');

let h: Harness | undefined;
test.after.each(async () => {
  await h?.close();
  h = undefined;
});

/** Holds every query that reaches the store until released. */
function holdQueries() {
  const held: (() => void)[] = [];
  const seen: LogQuery[] = [];
  return {
    seen,
    held: () => held.length,
    releaseAll: () => held.splice(0).forEach((r) => r()),
    via: (target: ActorRef<LogsMsg>): ActorFactory<LogsMsg> => () => ({
      receive(m: LogsMsg) {
        if (m.type === 'query') {
          seen.push(m.query);
          held.push(() => target.tell(m));
          return;
        }
        target.tell(m);
      },
    }),
  };
}

/** Passes queries on at once but holds the store's replies until released: an answer older than live lines. */
function holdReplies() {
  const held: (() => void)[] = [];
  return {
    held: () => held.length,
    releaseAll: () => held.splice(0).forEach((r) => r()),
    via: (target: ActorRef<LogsMsg>): ActorFactory<LogsMsg> => () => ({
      receive(m: LogsMsg) {
        if (m.type !== 'query') return void target.tell(m);
        const replyTo = m.replyTo;
        const late = { path: `${replyTo.path}/late`, get alive() { return replyTo.alive; }, tell: (r: never) => (held.push(() => replyTo.tell(r)), true) };
        target.tell({ ...m, replyTo: late as typeof replyTo });
      },
    }),
  };
}

const messages = (s: { lines(): string[] }) => s.lines().map((l) => (JSON.parse(l) as { message: string }).message);

/**
 * 50 old lines stored, then a stream with tail=30 while the store's part of the tail is held by `hold`;
 * two live lines arrive meanwhile, `hold` lets go, and one more live line comes: returns what the
 * client got, and the old lines.
 */
async function tailAcrossTheHold(hold: { via: (t: ActorRef<LogsMsg>) => ActorFactory<LogsMsg>; held(): number; releaseAll(): void }): Promise<{ got: string[]; old: LogEntry[] }> {
  h = await startHarness({ store: 'disk', capacity: 10, logsVia: hold.via });
  const base = Date.now() - HOUR;
  const old: LogEntry[] = Array.from({ length: 50 }, (_, i) => makeEntry('api', Level.INFO, `old ${i}`, base + i));
  await h.append(old);
  const s = await openLineStream(h.port, '/logs/stream?service=api&tail=30');
  assert.is(s.status, 200);
  await waitFor(() => hold.held() === 1, 5000, 'the tail query to reach the store');
  // Lines arrive while the store is asked: held until the tail has gone.
  await h.append([makeEntry('api', Level.INFO, 'live 0', base + 100), makeEntry('api', Level.INFO, 'live 1', base + 101)]);
  assert.equal(messages(s), [], 'nothing before the tail');
  hold.releaseAll();
  await waitFor(() => messages(s).includes('live 1'), 5000, 'the tail and the held live lines');
  await h.append([makeEntry('api', Level.INFO, 'live 2', base + 102)]);
  await waitFor(() => messages(s).includes('live 2'), 5000, 'a later live line');
  const got = messages(s);
  s.close();
  return { got, old };
}

test('tail=30 over a 10-entry window gives the newest 30 from disk, then live lines once each, even those that arrive while the store answers', async () => {
  const hold = holdQueries();
  const { got, old } = await tailAcrossTheHold(hold);
  assert.equal([hold.seen[0]!.limit, hold.seen[0]!.order], [30, 'desc']);
  // The store read after the two held lines were written: its newest 30 include them, so the tail is
  // the 28 newest old lines and those two (which then do not come again as live lines).
  assert.equal(got, [...old.slice(-28).map((e) => e.message), 'live 0', 'live 1', 'live 2']);
});

test('an answer from before the live lines: the tail is the newest 30 old lines, then every live line once', async () => {
  const { got, old } = await tailAcrossTheHold(holdReplies());
  assert.equal(got, [...old.slice(-30).map((e) => e.message), 'live 0', 'live 1', 'live 2']);
});

test('memory mode: the tail is the buffer\'s, as before (no store to ask)', async () => {
  h = await startHarness({ capacity: 10 });
  const base = Date.now() - HOUR;
  await h.append(Array.from({ length: 50 }, (_, i) => makeEntry('api', Level.INFO, `old ${i}`, base + i)));
  const s = await openLineStream(h.port, '/logs/stream?service=api&tail=30');
  await waitFor(() => s.lines().length >= 10, 5000, 'the tail');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(messages(s), Array.from({ length: 10 }, (_, i) => `old ${40 + i}`));
  s.close();
});

test.run();
