/**
 * Diagnostic: how many entries each `append` message from a container's follower to the buffer carries during
 * a flood (BATCH_SIZE is the most). Starts the service in process on the rig's engine, floods one container,
 * counts the append messages. Run: `node dist/test/bench/ingest-batches.js [lines=100000]`.
 */
import { ensureEngine } from '../rig/docker-rig.js';
import { ask, type ActorRef } from '../../runtime/index.js';
import type { BufferStats } from '../../actors/model/query-protocol.js';
import type { BufferMsg } from '../../actors/buffer-actor.js';
import { startService } from '../../actors/service.js';
import { BenchDocker } from './bench-docker.js';
import { log, nowMs, sleep } from './bench-util.js';
import { floodScript } from './log-scripts.js';

const lines = Number(process.argv[2] ?? 100_000) || 100_000;
const rig = await ensureEngine({ log: (m) => log(`[rig] ${m}`) });
const bd = new BenchDocker(rig.dockerHost);
const name = `bench-batches-${Date.now().toString(36)}`;
const service = await startService({
  dockerHost: rig.dockerHost,
  maxLogBuffer: lines + 1000,
  retentionMs: 86_400_000,
  batchSize: 100,
  maxLineBytes: 262_144,
  multilineQuietMs: 300,
  multilineMaxLines: 500,
  redactPatterns: [],
  includeContainers: [new RegExp(`^${name}$`)],
  excludeContainers: [],
  backfillConcurrency: 4,
    followerStallMs: 30_000,
    storage: 'memory',
    dataDir: '',
    maxStorageBytes: 1 << 30,
});
try {
  // Count the append messages on their way into the buffer (the followers hold this same ref).
  const sizes = new Map<number, number>();
  let messages = 0;
  const ref = service.buffer as ActorRef<BufferMsg>;
  const tell = ref.tell.bind(ref);
  (ref as { tell: (m: BufferMsg) => boolean }).tell = (m: BufferMsg) => {
    if (m.type === 'append') {
      messages++;
      sizes.set(m.entries.length, (sizes.get(m.entries.length) ?? 0) + 1);
    }
    return tell(m);
  };
  const { script, env } = floodScript({ lines, tag: name, delaySec: 1 });
  const c = await bd.create(name, script, env);
  const t0 = nowMs();
  await c.start();
  await c.wait();
  for (;;) {
    const s = await ask<BufferMsg, BufferStats>(service.buffer, (replyTo) => ({ type: 'stats', replyTo }), 5000);
    if (s.appended >= lines + 1 || nowMs() - t0 > 60_000) break;
    await sleep(50);
  }
  const top = [...sizes.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
  log(`${lines + 1} lines arrived in ${messages} append messages: ${((lines + 1) / messages).toFixed(2)} entries per message (BATCH_SIZE 100)`);
  log(`most frequent batch sizes [entries, messages]: ${JSON.stringify(top)}`);
} finally {
  await service.stop();
  await bd.removeAll();
  await rig.stop();
}
