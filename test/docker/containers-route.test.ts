/** GET /containers against the real engine: a container that logs appears followed, with a rate. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type HttpServer } from '../../http/index.js';
import { removeTestContainers, requireEngine, runContainer, waitFor } from '../rig/rig-client.js';
import { uniquePrefix } from '../support/collect-helpers.js';
import { request } from '../support/http-client.js';
import { checkResponse } from '../support/openapi-check.js';
import { startTestService, testConfig, type TestService } from '../support/service-harness.js';

const test = suite('containers route');
let service: TestService | undefined;
let http: HttpServer | undefined;

if (requireEngine(test)) {
  test.after.each(async () => {
    await http?.close();
    http = undefined;
    await service?.stop();
    service = undefined;
    await removeTestContainers();
  });

  test('a container logging ten lines a second is listed running, following, with lines_per_second > 0', async () => {
    const prefix = uniquePrefix('ctrs');
    const s = (service = await startTestService(testConfig(new RegExp(`^${prefix}`))));
    http = createServer(
      { buffer: s.buffer, logs: s.logs, store: s.store, errors: s.errors, discovery: s.discovery, stats: () => s.system.stats, metrics: { ingest: s.ingestMetrics } },
      { defaultLimit: 100, maxLimit: 1000, askTimeoutMs: 5000, version: 'test', startedAt: Date.now(), maxClientQueue: 1000, apiToken: 'tok' },
    );
    const { port } = await http.listen(0, '127.0.0.1');
    const name = `${prefix}-tick`;
    const c = await runContainer({ name, script: 'i=0; while true; do i=$((i+1)); echo "tick $i"; usleep 100000; done' });
    let mine: any;
    await waitFor(
      async () => {
        const r = await request(port, '/containers', { headers: { authorization: 'Bearer tok' } });
        checkResponse('/containers', r.status, r.body);
        mine = r.body.containers.find((x: any) => x.name === name);
        return mine?.follower === 'following' && mine.lines_per_second > 0;
      },
      { timeoutMs: 20_000, what: `${name} following with a rate` },
    );
    assert.is(mine.id, c.id.slice(0, 12));
    assert.is(mine.state, 'running');
    assert.is(mine.service, name);
    assert.ok(mine.lines_total > 0);
    // At most ten lines a second over the last minute, and never more than were collected.
    assert.ok(mine.lines_per_second <= 11 && mine.lines_per_second * 60 <= mine.lines_total, JSON.stringify(mine));
    assert.ok(Date.now() - Date.parse(mine.last_line_at) < 20_000, mine.last_line_at);
    assert.is((await request(port, '/containers')).status, 401);
  });
}

test.run();
