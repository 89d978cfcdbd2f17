/** Per-container lines and lines per second, counted by the ingest sink on an injected clock. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ContainerRates, MAX_CONTAINERS } from '../../actors/container-rates.js';
import type { ContainerLines } from '../../actors/container-rates.js';
import { ingestMetricsActor, type IngestMetricsMsg } from '../../actors/ingest-metrics-actor.js';
import { ActorSystem, ask, ManualClock } from '../../runtime/index.js';
import { makeEntry } from '../support/entries.js';

const test = suite('container rates');
const NOW = Date.UTC(2025, 9, 25, 15, 0, 0, 500);
const S = 1000;

test('the rate counts lines whose Docker time is in the last 60 s; the total counts every line', () => {
  const r = new ContainerRates();
  // 30 lines over the last half minute, 100 backfilled from an hour ago, 2 stamped ahead of our clock.
  r.add('a', Array.from({ length: 30 }, (_, i) => NOW - i * S), NOW);
  r.add('a', Array.from({ length: 100 }, (_, i) => NOW - 3600 * S + i), NOW);
  r.add('a', [NOW + 5 * S, NOW + 5 * S], NOW);
  let [a] = r.snapshot(NOW);
  assert.equal(a, { id: 'a', lines: 132, linesPerSecond: 32 / 60, lastLineMs: NOW + 5 * S });
  // 45 s later the lines of 15..29 s ago have left the window (seconds NOW-14 .. NOW-29 and older).
  [a] = r.snapshot(NOW + 45 * S);
  assert.is(a!.linesPerSecond, (15 + 2) / 60);
  assert.is(r.snapshot(NOW + 61 * S)[0]!.linesPerSecond, 0);
  assert.is(r.snapshot(NOW + 61 * S)[0]!.lines, 132);
  // A slot reused a minute later starts from zero.
  r.add('a', [NOW + 60 * S], NOW + 60 * S);
  assert.is(r.snapshot(NOW + 60 * S)[0]!.linesPerSecond, 1 / 60);
});

test(`at most ${MAX_CONTAINERS} containers: the one whose lines came least recently is forgotten`, () => {
  const r = new ContainerRates();
  for (let i = 0; i <= MAX_CONTAINERS; i++) r.add(`c${i}`, [NOW], NOW);
  r.add('c0', [NOW], NOW); // c0 is forgotten already; it comes back with one line
  assert.is(r.size, MAX_CONTAINERS);
  const ids = new Set(r.snapshot(NOW).map((c) => c.id));
  assert.not.ok(ids.has('c1'), 'c1 came least recently');
  assert.is(r.snapshot(NOW).find((c) => c.id === 'c0')!.lines, 1);
});

test('the ingest sink counts per container from mixed batches, on the system clock it is given', async () => {
  const clock = new ManualClock(NOW);
  const sys = new ActorSystem({ clock });
  try {
    const ingest = sys.spawn<IngestMetricsMsg>('metrics', ingestMetricsActor());
    const a = (ms: number) => makeEntry({ containerName: 'a', dockerMs: ms });
    const b = (ms: number) => makeEntry({ containerName: 'b', dockerMs: ms });
    ingest.tell({ type: 'append', entries: [a(NOW - 2 * S), a(NOW - S), b(NOW - 90 * S), a(NOW)] });
    ingest.tell({ type: 'append', entries: [b(NOW - 10 * S)] });
    const snap = async (): Promise<ContainerLines[]> => await ask<IngestMetricsMsg, ContainerLines[]>(ingest, (replyTo) => ({ type: 'containers', replyTo }), 1000);
    const first = await snap();
    assert.is(first.length, 2);
    const ca = first.find((c) => c.id === a(0).containerId);
    const cb = first.find((c) => c.id === b(0).containerId);
    assert.equal([ca!.id, ca!.lines, ca!.linesPerSecond, ca!.lastLineMs], [a(0).containerId, 3, 3 / 60, NOW]);
    assert.equal([cb!.id, cb!.lines, cb!.linesPerSecond, cb!.lastLineMs], [b(0).containerId, 2, 1 / 60, NOW - 10 * S]);
    clock.advance(120 * S);
    assert.equal((await snap()).map((c) => c.linesPerSecond), [0, 0]);
  } finally {
    await sys.shutdown();
  }
});

test.run();
