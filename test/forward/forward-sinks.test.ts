/**
 * Forwarding end to end in one process: the real StoreActor and ForwarderActor, the real sinks, and
 * receivers that check each wire format strictly (test/support/sink-receivers.ts). Every line arrives
 * once and in order per container; failures are retried (Retry-After honoured), a poison entry is
 * found by bisection and dead-lettered, Elasticsearch items refused with 429 are retried alone.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Level, type LogEntry } from '../../actors/model/log-entry.js';
import type { SinkKind } from '../../actors/forward/sink-config.js';
import { waitFor } from '../rig/rig-client.js';
import { makeEntry, T0 } from '../support/entries.js';
import { forwardRig, sinkConfig, type ForwardRig } from '../support/forward-rig.js';
import { tempDataDir } from '../support/service-harness.js';
import { SinkReceiver, type Received } from '../support/sink-receivers.js';

const test = suite('forward-sinks');
let receivers: SinkReceiver[] = [];
let rigs: ForwardRig[] = [];

test.after.each(async () => {
  for (const r of rigs) await r.stop();
  for (const r of receivers) await r.stop();
  rigs = [];
  receivers = [];
});

async function receiver(kind: ConstructorParameters<typeof SinkReceiver>[0]): Promise<SinkReceiver> {
  const r = await new SinkReceiver(kind).start();
  receivers.push(r);
  return r;
}

/** `n` entries over three containers of two services, levels cycling, Docker time growing. */
function entries(n: number, from = 0, message = (i: number) => `line ${i}`): LogEntry[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const c = i % 3;
    return makeEntry({ containerName: `app-${c}`, service: c === 2 ? 'worker' : 'api', level: (i % 6) as Level, message: message(i), dockerMs: T0 + i, nanos: 123, fields: { i } });
  });
}

/** Received seqs per container must be increasing (order kept per container). */
function assertOrderPerContainer(received: Received[]): void {
  const last = new Map<string, number>();
  for (const r of received) {
    const prev = last.get(r.container) ?? 0;
    assert.ok(r.seq > prev, `${r.container}: seq ${r.seq} after ${prev}`);
    last.set(r.container, r.seq);
  }
}

for (const kind of ['webhook', 'loki', 'elasticsearch', 'otlp'] as const) {
  test(`${kind}: every line once, in order per container, in the documented format`, async () => {
    const rx = await receiver(kind);
    const rig = forwardRig(sinkConfig(kind as SinkKind, rx.url), { dataDir: tempDataDir() });
    rigs.push(rig);
    await rig.ready();
    rig.append(entries(700));
    rig.append(entries(500, 700));
    await waitFor(() => rx.received.length >= 1200, { what: `1200 lines at the ${kind} receiver (have ${rx.received.length})`, timeoutMs: 15_000 });
    assert.equal(rx.violations, []);
    assert.is(rx.received.length, 1200);
    assert.equal(new Set(rx.received.map((r) => r.seq)).size, 1200);
    assert.equal(new Set(rx.received.map((r) => r.message)).size, 1200);
    if (kind !== 'loki') assertOrderPerContainer(rx.received);
    // Loki sorts within streams (service, level, host): order per container holds within each stream.
    if (kind === 'loki') {
      const first = rx.received.find((r) => r.message === 'line 4')!;
      assert.equal(first.extra.labels, { service: 'api', level: 'error', host: 'testhost' });
      assert.equal((first.extra.meta as Record<string, string>).container_name, 'app-1');
      assert.is(first.extra.ts, String(BigInt(T0 + 4) * 1_000_000n + 123n));
      assert.ok(rx.headers.every((h) => h['content-encoding'] === 'gzip'));
    }
    if (kind === 'elasticsearch') {
      const d = rx.received.find((r) => r.message === 'line 5')!.extra as Record<string, any>;
      assert.is(d['@timestamp'], new Date(T0 + 5).toISOString());
      assert.is(d.log.level, 'critical');
      assert.is(d.host.name, 'testhost');
      assert.is(d.container.name, 'app-2');
      assert.is(d.service.name, 'worker');
    }
    if (kind === 'otlp') {
      const r = rx.received.find((x) => x.message === 'line 3')!.extra as Record<string, any>;
      assert.is(r.severityNumber, 13);
      assert.is(r.severityText, 'WARN');
      assert.is(r.resource['host.name'], 'testhost');
      assert.is(r.timeUnixNano, String(BigInt(T0 + 3) * 1_000_000n + 123n));
    }
    // The receiver counts a batch before its answer reaches the forwarder: wait for the commit.
    await waitFor(async () => (await rig.status()).cursor === 1200, { what: 'the cursor committed past the last batch' });
    const s = await rig.status();
    assert.is(s.sent, 1200);
    assert.is(s.lagEntries, 0);
    assert.is(s.lagSeconds, 0);
    assert.is(s.cursor, 1200);
    assert.ok(s.lastSuccessMs);
  });
}

