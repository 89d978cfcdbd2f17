/** Entry point: read the configuration, start the actor tree, serve HTTP, stop cleanly on a signal. */
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from './actors/config.js';
import { alertSettings } from './actors/alerts/alert-settings.js';
import { ConfigFileError, loadConfigFile } from './actors/service/config-file.js';
import { QUERY_BUDGET_MS, startService } from './actors/service.js';
import { configureServiceLog, serviceLog, setServiceLogLevel } from './actors/service-log.js';
import { createServer, describeListenError } from './http/index.js';
import { alertMetricsProvider } from './http/alerts-route.js';
import { loadForwardingConfig, type ForwardingConfig } from './actors/forward/sink-config.js';
import { forwardingGauges } from './http/forwarding-route.js';
import { storeGauges } from './http/store-gauges.js';
import { parseRulesFromFile } from './actors/parse/parse-config.js';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

async function main(): Promise<void> {
  let config: Config;
  let forwarding: ForwardingConfig;
  try {
    config = loadConfig();
    // LOGAGG_CONFIG (the file) and the environment; the environment wins, and adds destinations.
    const file = loadConfigFile();
    config.alerts = alertSettings(process.env, file.alerts);
    config.alerts.linkBaseUrl ??= `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${config.port}`;
    forwarding = loadForwardingConfig(process.env, file);
    config.parseRules = parseRulesFromFile(file);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ConfigFileError) {
      process.stderr.write(`logagg: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  setServiceLogLevel(config.logLevel);
  configureServiceLog({ format: config.logFormat });
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
      metrics: { events: service.system.events, ingest: service.ingestMetrics, providers: [...(service.alerts ? [alertMetricsProvider(service.alerts)] : []), ...forwardingGauges(service.forwarders), ...storeGauges(service.store)] },
      ...(service.alerts ? { alerts: service.alerts } : {}),
      forwarders: service.forwarders,
    },
    {
      defaultLimit: config.defaultLogLimit,
      maxLimit: config.maxLogLimit,
      askTimeoutMs: 5000,
      queryTimeoutMs: QUERY_BUDGET_MS + 5000,
      queryBudgetMs: QUERY_BUDGET_MS,
      apiToken: config.apiToken,
      corsOrigins: config.corsOrigins,
      version,
      startedAt,
      maxClientQueue: 1000,
      maxLiveClients: config.maxLiveClients,
      maxLiveBytes: config.maxLiveBytes,
      maxResponseBytes: config.maxResponseBytes,
      retentionMs: config.retentionMs,
      storageMode: config.storage,
    },
  );
  const address = await http.listen(config.port, config.host).catch((error: unknown) => {
    // A port in use or a host that is not ours is a setting to change: one line naming it, no stack.
    const problem = describeListenError(error, config.port, config.host);
    if (!problem) throw error;
    process.stderr.write(`logagg: configuration error: ${problem.variable}: ${problem.message}\n`);
    process.exit(2);
  });
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
