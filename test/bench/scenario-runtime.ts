/**
 * runtime: throughput of `tell` into one actor (a burst of N messages, first tell → last receive), and the
 * round trip of `ask` (sequential, to an actor that replies at once). In process.
 */
import { ActorSystem, ask, type ActorRef } from '../../runtime/index.js';
import { log, median, round, size, summary, type BenchRow } from './bench-util.js';
import { benchParse } from './parse-bench.js';

type Ping = { n: number; replyTo: ActorRef<number> };

async function tellBurst(n: number): Promise<number> {
  const system = new ActorSystem();
  let count = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const ref = system.spawn<{ n: number }>('sink', () => ({
    receive(msg) {
      count += msg.n > -1 ? 1 : 0;
      if (count === n) done();
    },
  }));
  // Let the actor start.
  await new Promise((r) => setImmediate(r));
  const t0 = performance.now();
  for (let i = 0; i < n; i++) ref.tell({ n: i });
  await finished;
  const ms = performance.now() - t0;
  await system.shutdown(1000);
  return (n / ms) * 1000;
}

async function askRoundTrips(n: number): Promise<number[]> {
  const system = new ActorSystem();
  const ref = system.spawn<Ping>('echo', () => ({
    receive(msg) {
      msg.replyTo.tell(msg.n);
    },
  }));
  await new Promise((r) => setImmediate(r));
  const us: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await ask<Ping, number>(ref, (replyTo) => ({ n: i, replyTo }), 5000);
    us[i] = (performance.now() - t0) * 1000;
  }
  await system.shutdown(1000);
  return us;
}

export async function benchRuntime(): Promise<BenchRow[]> {
  const n = size(1_000_000, 200_000);
  const asks = size(100_000, 20_000);
  const rounds = size(5, 2);
  await tellBurst(n / 10); // warm-up
  await askRoundTrips(asks / 10);
  const tells: number[] = [];
  const askP50: number[] = [];
  const askMean: number[] = [];
  let last: ReturnType<typeof summary> | undefined;
  for (let r = 0; r < rounds; r++) {
    tells.push(await tellBurst(n));
    const rt = await askRoundTrips(asks);
    last = summary(rt);
    askP50.push(last.p50);
    askMean.push(last.mean);
  }
  log(`runtime: tell ${Math.round(median(tells)).toLocaleString('en-US')} msgs/s, ask p50 ${median(askP50)} µs (mean ${median(askMean)} µs)`);
  return [
    { scenario: 'runtime', metric: `tell throughput, ${n / 1000}k burst (median of ${rounds})`, value: Math.round(median(tells)), unit: 'msgs/s', target: '', pass: null, detail: { tellsPerSec: tells.map(Math.round), askP50Us: askP50, askMeanUs: askMean, lastAskRound: last } },
    { scenario: 'runtime', metric: `ask round trip p50 (${asks / 1000}k sequential)`, value: round(median(askP50), 2), unit: 'µs', target: '', pass: null },
    { scenario: 'runtime', metric: 'ask round trip mean', value: round(median(askMean), 2), unit: 'µs', target: '', pass: null },
  ];
}

export async function benchParseScenario(): Promise<BenchRow[]> {
  const lines = size(200_000, 50_000);
  const rounds = size(3, 1);
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) rates.push((await benchParse({ lines })).linesPerSec);
  const med = median(rates);
  log(`parse: ${Math.round(med).toLocaleString('en-US')} lines/s (rounds: ${rates.join(', ')})`);
  return [
    {
      scenario: 'parse',
      metric: `parse+redact+multi-line, ${lines / 1000}k mixed lines`,
      value: Math.round(med),
      unit: 'lines/s',
      target: '≥ 200,000 lines/s',
      pass: med >= 200_000,
      detail: { lines, rounds, linesPerSec: rates, note: 'each round: median of 3 timed passes after 3 warm-up passes (parse-bench.ts)' },
    },
  ];
}