test('loki: 429 with Retry-After is retried after the delay; nothing is lost or duplicated', async () => {
  const rx = await receiver('loki');
  const limited = () => ({ status: 429, headers: { 'retry-after': '1' }, body: 'Ingestion rate limit exceeded for user fake (limit: 4194304 bytes/sec)' });
  rx.script.push(limited, limited);
  const rig = forwardRig(sinkConfig('loki', rx.url, { tenant: 'team-a' }), { dataDir: tempDataDir() });
  rigs.push(rig);
  await rig.ready();
  const t0 = Date.now();
  rig.append(entries(300));
  await waitFor(() => rx.received.length >= 300, { what: '300 lines after two 429s', timeoutMs: 15_000 });
  assert.ok(Date.now() - t0 >= 1900, `waited ${Date.now() - t0} ms, Retry-After asked 2 × 1 s`);
  assert.is(rx.received.length, 300);
  assert.is(rx.requests, 3);
  assert.ok(rx.headers.every((h) => h['x-scope-orgid'] === 'team-a'));
  const s = await rig.status();
  assert.is(s.retried, 600);
  assert.match(s.lastError ?? '', /429/);
});

test('elasticsearch: 200 with per-item errors; 429 items retried alone, mapping errors dead-lettered, never retried', async () => {
  const rx = await receiver('elasticsearch');
  const busySeen = new Set<string>();
  rx.itemOutcome = (doc) => {
    const m = doc.message as string;
    if (m.includes('MAPPING')) return { status: 400, type: 'document_parsing_exception', reason: '[1:2] failed to parse field [fields.i] of type [long]' };
    if (m.includes('BUSY') && !busySeen.has(m)) {
      busySeen.add(m);
      return { status: 429, type: 'es_rejected_execution_exception', reason: 'rejected execution of coordinating operation' };
    }
    return undefined;
  };
  const rig = forwardRig(sinkConfig('elasticsearch', rx.url), { dataDir: tempDataDir() });
  rigs.push(rig);
  await rig.ready();
  rig.append(entries(100, 0, (i) => (i === 10 || i === 50 ? `MAPPING ${i}` : i % 20 === 7 ? `BUSY ${i}` : `line ${i}`)));
  await waitFor(() => rx.received.length >= 98, { what: '98 documents', timeoutMs: 15_000 });
  await waitFor(async () => (await rig.status()).lagEntries === 0, { what: 'the cursor past the batch' });
  assert.is(rx.received.length, 98);
  assert.equal(new Set(rx.received.map((r) => r.seq)).size, 98);
  assert.is(rx.requests, 2, 'one bulk, then the 429 items alone');
  assert.equal(rx.received.slice(-5).map((r) => r.message), ['BUSY 7', 'BUSY 27', 'BUSY 47', 'BUSY 67', 'BUSY 87']);
  const s = await rig.status();
  assert.is(s.deadLettered, 2);
  assert.is(s.retried, 5);
  assert.is(s.sent, 98);
});

test('a poison entry refused with 400 is found by bisection and dead-lettered; the rest arrives', async () => {
  const rx = await receiver('webhook');
  rx.refuse = ({ body }) => (body.includes('POISON') ? { status: 400, body: '{"error":"cannot parse"}' } : undefined);
  const rig = forwardRig(sinkConfig('webhook', rx.url), { dataDir: tempDataDir() });
  rigs.push(rig);
  await rig.ready();
  rig.append(entries(200, 0, (i) => (i === 137 ? 'POISON' : `line ${i}`)));
  await waitFor(async () => (await rig.status()).deadLettered === 1 && rx.received.length === 199, { what: 'the poison entry dead-lettered', timeoutMs: 10_000 });
  assertOrderPerContainer(rx.received);
  assert.ok(!rx.received.some((r) => r.message === 'POISON'));
  assert.ok(rx.requests <= 2 + 2 * Math.ceil(Math.log2(200)), `${rx.requests} requests`);
});

test('401 and 404 are a sink to fix, not bad lines: retried, nothing dead-lettered', async () => {
  const rx = await receiver('webhook');
  rx.script.push(() => ({ status: 401, body: '{"error":"bad token"}' }), () => ({ status: 404, body: 'no such hook' }));
  const rig = forwardRig(sinkConfig('webhook', rx.url), { dataDir: tempDataDir() });
  rigs.push(rig);
  await rig.ready();
  rig.append(entries(50));
  await waitFor(() => rx.received.length === 50, { what: 'the 50 lines after a 401 and a 404', timeoutMs: 10_000 });
  const s = await rig.status();
  assert.is(s.deadLettered, 0);
  assert.is(s.retried, 100);
});

