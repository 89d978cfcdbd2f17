import { execFileSync } from 'node:child_process';
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

test('DATA_DIR: refused at startup when it is a file; a missing directory under a writable parent is fine', () => {
  assert.is(loadConfig({ DATA_DIR: path.join(dir, 'new', 'data') }).dataDir, path.join(dir, 'new', 'data'));
  writeFileSync(path.join(dir, 'file'), '');
  refused({ DATA_DIR: path.join(dir, 'file') }, 'DATA_DIR', /not a directory/);
  refused({ DATA_DIR: path.join(dir, 'file', 'data') }, 'DATA_DIR', /not a directory/);
  assert.is(loadConfig({ DATA_DIR: path.join(dir, 'file'), STORAGE: 'memory' }).storage, 'memory');
});

test('DATA_DIR: a directory this process may not write is refused', () => {
  // Root writes anywhere permissions would stop it, but not on a read-only file system: as root the
  // directory is a tmpfs mounted read-only; otherwise its mode forbids writing.
  const ro = path.join(dir, 'ro');
  mkdirSync(ro);
  const root = process.getuid?.() === 0;
  if (root) execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro]);
  else chmodSync(ro, 0o500);
  try {
    refused({ DATA_DIR: path.join(ro, 'data') }, 'DATA_DIR', /not writable/);
    refused({ DATA_DIR: ro }, 'DATA_DIR', /not writable/);
  } finally {
    if (root) execFileSync('umount', ['-l', ro]);
    else chmodSync(ro, 0o700);
  }
});

test.run();
