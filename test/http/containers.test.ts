/** GET /containers: the discovery's containers joined with the ingest sink's per-container counts. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Level } from '../../actors/model/log-entry.js';
import type { ContainerStatus } from '../../actors/discovery-actor.js';
import { ManualClock } from '../../runtime/index.js';
import { requestChecked } from '../support/openapi-check.js';
import { CONTAINERS, makeEntry, startHarness, type Harness, type HarnessOptions } from './harness.js';

const test = suite('http GET /containers');
const NOW = Date.UTC(2025, 9, 25, 15, 0, 0);

const follower = (c: (typeof CONTAINERS)[keyof typeof CONTAINERS], state: 'following' | 'unsupported', error?: string) => ({ id: c.id, name: c.name, service: c.service, state, tty: false, lines: 0, repeatsDropped: 0, ...(error ? { error } : {}) });
const containers: ContainerStatus[] = [
  { ...CONTAINERS.worker, image: 'worker:2', project: 'shop', state: 'running', tty: false, follower: follower(CONTAINERS.worker, 'following') },
  { ...CONTAINERS.api, image: 'api:1', state: 'exited', tty: true, follower: follower(CONTAINERS.api, 'following') },
  { ...CONTAINERS.db, image: 'db:16', state: 'running', tty: false, unsupported: 'logging driver "none" has no reader', follower: follower(CONTAINERS.db, 'unsupported', 'logging driver "none" has no reader') },
  { id: 'dddd4444'.repeat(8), name: 'new-1', service: 'new', image: 'new:1', state: 'created', tty: false },
];

let h: Harness | undefined;
let clock: ManualClock;
async function start(opts: HarnessOptions = {}): Promise<void> {
  clock = new ManualClock(NOW);
  h = await startHarness({ clock, discovery: { containers }, ...opts });
}
test.after.each(async () => {
  await h?.close();
  h = undefined;
});

const get = (status: number, headers: Record<string, string> = {}): Promise<any> => requestChecked(h!.port, '/containers', '/containers', status, headers);

test('every container by name, Docker and follower states, lines since start and per second over the last minute', async () => {
  await start();
  const worker = Array.from({ length: 90 }, (_, i) => makeEntry('worker', Level.INFO, `w${i}`, NOW - i * 1000)); // 60 of them in the last minute
  await h!.append([...worker, makeEntry('api', Level.ERROR, 'old', NOW - 3_600_000), makeEntry('api', Level.INFO, 'recent', NOW - 30_000)]);
  const r = await get(200);
  assert.is(r.count, 4);
  assert.equal(r.containers, [
    { id: CONTAINERS.api.id.slice(0, 12), name: 'api-1', service: 'api', image: 'api:1', state: 'exited', tty: true, follower: 'following', lines_total: 2, lines_per_second: 1 / 60, last_line_at: new Date(NOW - 30_000).toISOString() },
    { id: CONTAINERS.db.id.slice(0, 12), name: 'db-1', service: 'db', image: 'db:16', state: 'running', tty: false, follower: 'unsupported', unsupported: 'logging driver "none" has no reader', lines_total: 0, lines_per_second: 0 },
    { id: 'dddd4444dddd', name: 'new-1', service: 'new', image: 'new:1', state: 'created', tty: false, follower: null, lines_total: 0, lines_per_second: 0 },
    { id: CONTAINERS.worker.id.slice(0, 12), name: 'worker-1', service: 'worker', image: 'worker:2', project: 'shop', state: 'running', tty: false, follower: 'following', lines_total: 90, lines_per_second: 1, last_line_at: new Date(NOW).toISOString() },
  ]);
  clock.advance(61_000);
  const later = await get(200);
  assert.equal(later.containers.map((c: any) => [c.lines_total, c.lines_per_second]), [[2, 0], [0, 0], [0, 0], [90, 0]]);
});

test('the token is required when API_TOKEN is set; a discovery that does not answer is a 504', async () => {
  await start({ config: { apiToken: 's3cret' } });
  await get(401);
  assert.is((await get(200, { authorization: 'Bearer s3cret' })).count, 4);
  await h!.close();
  h = await startHarness({ discovery: 'silent', config: { askTimeoutMs: 50 } });
  await get(504);
});

test.run();
