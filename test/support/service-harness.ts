import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ask } from '../../runtime/index.js';
import type { LogQuery, QueryReply } from '../../actors/model/query-protocol.js';
import type { DiscoveryStatus } from '../../actors/discovery-actor.js';
import type { LogEntry } from '../../actors/model/log-entry.js';
import { startService, type Service, type ServiceConfig, type ServiceOptions } from '../../actors/service.js';
import { setServiceLogLevel } from '../../actors/service-log.js';

// The service's own INFO lines (connected, snapshot written) would drown the test report.
setServiceLogLevel(3);

const dirs: string[] = [];
process.on('exit', () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh data directory, removed when the test process exits. */
export function tempDataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'logagg-data-'));
  dirs.push(d);
  return d;
}

/** Service configuration for tests: the rig's engine, only containers whose names match `include`. */
export function testConfig(include: RegExp, overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  const host = process.env.DOCKER_HOST;
  if (!host) throw new Error('DOCKER_HOST is not set (run the tests with `npm test`)');
  return {
    dockerHost: host,
    maxLogBuffer: 100_000,
    retentionMs: 3_600_000,
    batchSize: 100,
    maxLineBytes: 256 * 1024,
    multilineQuietMs: 100,
    multilineMaxLines: 500,
    redactPatterns: [],
    includeContainers: [include],
    excludeContainers: [],
    backfillConcurrency: 4,
    followerStallMs: 30_000,
    storage: 'disk',
    dataDir: tempDataDir(),
    maxStorageBytes: 1 << 30,
    ...overrides,
  };
}

/** A running service plus query helpers. Fatal errors fail the test loudly. */
export interface TestService extends Service {
  query(q: Partial<LogQuery>): Promise<LogEntry[]>;
  status(): Promise<DiscoveryStatus>;
}

export async function startTestService(config: ServiceConfig, options: ServiceOptions = {}): Promise<TestService> {
  const service = await startService(config, {
    ...options,
    onFatal: (path, error) => {
      throw new Error(`service gave up at ${path}: ${String(error)}`);
    },
  });
  return {
    ...service,
    async query(q) {
      const reply = await ask<unknown, QueryReply>(service.logs as never, (replyTo) => ({ type: 'query', query: { limit: 1_000_000, order: 'asc', ...q }, replyTo }), 10_000);
      if (!reply.ok) throw new Error(`query refused: ${reply.parameter}: ${reply.error}`);
      return reply.result.entries;
    },
    status() {
      return ask<unknown, DiscoveryStatus>(service.discovery as never, (replyTo) => ({ type: 'status', replyTo }), 10_000);
    },
  };
}
