/**
 * The durable store with the real service process, the real engine and real files: SIGKILLs during
 * a flood, a container removed while the service was down, paging while lines arrive, a full disk
 * (a tmpfs mounted for the test, then grown) and a corrupted database. Every line Docker holds is
 * present exactly once, judged against `docker logs`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { httpGet, startServiceProcess, stopAllServices, type ServiceProcess } from '../bench/service-process.js';
import { isCI, removeTestContainers, requireEngine, runContainer, waitFor } from '../rig/rig-client.js';
import { dockerTimeline, uniquePrefix, waitExited } from '../support/collect-helpers.js';
import { checkResponse } from '../support/openapi-check.js';
import { tempDataDir } from '../support/service-harness.js';

const test = suite('store-durability');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface WireEntry {
  seq: number;
  docker_timestamp: string;
  message: string;
  stream: string;
  container_id: string;
}

/** Every entry of a query, oldest first, following next_cursor page by page. */
async function allPages(svc: ServiceProcess, query: string, limit = 1000, order = 'asc'): Promise<WireEntry[]> {
  const out: WireEntry[] = [];
  let cursor = '';
  for (;;) {
    const r = await httpGet(svc.port, `/logs?${query}&order=${order}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, 30_000);
    assert.is(r.status, 200, r.body.slice(0, 300));
    const page = JSON.parse(r.body) as { logs: WireEntry[]; next_cursor?: string };
    out.push(...page.logs);
    if (!page.next_cursor) return out;
    cursor = page.next_cursor;
  }
}

/** Asserts the service holds exactly Docker's lines of a container: same count, timestamps, streams, text. */
async function assertExactly(svc: ServiceProcess, id: string, timeoutMs = 60_000): Promise<WireEntry[]> {
  const t = await dockerTimeline(id);
  const expected = [...t.stdout.map(([ts, m]) => [ts, 'stdout', m]), ...t.stderr.map(([ts, m]) => [ts, 'stderr', m])];
  let ours: WireEntry[] = [];
  await waitFor(async () => (ours = await allPages(svc, `container=${id.slice(0, 12)}`)).length >= expected.length, {
    timeoutMs,
    what: `${expected.length} lines of ${id.slice(0, 12)} (have ${ours.length})`,
  }).catch((e: Error) => {
    throw new Error(`${e.message}; have ${ours.length}`);
  });
  await sleep(300);
  ours = await allPages(svc, `container=${id.slice(0, 12)}`);
  for (const stream of ['stdout', 'stderr']) {
    assert.equal(
      ours.filter((e) => e.stream === stream).map((e) => [e.docker_timestamp, e.stream, e.message]),
      expected.filter((e) => e[1] === stream),
      `${stream} of ${id.slice(0, 12)}: ${ours.length} stored, docker logs has ${expected.length}`,
    );
  }
  assert.is(new Set(ours.map((e) => e.seq)).size, ours.length, 'every seq once');
  return ours;
}

function start(prefix: string, dataDir: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  return startServiceProcess({ dockerHost: process.env.DOCKER_HOST!, include: `${prefix}*`, maxLogBuffer: 10_000, env: { DATA_DIR: dataDir, ...env } });
}

async function kill(svc: ServiceProcess): Promise<void> {
  const gone = new Promise((r) => svc.child.once('exit', r));
  svc.child.kill('SIGKILL');
  await gone;
  await svc.stop(0);
}

if (requireEngine(test)) {
  test.after.each(async () => {
    await stopAllServices(2000);
    await removeTestContainers();
  });

  test('SIGKILL three times during a flood, and a container removed while the service was down: every line once', async () => {
    const prefix = uniquePrefix('sigkill');
    const dataDir = tempDataDir();
    let svc = await start(prefix, dataDir);
    const short = await runContainer({ name: `${prefix}-short`, script: 'for i in 1 2 3 4 5; do echo "short $i"; echo "short err $i" >&2; done' });
    const flood = await runContainer({
      name: `${prefix}-flood`,
      script: 'i=0; while [ $i -lt 30000 ]; do i=$((i+1)); echo "flood line $i"; [ $((i % 200)) = 0 ] && usleep 30000; done; echo FLOOD-END',
    });
    await waitExited(short.id);
    await waitFor(async () => (await allPages(svc, `container=${short.id.slice(0, 12)}`)).length === 10, { what: 'the short container stored' });
    for (const afterMs of [300, 900, 1500]) {
      await sleep(afterMs);
      await kill(svc);
      if (afterMs === 300) await short.remove(); // removed while nobody collects
      svc = await start(prefix, dataDir);
    }
    await waitExited(flood.id, 90_000);
    const lines = await assertExactly(svc, flood.id, 90_000);
    assert.is(lines.length, 30_001);
    // The removed container's lines survived the SIGKILL: they come from the store alone now.
    const kept = await allPages(svc, `container=${short.id.slice(0, 12)}`);
    assert.equal(kept.map((e) => e.message).sort(), ['short 1', 'short 2', 'short 3', 'short 4', 'short 5', 'short err 1', 'short err 2', 'short err 3', 'short err 4', 'short err 5']);
    // The answers match the API document, seq and store included.
    const page = await httpGet(svc.port, `/logs?container=${flood.id.slice(0, 12)}&limit=5`);
    checkResponse('/logs', 200, JSON.parse(page.body));
    const health = await httpGet(svc.port, '/health');
    checkResponse('/health', 200, JSON.parse(health.body));
    assert.is(JSON.parse(health.body).store.state, 'ok');
    // And on /metrics, for Prometheus.
    const metrics = (await httpGet(svc.port, '/metrics')).body;
    const committed = Number(/^logagg_store_committed_seq (\d+)/m.exec(metrics)?.[1]);
    assert.ok(committed >= 30_001 + 10, `logagg_store_committed_seq ${committed}`);
    assert.match(metrics, /^logagg_store_failing 0$/m);
    assert.match(metrics, /^logagg_store_oldest_entry_timestamp_seconds \d+/m);
  });

  test('SIGKILL while a stack trace is held in the joiner: after the restart it is stored once, whole', async () => {
    const prefix = uniquePrefix('heldtrace');
    const dataDir = tempDataDir();
    const env = { MULTILINE_QUIET_MS: '20000' };
    let svc = await start(prefix, dataDir, env);
    const c = await runContainer({
      name: `${prefix}-a`,
      script: [
        'echo "before the trace"',
        'echo "Traceback (most recent call last):"',
        'echo "  File /app/main.py, line 3, in <module>"',
        'echo "    run()"',
        'sleep 3',
        'echo "ValueError: held across a crash"',
        'echo "after the trace"',
      ].join('; '),
    });
    // The first line is stored; the trace's first lines wait in the joiner (20 s quiet time).
    await waitFor(async () => (await allPages(svc, `container=${c.id.slice(0, 12)}`)).some((e) => e.message === 'before the trace'), { what: 'the first line stored' });
    await sleep(300);
    await kill(svc);
    svc = await start(prefix, dataDir, env);
    await waitExited(c.id, 30_000);
    const entries = await waitFor(async () => {
      const all = await allPages(svc, `container=${c.id.slice(0, 12)}`);
      return all.length >= 3 ? all : undefined;
    }, { timeoutMs: 40_000, what: 'three entries' });
    await sleep(500);
    const final = await allPages(svc, `container=${c.id.slice(0, 12)}`);
    assert.equal(final.map((e) => e.message), [
      'before the trace',
      'Traceback (most recent call last):\n  File /app/main.py, line 3, in <module>\n    run()\nValueError: held across a crash',
      'after the trace',
    ], JSON.stringify(entries.map((e) => e.message)));
  });

  test('MAX_LOG_BUFFER=1000: paging through 20k stored entries gives each once while new lines arrive', async () => {
    const prefix = uniquePrefix('paging');
    const svc = await start(prefix, tempDataDir(), { MAX_LOG_BUFFER: '1000' });
    const bulk = await runContainer({ name: `${prefix}-bulk`, script: 'seq 1 20000 | sed "s/^/bulk /"' });
    await waitExited(bulk.id);
    await assertExactly(svc, bulk.id);
    const busy = await runContainer({ name: `${prefix}-busy`, script: 'i=0; while [ $i -lt 4000 ]; do i=$((i+1)); echo "busy $i"; usleep 2000; done' });
    await waitFor(async () => (await allPages(svc, `container=${busy.id.slice(0, 12)}`, 1000, 'desc')).length > 100, { what: 'the busy container to be logging' });
    // Newest first through everything, in pages of 500, while the busy container keeps logging.
    const seen = await allPages(svc, `service=${prefix}-bulk,${prefix}-busy`, 500, 'desc');
    const seqs = seen.map((e) => e.seq);
    assert.is(new Set(seqs).size, seqs.length, 'no entry twice');
    const bulkSeen = seen.filter((e) => e.message.startsWith('bulk '));
    assert.is(bulkSeen.length, 20_000, 'every bulk line once');
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1]!.docker_timestamp >= seen[i]!.docker_timestamp, 'newest first');
  });

  test('a full disk: degraded while entries wait in memory, then recovered with every line once', async () => {
    const prefix = uniquePrefix('fulldisk');
    const mnt = join(tempDataDir(), 'tmpfs');
    mkdirSync(mnt, { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
    } catch (e) {
      if (isCI()) throw new Error(`cannot mount a tmpfs for the full-disk test (run as root): ${(e as Error).message}`);
      console.warn(`skipping the full-disk test: cannot mount a tmpfs: ${(e as Error).message}`);
      return;
    }
    try {
      const svc = await start(prefix, mnt, { FOLLOWER_STALL_SECONDS: '120' });
      const c = await runContainer({ name: `${prefix}-a`, script: 'i=0; while [ $i -lt 12000 ]; do i=$((i+1)); echo "filling the disk with line number $i and some padding to make it longer"; [ $((i % 500)) = 0 ] && usleep 50000; done' });
      const degraded = await waitFor(
        async () => {
          const h = await httpGet(svc.port, '/health');
          const body = JSON.parse(h.body) as { status: string; store?: { state: string; error?: string; pending_entries: number } };
          return h.status === 503 && body.store?.state === 'failing' ? body : undefined;
        },
        { timeoutMs: 60_000, what: 'the store to report the full disk' },
      );
      assert.match(degraded.store!.error!, /FULL|full|space/);
      // Live collection goes on meanwhile: the hot window is served from memory.
      await waitExited(c.id, 90_000);
      execFileSync('mount', ['-o', 'remount,size=64m', mnt]);
      await waitFor(async () => (await httpGet(svc.port, '/health')).status === 200, { timeoutMs: 60_000, what: '/health 200 once the disk has room' });
      await assertExactly(svc, c.id);
      await svc.stop();
    } finally {
      await stopAllServices(2000);
      execFileSync('umount', ['-l', mnt]);
    }
  });

  test('a corrupted database is moved aside and the service comes up collecting', async () => {
    const prefix = uniquePrefix('corrupt');
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, 'logagg.db'), Buffer.alloc(16_384, 0x42));
    const svc = await start(prefix, dataDir);
    assert.ok(readdirSync(dataDir).some((f) => f.startsWith('logagg.db.corrupt-')), readdirSync(dataDir).join(', '));
    assert.match(svc.output(), /moved aside/);
    const c = await runContainer({ name: `${prefix}-a`, script: 'echo "after corruption"' });
    await waitExited(c.id);
    await assertExactly(svc, c.id);
    assert.ok(existsSync(join(dataDir, 'logagg.db')));
  });
}

test.run();
