import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openLineStream, request, waitFor } from '../support/http-client.js';
import { makeEntry, seedEntries, startHarness, type Harness } from './harness.js';

const test = suite('http NDJSON and SSE live streams');

let h: Harness | undefined;
test.after.each(async () => {
  await h?.close();
  h = undefined;
});

test('NDJSON: tail then live entries, one JSON per line; unsubscribed when the client goes', async () => {
  h = await startHarness();
  const now = Date.now();
  await h.append(seedEntries(now));
  const s = await openLineStream(h.port, '/logs/stream?service=worker&tail=1');
  assert.is(s.status, 200);
  assert.match(String(s.headers['content-type']), /^application\/x-ndjson/);
  await waitFor(() => s.lines().length >= 1, 3000, 'tail');
  assert.is(JSON.parse(s.lines()[0]!).message, 'job 7 done');
  await h.append([makeEntry('api', 2, 'skip', now), makeEntry('worker', 4, 'live!', now + 1)]);
  await waitFor(() => s.lines().length >= 2, 3000, 'live entry');
  const live = JSON.parse(s.lines()[1]!);
  assert.is(live.message, 'live!');
  assert.is(live.level, 'ERROR');
  assert.is(h.http.liveStats().clients.length, 1);
  s.close();
  await waitFor(() => h!.http.liveStats().clients.length === 0, 3000, 'unsubscribe');
});

test('SSE with Accept: text/event-stream: data frames and keepalive comments', async () => {
  h = await startHarness({ config: { sseKeepaliveMs: 30 } });
  const s = await openLineStream(h.port, '/logs/stream', { Accept: 'text/event-stream' });
  assert.is(s.status, 200);
  assert.match(String(s.headers['content-type']), /^text\/event-stream/);
  await h.append([makeEntry('db', 2, 'hello sse', Date.now())]);
  await waitFor(() => s.text().includes('data: '), 3000, 'data frame');
  await waitFor(() => s.text().includes(': keepalive\n\n'), 3000, 'keepalive');
  const frame = s.text().split('\n\n').find((f) => f.startsWith('data: '))!;
  assert.is(JSON.parse(frame.slice('data: '.length)).message, 'hello sse');
  s.close();
});

test('invalid parameters: a plain 400 JSON answer naming the parameter, no stream', async () => {
  h = await startHarness();
  const r = await request(h.port, '/logs/stream?tail=lots');
  assert.is(r.status, 400);
  assert.is(r.body.parameter, 'tail');
  assert.is(h.http.liveStats().clients.length, 0);
});

test('server close ends open streams', async () => {
  h = await startHarness();
  const s = await openLineStream(h.port, '/logs/stream');
  await h.close();
  h = undefined;
  await waitFor(() => s.ended, 3000, 'stream end');
});

test.run();
