import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, loadConfig } from '../../actors/config.js';
import { containerInfo, isCollected } from '../../actors/model/container-info.js';

const test = suite('config');

test('defaults are the seed\'s', () => {
  const c = loadConfig({});
  assert.is(c.port, 8015);
  assert.is(c.dockerHost, 'unix:///var/run/docker.sock');
  assert.is(c.maxLogBuffer, 10_000);
  assert.is(c.retentionMs, 24 * 3_600_000);
  assert.is(c.batchSize, 100);
  assert.is(c.defaultLogLimit, 100);
  assert.is(c.maxLogLimit, 1000);
  assert.is(c.logLevel, 2);
  assert.is(c.dockerApiVersion, undefined);
  assert.is(c.followerStallMs, 30_000);
  assert.is(loadConfig({ FOLLOWER_STALL_SECONDS: '2.5' }).followerStallMs, 2500);
  assert.is(c.maxLogBufferBytes, 8 * 1024 * 1024);
  assert.is(c.maxResponseBytes, 8 * 1024 * 1024);
  assert.is(c.maxLiveClients, 1000);
  assert.is(c.maxLiveBytes, 16 * 1024 * 1024);
});

test('DOCKER_HOST wins over DOCKER_SOCKET; an API version is pinned with its v', () => {
  const c = loadConfig({ DOCKER_HOST: 'tcp://10.0.0.2:2375', DOCKER_SOCKET: '/x.sock', DOCKER_API_VERSION: '1.43' });
  assert.is(c.dockerHost, 'tcp://10.0.0.2:2375');
  assert.is(c.dockerApiVersion, 'v1.43');
  assert.is(loadConfig({ DOCKER_SOCKET: '/run/d.sock' }).dockerHost, 'unix:///run/d.sock');
});

for (const [variable, value] of [
  ['LOG_AGGREGATOR_PORT', '80a'],
  ['LOG_AGGREGATOR_PORT', '70000'],
  ['MAX_LOG_BUFFER', '0'],
  ['LOG_RETENTION_HOURS', 'day'],
  ['LOG_LEVEL', 'LOUD'],
  ['DOCKER_HOST', 'docker.local'],
  ['DOCKER_SOCKET', 'relative.sock'],
  ['DOCKER_API_VERSION', 'latest'],
  ['BATCH_SIZE', '-1'],
  ['FOLLOWER_STALL_SECONDS', '0'],
  ['REDACT_PATTERNS', '["(unclosed"]'],
  ['MAX_LOG_BUFFER_MB', '0'],
  ['MAX_RESPONSE_MB', 'lots'],
  ['MAX_LIVE_CLIENTS', '0'],
  ['MAX_LIVE_BYTES', '1000'],
] as const) {
  test(`a bad ${variable} (${value}) is an error naming the variable`, () => {
    try {
      loadConfig({ [variable]: value });
      assert.unreachable('should have thrown');
    } catch (e) {
      assert.instance(e, ConfigError);
      assert.is((e as ConfigError).variable, variable);
      assert.match((e as Error).message, variable);
    }
  });
}

test('DEFAULT_LOG_LIMIT above MAX_LOG_LIMIT is refused', () => {
  assert.throws(() => loadConfig({ DEFAULT_LOG_LIMIT: '500', MAX_LOG_LIMIT: '100' }), /DEFAULT_LOG_LIMIT/);
});

test('include/exclude globs and the opt-out label decide what is collected', () => {
  const c = loadConfig({ INCLUDE_CONTAINERS: 'homeiq-*,db', EXCLUDE_CONTAINERS: '*-debug' });
  const info = (name: string, labels: Record<string, string> = {}) => containerInfo('a'.repeat(64), `/${name}`, 'img', labels);
  assert.ok(isCollected(info('homeiq-api'), c.includeContainers, c.excludeContainers));
  assert.ok(isCollected(info('db'), c.includeContainers, c.excludeContainers));
  assert.not.ok(isCollected(info('redis'), c.includeContainers, c.excludeContainers));
  assert.not.ok(isCollected(info('homeiq-api-debug'), c.includeContainers, c.excludeContainers));
  assert.not.ok(isCollected(info('homeiq-api', { 'logagg.enable': 'false' }), c.includeContainers, c.excludeContainers));
});

test('service name: the Compose service label, else the name without its slash', () => {
  assert.is(containerInfo('x', '/homeiq-websocket-1', 'i', { 'com.docker.compose.service': 'websocket-ingestion' }).service, 'websocket-ingestion');
  assert.is(containerInfo('x', '/plain', 'i', {}).service, 'plain');
});

test.run();
