/** Bad alert configuration stops the service at startup, naming the variable or the file path. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const test = suite('alerts-startup-config');
const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'main.js');
let dir: string | undefined;

test.after.each(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function start(env: Record<string, string>): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', STORAGE: 'memory', LOG_AGGREGATOR_PORT: '0', DOCKER_HOST: 'unix:///nonexistent.sock', ...env }, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stderr: r.stderr };
}

test('an invalid destination URL in the environment: exit 2, the variable named', () => {
  const r = start({ ALERT_WEBHOOK_URL: 'not-a-url' });
  assert.is(r.status, 2);
  assert.match(r.stderr, /configuration error: ALERT_WEBHOOK_URL: not a valid URL/);
});

test('a bad regex or an unknown rule field in LOGAGG_CONFIG: exit 2, the path named', () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'logagg-cfg-'));
  const file = path.join(dir, 'logagg.yml');
  writeFileSync(file, 'alerts:\n  rules:\n    - name: a\n      keyword: x\n    - name: b\n      regex: "(?<=x)y"\n');
  let r = start({ LOGAGG_CONFIG: file });
  assert.is(r.status, 2);
  assert.match(r.stderr, /configuration error: alerts\.rules\[1\]\.regex: /);
  writeFileSync(file, 'alerts:\n  rules:\n    - name: a\n      keywrd: x\n');
  r = start({ LOGAGG_CONFIG: file });
  assert.is(r.status, 2);
  assert.match(r.stderr, /alerts\.rules\[0\]\.keywrd: unknown field/);
});

test.run();
