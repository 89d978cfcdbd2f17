/**
 * GET /metrics against a real Prometheus (Debian's 2.42, installed by the test with apt-get when
 * missing): it scrapes the service with the API token as a bearer token, the target is up, a counter
 * moves between scrapes, a wrong token leaves its target down; `promtool check metrics` finds nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type HttpServer } from '../../http/index.js';
import { ensureAptTool } from '../rig/apt-tool.js';
import { isCI, removeTestContainers, requireEngine, runContainer, waitFor } from '../rig/rig-client.js';
import { freePort, stopChild } from '../support/child-process.js';
import { uniquePrefix } from '../support/collect-helpers.js';
import { request } from '../support/http-client.js';
import { startTestService, testConfig, type TestService } from '../support/service-harness.js';

const test = suite('metrics-prometheus');
const TOKEN = 'prom-test-token';
let service: TestService | undefined;
let http: HttpServer | undefined;
let prometheus: ChildProcess | undefined;
let dir: string | undefined;


/** Runs `cmd` with `input` on stdin: exit code and everything it printed. */
function run(cmd: string, args: string[], input: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c));
    child.stderr.on('data', (c: Buffer) => (output += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
    child.stdin.end(input);
  });
}

/** The tools, or undefined (with a loud warning) outside CI when they cannot be had; under CI a failure. */
async function tools(): Promise<Record<string, string> | undefined> {
  try {
    return await ensureAptTool('prometheus', ['prometheus', 'promtool']);
  } catch (error) {
    if (isCI()) throw new Error(`Prometheus is required under CI and could not be installed: ${(error as Error).message}`);
    process.stdout.write(`\n### WARNING: metrics-prometheus not run: ${(error as Error).message}\n`);
    return undefined;
  }
}

if (requireEngine(test)) {
  test.after.each(async () => {
    await stopChild(prometheus);
    prometheus = undefined;
    await http?.close();
    http = undefined;
    await service?.stop();
    service = undefined;
    await removeTestContainers();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  test('a real Prometheus scrapes /metrics with the bearer token: up, a counter moves; promtool is silent', async () => {
    const bin = await tools();
    if (!bin) return;
    const prefix = uniquePrefix('prom');
    const s = (service = await startTestService(testConfig(new RegExp(`^${prefix}`))));
    http = createServer(
      { buffer: s.buffer, errors: s.errors, discovery: s.discovery, stats: () => s.system.stats, metrics: { events: s.system.events, ingest: s.ingestMetrics } },
      { defaultLimit: 100, maxLimit: 1000, askTimeoutMs: 5000, version: 'test', startedAt: Date.now(), maxClientQueue: 1000, apiToken: TOKEN },
    );
    const { port } = await http.listen(0, '127.0.0.1');
    await runContainer({ name: `${prefix}-tick`, script: 'i=0; while true; do i=$((i+1)); echo "level=info msg=\\"tick $i\\" password=hunter2"; usleep 100000; done' });
    const service_ = `${prefix}-tick`;
    await waitFor(async () => (await s.query({ services: [service_] })).length > 0, { timeoutMs: 15_000, what: 'first lines' });

    // The exposition itself: token required, lints clean.
    assert.is((await request(port, '/metrics')).status, 401);
    const t0 = performance.now();
    const r = await request(port, '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    const scrapeMs = performance.now() - t0;
    assert.is(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    for (const name of ['logagg_lines_total', 'logagg_bytes_total', 'logagg_parsed_entries_total', 'logagg_redactions_total', 'logagg_dropped_entries_total', 'logagg_buffer_entries', 'logagg_http_request_duration_seconds_bucket', 'logagg_actor_mailbox_depth', 'logagg_docker_connected', 'logagg_docker_events_total', 'process_resident_memory_bytes']) {
      assert.ok(r.text.includes(`\n${name}`) || r.text.startsWith(name), `${name} exposed`);
    }
    assert.not.match(r.text, /nodejs_active_(handles|requests|resources)_total/);
    assert.not.match(r.text, /[0-9a-f]{64}/, 'no container ids in labels');
    assert.match(r.text, new RegExp(`logagg_parsed_entries_total\\{service="${service_}",format="logfmt"\\} [1-9]`));
    assert.match(r.text, new RegExp(`logagg_redactions_total\\{service="${service_}"\\} [1-9]`));
    const lint = await run(bin.promtool!, ['check', 'metrics'], r.text);
    assert.is(lint.output.trim(), '', `promtool: ${lint.output}`);
    assert.is(lint.code, 0);

    // A real Prometheus: one job with the token, one with a wrong one.
    dir = mkdtempSync(path.join(os.tmpdir(), 'logagg-prom-'));
    const promPort = await freePort();
    const job = (name: string, token: string) =>
      `  - job_name: ${name}\n    metrics_path: /metrics\n    authorization: { type: Bearer, credentials: ${token} }\n    static_configs: [{ targets: ['127.0.0.1:${port}'] }]\n`;
    writeFileSync(path.join(dir, 'prometheus.yml'), `global: { scrape_interval: 1s, scrape_timeout: 1s }\nscrape_configs:\n${job('logagg', TOKEN)}${job('logagg-wrong-token', 'nope')}`);
    prometheus = spawn(bin.prometheus!, [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let promLog = '';
    prometheus.stderr!.on('data', (c: Buffer) => (promLog = (promLog + c).slice(-4000)));
    const api = async (p: string): Promise<any> => (await request(promPort, p).catch(() => ({ body: undefined }))).body;

    type Target = { labels: { job: string }; health: string; lastError: string; lastScrapeDuration: number };
    const targets = await waitFor(
      async () => {
        const t = (await api('/api/v1/targets'))?.data?.activeTargets as Target[] | undefined;
        return t && t.length === 2 && t.every((x) => x.health !== 'unknown') ? t : undefined;
      },
      { timeoutMs: 60_000, what: `Prometheus to scrape both targets (log: ${promLog.slice(-500)})` },
    );
    const good = targets.find((t) => t.labels.job === 'logagg')!;
    const bad = targets.find((t) => t.labels.job === 'logagg-wrong-token')!;
    assert.is(good.health, 'up', good.lastError);
    assert.is(bad.health, 'down');
    assert.match(bad.lastError, /401/);

    const value = async (): Promise<number | undefined> => {
      const q = encodeURIComponent(`sum(logagg_lines_total{service="${service_}"})`);
      const v = (await api(`/api/v1/query?query=${q}`))?.data?.result?.[0]?.value?.[1];
      return v === undefined ? undefined : Number(v);
    };
    const first = await waitFor(value, { timeoutMs: 30_000, what: 'logagg_lines_total in Prometheus' });
    const later = await waitFor(async () => ((await value()) ?? 0) > first && (await value()), { timeoutMs: 30_000, what: 'logagg_lines_total to move' });
    assert.ok(later > first);
    const up = (await api(`/api/v1/query?query=${encodeURIComponent('up{job="logagg"}')}`))?.data?.result?.[0]?.value?.[1];
    assert.is(up, '1');
    process.stdout.write(
      `\n[metrics] exposition ${r.text.length} bytes, ${r.text.split('\n').filter((l) => l && !l.startsWith('#')).length} samples, GET /metrics ${scrapeMs.toFixed(1)} ms; ` +
        `Prometheus scrape ${(good.lastScrapeDuration * 1000).toFixed(1)} ms; promtool: no findings; logagg_lines_total ${first} → ${later}\n`,
    );
  });
}

test.run();
