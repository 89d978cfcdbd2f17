/**
 * The web page's static route: `/` and `/ui/<file>` without a token (every API route still needs it),
 * right content types, ETag revalidation, gzip, only GET/HEAD, and no way out of the page's folder
 * (`..`, encoded dots and slashes, backslashes, NUL) whatever the request target says.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import http from 'node:http';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rawExchange, request } from '../support/http-client.js';
import { startHarness, type Harness } from './harness.js';

const test = suite('http web page');
const TOKEN = 'page-token';
let h: Harness | undefined;
let dir: string | undefined;

/** A page folder with a known set of files, and a secret beside it (what traversal would reach). */
function pageDir(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'logagg-page-'));
  const d = path.join(root, 'ui');
  mkdirSync(path.join(d, 'sub'), { recursive: true });
  writeFileSync(path.join(d, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(path.join(d, 'main.js'), `export const x = ${JSON.stringify('y'.repeat(2000))};`);
  writeFileSync(path.join(d, 'style.css'), 'body{}');
  writeFileSync(path.join(d, 'sub', 'part.js'), 'export {};');
  writeFileSync(path.join(d, 'notes.txt'), 'not served: unknown type');
  writeFileSync(path.join(root, 'secret.js'), 'SECRET');
  dir = root;
  return d;
}

test.after.each(async () => {
  await h?.close();
  h = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** GET with raw headers (the shared client does not expose the raw body of a gzip answer). */
function get(port: number, target: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: target, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

test('/ and /ui/* need no token and carry their content types; the API still needs it', async () => {
  h = await startHarness({ config: { apiToken: TOKEN, pageDir: pageDir() } });
  const page = await get(h.port, '/');
  assert.is(page.status, 200);
  assert.is(page.headers['content-type'], 'text/html; charset=utf-8');
  assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
  assert.is(page.headers['cache-control'], 'no-cache');
  assert.is(page.body.toString(), '<!doctype html><title>t</title>');
  assert.is((await get(h.port, '/?service=api&level=error')).status, 200, 'a view link');
  assert.is((await get(h.port, '/ui/main.js')).headers['content-type'], 'text/javascript; charset=utf-8');
  assert.is((await get(h.port, '/ui/style.css')).headers['content-type'], 'text/css; charset=utf-8');
  assert.is((await get(h.port, '/ui/sub/part.js')).status, 200);
  assert.is((await get(h.port, '/ui/notes.txt')).status, 404, 'unknown file types are not served');
  assert.is((await get(h.port, '/ui/nope.js')).status, 404);
  assert.is((await get(h.port, '/ui/index.html')).status, 404, 'the page has one address');
  assert.is((await request(h.port, '/logs')).status, 401);
  assert.is((await request(h.port, '/uix')).status, 401);
  assert.is((await request(h.port, '/index.html')).status, 401);
});

test('ETag revalidation (304), gzip when accepted, HEAD without a body, other methods 405', async () => {
  h = await startHarness({ config: { pageDir: pageDir() } });
  const first = await get(h.port, '/ui/main.js');
  const etag = String(first.headers.etag);
  assert.match(etag, /^"[\w-]+"$/);
  const again = await get(h.port, '/ui/main.js', { 'If-None-Match': etag });
  assert.is(again.status, 304);
  assert.is(again.body.length, 0);
  const gz = await get(h.port, '/ui/main.js', { 'Accept-Encoding': 'gzip, br' });
  assert.is(gz.headers['content-encoding'], 'gzip');
  assert.ok(gz.body.length < first.body.length);
  assert.equal(gunzipSync(gz.body), first.body);
  const head = await rawExchange(h.port, 'HEAD /ui/main.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(head, /^HTTP\/1\.1 200/);
  assert.match(head, new RegExp(`content-length: ${first.body.length}`, 'i'));
  assert.ok(head.endsWith('\r\n\r\n'), 'no body');
  const post = await request(h.port, '/', { method: 'POST' });
  assert.is(post.status, 405);
  assert.is(post.headers.allow, 'GET, HEAD');
});

test('no path leaves the page folder', async () => {
  h = await startHarness({ config: { apiToken: TOKEN, pageDir: pageDir() } });
  const targets = [
    '/ui/../secret.js',
    '/ui/../../package.json',
    '/ui/%2e%2e/secret.js',
    '/ui/%2E%2E%2Fsecret.js',
    '/ui/..%2fsecret.js',
    '/ui/..%5csecret.js',
    '/ui/..\\secret.js',
    '/ui//etc/passwd',
    '/ui/%2fetc%2fpasswd',
    '/ui/main.js%00.css',
    '/ui/sub/../../secret.js',
    '/ui/./main.js',
    '/ui/../logs',
  ];
  for (const t of targets) {
    const raw = await rawExchange(h.port, `GET ${t} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const status = Number(raw.split(' ')[1]);
    assert.ok(status === 404 || status === 400, `${t}: ${status}`);
    assert.not.match(raw, /SECRET|root:|"name": "logagg"|"logs":/, t);
  }
});

test('a service built without its page says so (404) instead of failing', async () => {
  h = await startHarness({ config: { pageDir: path.join(os.tmpdir(), 'logagg-no-such-page-dir') } });
  const r = await request(h.port, '/');
  assert.is(r.status, 404);
  assert.match(r.body.error, /not built/);
});

test.run();