test('filters: minimum level and service globs', async () => {
  const rx = await receiver('webhook');
  const rig = forwardRig(sinkConfig('webhook', rx.url, { filter: { minLevel: Level.ERROR, services: [/^wor.*$/] } }), { dataDir: tempDataDir() });
  rigs.push(rig);
  await rig.ready();
  rig.append(entries(600));
  await waitFor(async () => (await rig.status()).lagEntries === 0 && rx.received.length > 0, { what: 'the batch forwarded' });
  assert.ok(rx.received.every((r) => r.service === 'worker' && ['ERROR', 'CRITICAL'].includes((r.extra as { level: string }).level)));
  assert.is(rx.received.length, entries(600).filter((e) => e.service === 'worker' && e.level >= Level.ERROR).length);
});

test('a new sink starts from the newest entry; start: oldest replays what is stored', async () => {
  const dir = tempDataDir();
  const rx = await receiver('webhook');
  const first = forwardRig(sinkConfig('webhook', rx.url, { name: 'first' }), { dataDir: dir });
  await first.ready();
  first.append(entries(50));
  await waitFor(() => rx.received.length === 50, { what: 'the first 50' });
  await first.stop();
  const rx2 = await receiver('webhook');
  const rx3 = await receiver('webhook');
  const sys2 = forwardRig(sinkConfig('webhook', rx2.url, { name: 'late' }), { dataDir: dir });
  rigs.push(sys2);
  await sys2.ready();
  sys2.append(entries(10, 50));
  await waitFor(() => rx2.received.length === 10, { what: 'only the new 10' });
  await sys2.stop();
  rigs = [];
  const sys3 = forwardRig(sinkConfig('webhook', rx3.url, { name: 'replay', start: 'oldest' }), { dataDir: dir });
  rigs.push(sys3);
  await waitFor(() => rx3.received.length === 60, { what: 'the replay of all 60' });
  assert.equal(rx3.received.map((r) => r.seq), Array.from({ length: 60 }, (_, i) => i + 1));
});

test('sink down, forwarder restarted meanwhile, sink back: every line, at most one batch twice', async () => {
  const dir = tempDataDir();
  const rx = await receiver('webhook');
  const port = rx.port;
  let rig = forwardRig(sinkConfig('webhook', rx.url), { dataDir: dir, batchSize: 100 });
  await rig.ready();
  rig.append(entries(250));
  await waitFor(() => rx.received.length === 250, { what: 'the first 250' });
  await rx.stop();
  rig.append(entries(450, 250));
  await waitFor(async () => (await rig.status()).state === 'retrying', { what: 'the forwarder retrying' });
  const down = await rig.status();
  assert.ok(down.lastError);
  assert.is(down.lagEntries, 450);
  await rig.stop();
  rig = forwardRig(sinkConfig('webhook', rx.url), { dataDir: dir, batchSize: 100 });
  rigs.push(rig);
  await rig.ready();
  rig.append(entries(100, 700));
  await rx.start(port);
  await waitFor(() => new Set(rx.received.map((r) => r.seq)).size === 800, { what: 'all 800 lines', timeoutMs: 30_000 });
  assert.ok(rx.received.length - 800 <= 100, `${rx.received.length - 800} duplicates`);
  assertOrderPerContainer(rx.received.filter((r, i, all) => all.findIndex((x) => x.seq === r.seq) === i));
});

test('STORAGE=memory: forwarding works from the ring; entries that fell out of it count as dropped', async () => {
  const rx = await receiver('webhook');
  const rig = forwardRig(sinkConfig('webhook', rx.url), { batchSize: 1000 });
  rigs.push(rig);
  await rig.ready();
  rig.append(entries(100));
  await waitFor(() => rx.received.length === 100, { what: 'the first 100 from memory' });
  rx.refuse = () => ({ status: 503, body: 'down' });
  for (let i = 0; i < 25; i++) rig.append(entries(1000, 100 + i * 1000));
  await waitFor(async () => (await rig.status()).state === 'retrying', { what: 'the sink refusing' });
  rx.refuse = undefined;
  await waitFor(async () => (await rig.status()).lagEntries === 0, { what: 'caught up', timeoutMs: 20_000 });
  const s = await rig.status();
  const seqs = new Set(rx.received.map((r) => r.seq));
  assert.is(seqs.size + s.dropped, 25_100, `${seqs.size} delivered + ${s.dropped} dropped`);
  assert.ok(s.dropped >= 4000, `dropped ${s.dropped}`);
});

test.run();
