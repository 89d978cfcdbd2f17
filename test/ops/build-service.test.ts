/** `npm start`'s prestart (scripts/build-service.mjs) after `npm ci --omit=dev`: TypeScript is absent. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../support/service-process.js';

const test = suite('prestart without dev dependencies');

let dir = '';
test.before.each(() => {
  // A production install: package.json and the script, no node_modules/typescript.
  dir = mkdtempSync(path.join(os.tmpdir(), 'logagg-prod-'));
  mkdirSync(path.join(dir, 'scripts'));
  copyFileSync(path.join(ROOT, 'scripts', 'build-service.mjs'), path.join(dir, 'scripts', 'build-service.mjs'));
  writeFileSync(path.join(dir, 'package.json'), '{"name":"logagg","type":"module"}');
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

const run = () => spawnSync(process.execPath, [path.join(dir, 'scripts', 'build-service.mjs')], { cwd: dir, encoding: 'utf8' });

test('a built tree starts as it is', () => {
  mkdirSync(path.join(dir, 'dist'));
  writeFileSync(path.join(dir, 'dist', 'main.js'), '');
  const r = run();
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, '');
});

test('a tree never built: a sentence saying what to do, not "tsc: not found"', () => {
  const r = run();
  assert.is(r.status, 1);
  assert.match(r.stderr, 'dist/main.js is missing and TypeScript is not installed');
  assert.match(r.stderr, 'npm ci && npm run build:service');
});

test.run();
