import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AppendAck } from '../../actors/model/ingest-protocol.js';
import { errorAlertActor, type ErrorAlertMsg } from '../../actors/error-alert-actor.js';
import type { ErrorSummary } from '../../actors/error-summary.js';
import { Level } from '../../actors/model/log-entry.js';
import { ActorSystem, ask, ManualClock } from '../../runtime/index.js';
import { makeEntry, T0 } from '../support/entries.js';
import { flush } from '../support/flush.js';

const test = suite('error-alert-actor');

const MIN = 60_000;
const HOUR = 60 * MIN;

function setup(retentionMs = HOUR) {
  const clock = new ManualClock(T0);
  const sys = new ActorSystem({ clock });
  const ref = sys.spawn<ErrorAlertMsg>('errors', errorAlertActor({ retentionMs, maxFingerprints: 10 }));
  const summary = (sinceMs?: number, untilMs?: number) =>
    ask<ErrorAlertMsg, ErrorSummary>(ref, (replyTo) => ({ type: 'summary', ...(sinceMs !== undefined ? { sinceMs } : {}), ...(untilMs !== undefined ? { untilMs } : {}), replyTo }), 1000, clock);
  return { clock, sys, ref, summary };
}

test('counts what it is sent, acks when asked, answers summaries', async () => {
  const { sys, ref, clock, summary } = setup();
  const ack = await ask<ErrorAlertMsg, AppendAck>(
    ref,
    (a) => ({
      type: 'append',
      entries: [makeEntry({ service: 'api' }), makeEntry({ service: 'api', level: Level.ERROR, message: 'TypeError: x is undefined' })],
      ack: a,
    }),
    1000,
    clock,
  );
  assert.equal(ack, { type: 'appended', count: 2 });
  ref.tell({ type: 'append', entries: [makeEntry({ service: 'db', level: Level.CRITICAL, dockerMs: T0 + 2 * MIN, message: 'panic: boom' })] });
  const all = await summary();
  assert.is(all.total_lines, 3);
  assert.is(all.total_errors, 2);
  assert.equal(all.services_with_errors.map((s) => [s.service, s.error_count]), [['api', 1], ['db', 1]]);
  assert.equal(all.top_exceptions.map((t) => t.type).sort(), ['TypeError', 'panic']);
  const late = await summary(T0 + MIN);
  assert.is(late.total_lines, 1);
  assert.equal(late.window.since, new Date(T0 + MIN).toISOString());
  await sys.shutdown();
});

test('counts leave with the retention window (prune timer on the injected clock)', async () => {
  const { sys, ref, clock, summary } = setup(10 * MIN);
  ref.tell({ type: 'append', entries: [makeEntry({ level: Level.ERROR, message: 'KeyError: a' })] });
  await flush();
  assert.is((await summary()).total_errors, 1);
  clock.advance(11 * MIN);
  await flush();
  const s = await summary();
  assert.is(s.total_errors, 0);
  assert.equal(s.top_exceptions, []);
  await sys.shutdown();
});

test.run();
