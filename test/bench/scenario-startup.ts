/**
 * startup: `node dist/main.js` spawned → first `/health` 200, with 25 running containers to follow (A), against
 * the same start with none of them included (B); A and B alternate. Also reported: spawn → all 25 followed and
 * their history (2000 lines each) in the buffer.
 */
import { log, median, nowMs, round, size, sleep, until, type BenchRow } from './bench-util.js';
import { floodScript } from './log-scripts.js';
import { profDir, type BenchContext } from './scenario-context.js';
import { startServiceProcess } from './service-process.js';

export async function benchStartup(ctx: BenchContext): Promise<BenchRow[]> {
  const containers = 25;
  const history = 2000;
  const rounds = size(5, 2);
  const prefix = `bench-start-${Date.now().toString(36)}`;
  try {
    const made = [];
    for (let i = 0; i < containers; i++) {
      const f = floodScript({ lines: history, tag: `${prefix}-${i}`, seed: 100 + i });
      made.push(ctx.bd.create(`${prefix}-${i}`, `${f.script.replace(/^exec /, '')}; exec sleep 1000000`, f.env));
    }
    const list = await Promise.all(made);
    for (let i = 0; i < list.length; i += 5) await Promise.all(list.slice(i, i + 5).map((c) => c.start()));
    await until(async () => (await ctx.bd.docker.listContainers({ filters: { name: [prefix] } })).length === containers, 30_000, `${containers} running containers`);
    await sleep(1500);

    const withC: number[] = [];
    const without: number[] = [];
    const backfilled: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const order: ('with' | 'without')[] = r % 2 === 0 ? ['with', 'without'] : ['without', 'with'];
      for (const which of order) {
        const t0 = nowMs();
        const svc = await startServiceProcess({
          dockerHost: ctx.dockerHost,
          include: which === 'with' ? `${prefix}-*` : `${prefix}-none`,
          maxLogBuffer: 100_000,
          env: { MAX_LOG_BUFFER_MB: '32' },
          pollMs: 5,
          cpuProfDir: profDir(ctx, `startup-${which}-${r}`),
        });
        try {
          if (which === 'with') {
            withC.push(svc.readyMs);
            const expected = containers * (history + 1);
            await until(async () => {
              const h = await svc.health();
              return h.containers_monitored === containers && h.log_buffer_size === expected;
            }, 30_000, `${containers} containers followed and ${expected} lines of history stored`, 10);
            backfilled.push(nowMs() - t0);
            log(`startup round ${r + 1}/${rounds} with ${containers} containers: /health 200 after ${svc.readyMs.toFixed(0)} ms, all history in after ${(nowMs() - t0).toFixed(0)} ms`);
          } else {
            without.push(svc.readyMs);
            log(`startup round ${r + 1}/${rounds} without containers: /health 200 after ${svc.readyMs.toFixed(0)} ms`);
          }
        } finally {
          await svc.stop();
        }
      }
    }
    const med = median(withC);
    const detail = {
      containers,
      historyLinesEach: history,
      rounds,
      withContainersMs: withC.map((x) => round(x, 0)),
      withoutContainersMs: without.map((x) => round(x, 0)),
      allHistoryStoredMs: backfilled.map((x) => round(x, 0)),
    };
    return [
      { scenario: 'startup', metric: `spawn → /health 200, ${containers} containers (median of ${rounds})`, value: round(med, 0), unit: 'ms', target: '≤ 1000 ms', pass: med <= 1000, detail },
      { scenario: 'startup', metric: 'same, no containers included', value: round(median(without), 0), unit: 'ms', target: '', pass: null },
      { scenario: 'startup', metric: `spawn → all ${containers} followed + history stored`, value: round(median(backfilled), 0), unit: 'ms', target: '', pass: null },
    ];
  } finally {
    await ctx.bd.removeAll(prefix);
  }
}
