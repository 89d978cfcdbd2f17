/** GET /logs/around/{seq}: the same answers from the store on disk and from the hot window (STORAGE=memory). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Level } from '../../actors/model/log-entry.js';
import { requestChecked } from '../support/openapi-check.js';
import { request } from '../support/http-client.js';
import { CONTAINERS, HOUR, makeEntry, startHarness, type Harness } from './harness.js';

const test = suite('http GET /logs/around');

let h: Harness | undefined;
test.after.each(async () => {
  await h?.close();
  h = undefined;
});

const get = (url: string, status: number, headers: Record<string, string> = {}): Promise<any> => requestChecked(h!.port, '/logs/around/{seq}', url, status, headers);

/**
 * api: 12 lines a second apart (two of them sharing one Docker time), worker lines interleaved, one
 * api line under a new name (a renamed container keeps its id), one line past the retention.
 */
async function seed(now: number): Promise<void> {
  const t0 = now - HOUR;
  const entries = [];
  for (let i = 0; i < 12; i++) {
    entries.push(makeEntry('api', Level.INFO, `api ${i}`, t0 + i * 1000 + (i === 7 ? -1000 : 0)));
    entries.push(makeEntry('worker', Level.INFO, `worker ${i}`, t0 + i * 1000 + 500));
  }
  entries.push({ ...makeEntry('api', Level.ERROR, 'api renamed', t0 + 12_000), containerName: 'api-renamed' });
  await h!.append([makeEntry('api', Level.INFO, 'too old', now - 25 * HOUR), ...entries]);
}

const messages = (list: any[]): string[] => list.map((e) => e.message);

for (const mode of ['disk', 'memory'] as const) {
  test(`${mode}: the entry, then its container's lines before and after it by (Docker time, seq), oldest first`, async () => {
    h = await startHarness({ store: mode });
    const now = Date.now();
    await seed(now);
    const all = (await request(h.port, '/logs?order=asc&limit=1000')).body.logs;
    const seqOf = (m: string): number => all.find((e: any) => e.message === m).seq;
    assert.is(all.length, 25, 'the line past the retention is not listed');

    const r = await get(`/logs/around/${seqOf('api 5')}?before=3&after=4`, 200);
    assert.is(r.entry.message, 'api 5');
    assert.is(r.entry.seq, seqOf('api 5'));
    // api 7 carries api 6's Docker time and a later seq: it sorts right after api 6.
    assert.equal(messages(r.before), ['api 2', 'api 3', 'api 4']);
    assert.equal(messages(r.after), ['api 6', 'api 7', 'api 8', 'api 9']);
    assert.ok([...r.before, ...r.after].every((e: any) => e.container_id === CONTAINERS.api.id.slice(0, 12)));

    const tie = await get(`/logs/around/${seqOf('api 7')}?before=1&after=1`, 200);
    assert.equal([messages(tie.before), messages(tie.after)], [['api 6'], ['api 8']]);

    // Defaults: 25 each side, clipped by what there is; the renamed container's line is the same container.
    const last = await get(`/logs/around/${seqOf('api 11')}`, 200);
    assert.equal(messages(last.before), ['api 0', 'api 1', 'api 2', 'api 3', 'api 4', 'api 5', 'api 6', 'api 7', 'api 8', 'api 9', 'api 10']);
    assert.equal(messages(last.after), ['api renamed']);
    assert.is(last.after[0].container_name, 'api-renamed');

    const none = await get(`/logs/around/${seqOf('worker 0')}?before=0&after=0`, 200);
    assert.equal([none.entry.message, none.before, none.after], ['worker 0', [], []]);
  });

  test(`${mode}: 404 for a seq no entry has, or one past the retention`, async () => {
    h = await startHarness({ store: mode });
    await seed(Date.now());
    assert.match((await get('/logs/around/999999', 404)).error, /no entry has seq 999999/);
    // The store numbered the too-old line 1; it is not served.
    await get('/logs/around/1', 404);
    await get('/logs/around/2', 200);
  });
}

test('400 naming the parameter: before/after outside 0–500 or not whole numbers, seq not an entry number', async () => {
  h = await startHarness({ store: 'memory' });
  for (const [url, parameter] of [
    ['/logs/around/5?before=501', 'before'],
    ['/logs/around/5?after=-1', 'after'],
    ['/logs/around/5?after=2.5', 'after'],
    ['/logs/around/5?before=1&before=2', 'before'],
    ['/logs/around/abc', 'seq'],
    ['/logs/around/0', 'seq'],
  ] as const) {
    assert.is((await get(url, 400)).parameter, parameter, url);
  }
  await get('/logs/around/5?before=500&after=0', 404);
});

test('the token is required when API_TOKEN is set', async () => {
  h = await startHarness({ store: 'memory', config: { apiToken: 's3cret' } });
  await h.append([makeEntry('api', Level.INFO, 'one', Date.now() - 1000)]);
  await get('/logs/around/1', 401);
  const ok = await get('/logs/around/1', 200, { authorization: 'Bearer s3cret' });
  assert.is(ok.entry.message, 'one');
});

test.run();
