/** Settings refused at startup with an error naming the variable: bind host, CORS origins, log format, token, Docker URL, paths. */
import { chmodSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, loadConfig } from '../../actors/config.js';

const test = suite('config checks');

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'logagg-cfg-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

function refused(env: Record<string, string>, variable: string, pattern?: RegExp): void {
  try {
    loadConfig(env);
    assert.unreachable(`${JSON.stringify(env)} should have been refused`);
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.is((e as ConfigError).variable, variable);
    assert.ok((e as Error).message.startsWith(`${variable}: `), (e as Error).message);
    if (pattern) assert.match((e as Error).message, pattern);
  }
}

test('LOG_AGGREGATOR_HOST: addresses and names pass, junk and bracketed IPv6 do not', () => {
  for (const h of ['0.0.0.0', '127.0.0.1', '::', '::1', 'localhost', 'logagg.internal']) assert.is(loadConfig({ LOG_AGGREGATOR_HOST: h }).host, h);
  refused({ LOG_AGGREGATOR_HOST: 'not a host' }, 'LOG_AGGREGATOR_HOST');
  refused({ LOG_AGGREGATOR_HOST: 'http://0.0.0.0' }, 'LOG_AGGREGATOR_HOST');
  refused({ LOG_AGGREGATOR_HOST: '[::1]' }, 'LOG_AGGREGATOR_HOST', /without brackets, e\.g\. ::1/);
});

test('CORS_ORIGINS: "*" or browser origins; foo, paths and trailing slashes are refused with the fix', () => {
  assert.equal(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins, ['*']);
  assert.equal(loadConfig({ CORS_ORIGINS: 'http://localhost:3000, https://ui.example' }).corsOrigins, ['http://localhost:3000', 'https://ui.example']);
  refused({ CORS_ORIGINS: 'foo' }, 'CORS_ORIGINS', /"foo"/);
  refused({ CORS_ORIGINS: 'ftp://x.example' }, 'CORS_ORIGINS');
  refused({ CORS_ORIGINS: 'https://ui.example/' }, 'CORS_ORIGINS', /use "https:\/\/ui\.example"/);
  refused({ CORS_ORIGINS: 'https://ui.example/app' }, 'CORS_ORIGINS');
  refused({ CORS_ORIGINS: 'https://UI.example' }, 'CORS_ORIGINS', /lower case/);
});

test('LOG_FORMAT: text (default) or json, any case', () => {
  assert.is(loadConfig({}).logFormat, 'text');
  assert.is(loadConfig({ LOG_FORMAT: 'JSON' }).logFormat, 'json');
  refused({ LOG_FORMAT: 'yaml' }, 'LOG_FORMAT', /text, json/);
});

test('API_TOKEN: no whitespace or control characters', () => {
  assert.is(loadConfig({ API_TOKEN: 'abc-123_~+/=' }).apiToken, 'abc-123_~+/=');
  assert.is(loadConfig({ API_TOKEN: '' }).apiToken, undefined);
  refused({ API_TOKEN: 'two words' }, 'API_TOKEN');
  refused({ API_TOKEN: 'tok\n' }, 'API_TOKEN');
});

test('DOCKER_HOST: tcp URLs must parse, unix paths must be absolute', () => {
  assert.is(loadConfig({ DOCKER_HOST: 'tcp://docker:2375' }).dockerHost, 'tcp://docker:2375');
  refused({ DOCKER_HOST: 'tcp://docker:notaport' }, 'DOCKER_HOST');
  refused({ DOCKER_HOST: 'tcp://' }, 'DOCKER_HOST');
});

test('SNAPSHOT_PATH: refused at startup when its directory is missing or not a directory, or the path is a directory', () => {
  assert.is(loadConfig({ SNAPSHOT_PATH: path.join(dir, 'snap.ndjson') }).snapshotPath, path.join(dir, 'snap.ndjson'));
  refused({ SNAPSHOT_PATH: path.join(dir, 'missing', 'snap.ndjson') }, 'SNAPSHOT_PATH', /does not exist/);
  writeFileSync(path.join(dir, 'file'), '');
  refused({ SNAPSHOT_PATH: path.join(dir, 'file', 'snap.ndjson') }, 'SNAPSHOT_PATH', /not a directory/);
  mkdirSync(path.join(dir, 'sub'));
  refused({ SNAPSHOT_PATH: path.join(dir, 'sub') }, 'SNAPSHOT_PATH', /not a regular file/);
});

test('SNAPSHOT_PATH: a directory this process may not write is refused (not checkable as root)', () => {
  if (process.getuid?.() === 0) return; // root writes anywhere; the image test runs it as a non-root user
  chmodSync(dir, 0o500);
  refused({ SNAPSHOT_PATH: path.join(dir, 'snap.ndjson') }, 'SNAPSHOT_PATH', /not writable/);
});

test.run();
