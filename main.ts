/** Entry point: read the configuration, start the actor tree, serve HTTP, stop cleanly on a signal. */
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from './actors/config.js';
import { loadForwardingConfig, type ForwardingConfig } from './actors/forward/sink-config.js';
import { ConfigFileError, loadConfigFile } from './actors/service/config-file.js';
import { startService } from './actors/service.js';
import { serviceLog, setServiceLogLevel } from './actors/service-log.js';
import { createServer } from './http/index.js';
import { forwardingGauges } from './http/forwarding-route.js';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

async function main(): Promise<void> {
  let config: Config;
  let forwarding: ForwardingConfig;
  try {
    config = loadConfig();
    // The config file (LOGAGG_CONFIG) holds what the environment cannot; sinks in the environment are added to its own.
    const file = loadConfigFile();
    forwarding = loadForwardingConfig(process.env, file);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ConfigFileError) {
      process.stderr.write(`logagg: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  setServiceLogLevel(config.logLevel);
  if (process.env.SNAPSHOT_PATH) serviceLog(3, 'SNAPSHOT_PATH is retired and ignored: the store in DATA_DIR keeps entries and cursors across restarts and crashes');
  const startedAt = Date.now();
  const service = await startService(config, {
    forwarding,
    onFatal: (path, error) => {
      serviceLog(5, `supervisor ${path} gave up after repeated failures: ${String((error as Error)?.stack ?? error)}`);
      process.exit(1);
    },
  });
  const http = createServer(
    {
      buffer: service.buffer,
      logs: service.logs,
      store: service.store,
      errors: service.errors,
      discovery: service.discovery,
      stats: () => service.system.stats,
      metrics: { events: service.system.events, ingest: service.ingestMetrics, providers: forwardingGauges(service.forwarders) },
      forwarders: service.forwarders,
    },
    {
      defaultLimit: config.defaultLogLimit,
      maxLimit: config.maxLogLimit,
      askTimeoutMs: 5000,
      apiToken: config.apiToken,
      corsOrigins: config.corsOrigins,
      version,
      startedAt,
      maxClientQueue: 1000,
      retentionMs: config.retentionMs,
      storageMode: config.storage,
    },
  );
  const address = await http.listen(config.port, config.host);
  serviceLog(2, `logagg ${version} listening on ${address.address}:${address.port} (Docker at ${config.dockerHost})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    serviceLog(2, `${signal}: stopping`);
    const force = setTimeout(() => process.exit(1), 25_000);
    force.unref();
    await http.close();
    await service.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  serviceLog(5, `failed to start: ${String((error as Error)?.stack ?? error)}`);
  process.exit(1);
});
