/**
 * Forwarding settings: sinks from the environment (one of each kind) added to the config file's;
 * an unknown scheme or a malformed URL names the variable or the config path, and stops startup.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../actors/config.js';
import { Level } from '../../actors/model/log-entry.js';
import { loadForwardingConfig } from '../../actors/forward/sink-config.js';
import { matchesSink } from '../../actors/forward/sink-filter.js';
import { ConfigFileError, parseConfigFile } from '../../actors/service/config-file.js';
import { priority, syslogMessage, UDP_MAX_OCTETS } from '../../actors/forward/syslog-format.js';
import { DeliveryError, parseRetryAfter, retryDelay } from '../../actors/delivery/delivery-error.js';
import { MAIN_JS, ROOT } from '../bench/service-process.js';
import { makeEntry } from '../support/entries.js';

const test = suite('forward-config');

const throwsNaming = (fn: () => unknown, cls: typeof ConfigError | typeof ConfigFileError, name: string, message: RegExp) => {
  try {
    fn();
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.instance(e, cls);
    assert.is(e instanceof ConfigError ? e.variable : (e as ConfigFileError).path, name);
    assert.match((e as Error).message, message);
  }
};

test('one sink of each kind from the environment, with defaults', () => {
  const c = loadForwardingConfig({
    FORWARD_WEBHOOK_URL: 'https://hooks.example/logs',
    FORWARD_WEBHOOK_HEADERS: '{"Authorization": "Bearer abc"}',
    FORWARD_SYSLOG_URL: 'tcp://syslog.example:514',
    FORWARD_SYSLOG_FACILITY: 'local3',
    FORWARD_LOKI_URL: 'http://user:pw@loki:3100',
    FORWARD_LOKI_TENANT: 'team-a',
    FORWARD_ELASTICSEARCH_URL: 'http://es:9200',
    FORWARD_OTLP_URL: 'http://otel:4318',
    FORWARD_OTLP_TLS_SKIP_VERIFY: 'true',
  });
  assert.equal(c.sinks.map((s) => [s.name, s.kind]), [['webhook', 'webhook'], ['syslog', 'syslog'], ['loki', 'loki'], ['elasticsearch', 'elasticsearch'], ['otlp', 'otlp']]);
  assert.is(c.batchSize, 500);
  assert.is(c.flushMs, 1000);
  assert.equal(c.sinks[0]!.headers, { Authorization: 'Bearer abc' });
  assert.is(c.sinks[1]!.facility, 19);
  assert.is(c.sinks[2]!.tenant, 'team-a');
  assert.is(c.sinks[3]!.index, 'logs-logagg-default');
  assert.ok(c.sinks[4]!.tls.insecureSkipVerify);
  assert.ok(c.sinks.every((s) => s.start === 'newest'));
});

test('a bad URL or scheme names the variable', () => {
  throwsNaming(() => loadForwardingConfig({ FORWARD_SYSLOG_URL: 'http://syslog:514' }), ConfigError, 'FORWARD_SYSLOG_URL', /unknown scheme "http".*udp:\/\/, tcp:\/\/, tls:\/\//);
  throwsNaming(() => loadForwardingConfig({ FORWARD_SYSLOG_URL: 'tcp://syslog' }), ConfigError, 'FORWARD_SYSLOG_URL', /needs a port/);
  throwsNaming(() => loadForwardingConfig({ FORWARD_LOKI_URL: 'not a url' }), ConfigError, 'FORWARD_LOKI_URL', /not a URL/);
  throwsNaming(() => loadForwardingConfig({ FORWARD_WEBHOOK_URL: 'ftp://x/y' }), ConfigError, 'FORWARD_WEBHOOK_URL', /unknown scheme "ftp"/);
  throwsNaming(() => loadForwardingConfig({ FORWARD_SYSLOG_URL: 'udp://h:514', FORWARD_SYSLOG_FACILITY: 'local9' }), ConfigError, 'FORWARD_SYSLOG_FACILITY', /local0/);
  throwsNaming(() => loadForwardingConfig({ FORWARD_WEBHOOK_URL: 'http://h/', FORWARD_WEBHOOK_HEADERS: '[1]' }), ConfigError, 'FORWARD_WEBHOOK_HEADERS', /JSON object/);
  throwsNaming(() => loadForwardingConfig({ FORWARD_BATCH_SIZE: '0' }), ConfigError, 'FORWARD_BATCH_SIZE', /whole number/);
});

const FILE = `
forwarding:
  sinks:
    - name: errors-to-loki
      type: loki
      url: http://loki:3100
      services: ["api*", "worker"]
      containers: ["prod-*"]
      min_level: warn
      labels: {env: prod}
      start: oldest
    - name: archive
      type: elasticsearch
      url: https://es:9200
      ca_file: /etc/ssl/es-ca.pem
      index: logs-app-prod
`;

test('the config file lists several sinks with filters; the environment adds its own', () => {
  const c = loadForwardingConfig({ FORWARD_WEBHOOK_URL: 'http://hook/' }, parseConfigFile(FILE));
  assert.equal(c.sinks.map((s) => s.name), ['errors-to-loki', 'archive', 'webhook']);
  const loki = c.sinks[0]!;
  assert.is(loki.start, 'oldest');
  assert.is(loki.filter.minLevel, Level.WARNING);
  assert.equal(loki.filter.labels, { env: 'prod' });
  const e = makeEntry({ service: 'api-gateway', containerName: 'prod-api-1', level: Level.ERROR });
  assert.ok(matchesSink(loki.filter, e, { env: 'prod' }));
  assert.not.ok(matchesSink(loki.filter, e, { env: 'dev' }));
  assert.not.ok(matchesSink(loki.filter, { ...e, level: Level.INFO }, { env: 'prod' }));
  assert.not.ok(matchesSink(loki.filter, { ...e, containerName: 'dev-api-1' }, { env: 'prod' }));
  assert.not.ok(matchesSink(loki.filter, { ...e, service: 'web' }, { env: 'prod' }));
  assert.is(c.sinks[1]!.tls.caFile, '/etc/ssl/es-ca.pem');
  assert.is(c.sinks[1]!.index, 'logs-app-prod');
});

test('config file faults name the path', () => {
  throwsNaming(() => loadForwardingConfig({}, parseConfigFile('forwarding:\n  sinks:\n    - {name: a, type: loki, url: http://l}\n    - {name: b, type: syslog, url: "http://x:1"}\n')), ConfigFileError, 'forwarding.sinks[1].url', /unknown scheme/);
  throwsNaming(() => parseConfigFile('forwarding:\n  sinks:\n    - {name: a, type: kafka, url: http://l}\n'), ConfigFileError, 'forwarding.sinks[0].type', /must be one of/);
  throwsNaming(() => parseConfigFile('forwarding:\n  sinks:\n    - {name: a, type: loki}\n'), ConfigFileError, 'forwarding.sinks[0].url', /required/);
  throwsNaming(() => loadForwardingConfig({}, parseConfigFile('forwarding:\n  sinks:\n    - {name: a, type: loki, url: http://l, min_level: loud}\n')), ConfigFileError, 'forwarding.sinks[0].min_level', /expected one of/);
  throwsNaming(() => loadForwardingConfig({}, parseConfigFile('forwarding:\n  sinks:\n    - {name: a, type: loki, url: http://l}\n    - {name: a, type: otlp, url: http://o}\n')), ConfigFileError, 'forwarding.sinks[1].name', /used twice/);
  throwsNaming(() => loadForwardingConfig({ FORWARD_LOKI_URL: 'http://l2' }, parseConfigFile('forwarding:\n  sinks:\n    - {name: loki, type: loki, url: http://l}\n')), ConfigError, 'FORWARD_LOKI_URL', /also in the config file/);
});

test('the service refuses to start on a bad sink URL, naming the variable or the path', () => {
  const run = (env: Record<string, string>) => spawnSync(process.execPath, [MAIN_JS], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', DOCKER_HOST: 'unix:///nonexistent.sock', LOG_AGGREGATOR_PORT: '0', ...env }, encoding: 'utf8', timeout: 20_000 });
  const bad = run({ FORWARD_SYSLOG_URL: 'syslog://h:514' });
  assert.is(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /FORWARD_SYSLOG_URL: unknown scheme "syslog"/);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'logagg-fwdconf-'));
  writeFileSync(path.join(dir, 'c.yml'), 'forwarding:\n  sinks:\n    - {name: x, type: webhook, url: "ht tp://bad"}\n');
  const badFile = run({ LOGAGG_CONFIG: path.join(dir, 'c.yml') });
  assert.is(badFile.status, 2, badFile.stderr);
  assert.match(badFile.stderr, /forwarding\.sinks\[0\]\.url: not a URL/);
});

test('syslog: PRI from facility and level; a datagram never exceeds 2048 octets and is cut on a character boundary', () => {
  assert.is(priority(16, Level.ERROR), 131);
  assert.is(priority(1, Level.INFO), 14);
  const msg = syslogMessage(makeEntry({ message: '✓'.repeat(3000) }), 'h', 16, UDP_MAX_OCTETS);
  assert.ok(msg.length <= UDP_MAX_OCTETS);
  assert.not.ok(msg.toString('utf8').includes('\ufffd'));
});

test('delivery: Retry-After as seconds or a date; backoff grows with jitter and never undercuts Retry-After', () => {
  assert.is(parseRetryAfter('3', 0), 3000);
  assert.is(parseRetryAfter(new Date(10_000).toUTCString(), 4000), 6000);
  assert.is(parseRetryAfter('soon', 0), undefined);
  assert.is(retryDelay(0, undefined, 0.5), 500);
  assert.is(retryDelay(3, undefined, 0.5), 4000);
  assert.is(retryDelay(20, undefined, 0.5), 30_000);
  assert.is(retryDelay(0, new DeliveryError('429', true, 429, 7000), 0.5), 7000);
  assert.ok(retryDelay(2, undefined, 0) < retryDelay(2, undefined, 0.99));
});

test.run();
