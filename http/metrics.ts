/**
 * The one owner of the Prometheus registry. Actors do not know about metrics: this module reads the
 * counters they already keep (buffer stats, discovery status, the ingest counting sink, the live
 * registry, the actor system's stats) once per scrape, and listens to the system's typed lifecycle
 * events for per-actor crash, restart, dead-letter and overflow counts. Names follow Prometheus
 * conventions: `logagg_` prefix, `_total` counters, base units; labels are bounded (service names,
 * levels, formats, actor kinds, route templates; never container ids or messages).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import client, { type Counter, type Gauge, type Histogram } from 'prom-client';
import type { BufferStats } from '../actors/model/query-protocol.js';
import type { IngestCounts, IngestMetricsMsg } from '../actors/ingest-metrics-actor.js';
import { LEVELS } from '../actors/model/log-entry.js';
import type { ActorRef, SystemEmitter } from '../runtime/index.js';
import type { HttpContext } from './context.js';
import type { BufferMsg, DiscoveryMsg, DiscoveryStatus } from './deps.js';

/**
 * Gauges another part registers to be read at scrape time. The durable store will register
 * `logagg_store_entries`, `logagg_store_bytes` and `logagg_store_oldest_entry_timestamp_seconds` here
 * (TODO once it lands on main); alert and forwarding counters can come the same way.
 */
export interface GaugeProvider {
  name: string;
  help: string;
  labelNames?: string[];
  read(): Promise<{ labels?: Record<string, string>; value: number }[]>;
}

/** What the metrics read besides the HTTP layer's own deps; all optional (tests run without them). */
export interface MetricsDeps {
  /** The actor system's lifecycle events (crashed, restarted, deadLetter, overflow). */
  events?: SystemEmitter;
  /** The ingest counting sink (lines, bytes, parse outcomes per service). */
  ingest?: ActorRef<IngestMetricsMsg>;
  providers?: GaugeProvider[];
}

/** Route templates, the `route` label of the request histogram; anything else is `other`. */
const ROUTES: [RegExp, string][] = [
  [/^\/logs\/?$/, '/logs'],
  [/^\/logs\/stream\/?$/, '/logs/stream'],
  [/^\/logs\/service\/[^/]+\/?$/, '/logs/service/{name}'],
  [/^\/logs\/around\/[^/]+\/?$/, '/logs/around/{seq}'],
  [/^\/logs\/export\/?$/, '/logs/export'],
  [/^\/containers\/?$/, '/containers'],
  [/^\/errors\/buckets\/?$/, '/errors/buckets'],
  [/^\/errors\/summary\/?$/, '/errors/summary'],
  [/^\/health\/?$/, '/health'],
  [/^\/forwarding\/?$/, '/forwarding'],
  [/^\/metrics\/?$/, '/metrics'],
  [/^\/openapi\.json$/, '/openapi.json'],
  [/^\/alerts\/?$/, '/alerts'],
  [/^\/alerts\/test\/?$/, '/alerts/test'],
  [/^\/$/, '/'],
  [/^\/ui\//, '/ui/{file}'],
];

export function routeLabel(path: string): string {
  for (const [re, label] of ROUTES) if (re.test(path)) return label;
  return 'other';
}

/** Most distinct actor kinds labelled; more go under `other`. */
const MAX_ACTOR_KINDS = 50;

/** An actor's path as a bounded label: `/root/containers/<id>` → `containers/follower`. */
export function actorKind(path: string): string {
  const segments = path
    .replace(/^\/root(?=\/|$)/, '')
    .split('/')
    .filter(Boolean)
    .map((s) => (/^[0-9a-f]{12,64}$/.test(s) ? 'follower' : s));
  const kind = segments.join('/') || 'root';
  return segments.length > 3 || kind.length > 48 || !/^[\w./-]+$/.test(kind) ? 'other' : kind;
}

// Process metrics are per process: one registry, however many servers a test starts. prom-client's
// three `*_total` gauges (promtool: counters only end in _total) are left out; their `type`-labelled
// siblings without the suffix stay.
let processRegistry: client.Registry | undefined;
function processMetrics(): client.Registry {
  if (!processRegistry) {
    processRegistry = new client.Registry();
    client.collectDefaultMetrics({ register: processRegistry });
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) processRegistry.removeSingleMetric(name);
  }
  return processRegistry;
}

/** The registry of one HTTP server. */
export interface Metrics {
  readonly contentType: string;
  /** Reads every source once and renders the exposition. */
  scrape(): Promise<string>;
  /** Times a request into the route histogram once its response is done (live streams are not timed). */
  observe(req: IncomingMessage, res: ServerResponse, path: string): void;
  /** Stops listening to the system's events. */
  close(): void;
}

export function createMetrics(ctx: HttpContext): Metrics {
  const deps: MetricsDeps = ctx.deps.metrics ?? {};
  const r = new client.Registry();
  const counter = (name: string, help: string, labelNames: string[] = []): Counter => new client.Counter({ name, help, labelNames, registers: [r] });
  const gauge = (name: string, help: string, labelNames: string[] = []): Gauge => new client.Gauge({ name, help, labelNames, registers: [r] });

  const lines = counter('logagg_lines_total', 'Log entries collected, by service and level.', ['service', 'level']);
  const bytes = counter('logagg_bytes_total', 'UTF-8 bytes of the collected messages, by service.', ['service']);
  const parsed = counter('logagg_parsed_entries_total', 'Entries by the parser that read them (json, logfmt, plain, regex; unmatched: a configured parser did not match and plain text was used).', ['service', 'format']);
  const redactions = counter('logagg_redactions_total', 'Secrets replaced by [REDACTED], by service.', ['service']);
  const truncated = counter('logagg_truncated_entries_total', 'Entries cut at MAX_LINE_BYTES or MULTILINE_MAX_LINES, by service.', ['service']);
  const dropped = counter('logagg_dropped_entries_total', 'Entries dropped, by reason: slow_live_client (a live client fell behind), mailbox_overflow (a full actor mailbox).', ['reason']);
  const bufEntries = gauge('logagg_buffer_entries', 'Entries held in the in-memory buffer.');
  const bufCapacity = gauge('logagg_buffer_capacity_entries', 'Most entries the buffer holds (MAX_LOG_BUFFER).');
  const bufBytes = gauge('logagg_buffer_bytes', 'Approximate bytes held by the buffered entries.');
  const bufOldest = gauge('logagg_buffer_oldest_entry_timestamp_seconds', 'Docker time of the oldest buffered entry, Unix seconds.');
  const bufEvicted = counter('logagg_buffer_evicted_entries_total', 'Entries evicted from the buffer (full, or past retention); they remain counted in /errors/summary.');
  const requestSeconds: Histogram = new client.Histogram({
    name: 'logagg_http_request_duration_seconds',
    help: 'Time to answer an API request, by route template and status (live streams are not timed).',
    labelNames: ['route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [r],
  });
  const liveClients = gauge('logagg_live_clients', 'Open live-tail clients (WebSocket, NDJSON, SSE).');
  const liveTooSlow = counter('logagg_live_disconnected_clients_total', 'Live clients disconnected for being too slow.');
  const subscribers = gauge('logagg_buffer_subscribers', 'Live subscriptions the buffer feeds.');
  const crashes = counter('logagg_actor_crashes_total', 'Actor crashes, by actor kind.', ['actor']);
  const restarts = counter('logagg_actor_restarts_total', 'Actor restarts by their supervisor, by actor kind.', ['actor']);
  const deadLetters = counter('logagg_actor_dead_letters_total', 'Messages sent to stopped actors, by actor kind.', ['actor']);
  const overflows = counter('logagg_actor_mailbox_overflows_total', 'Messages dropped or refused by a full mailbox, by actor kind.', ['actor']);
  const mailbox = gauge('logagg_actor_mailbox_depth', 'Messages waiting in the mailbox of the long-lived actors.', ['actor']);
  const dockerUp = gauge('logagg_docker_connected', '1 while the Docker events stream is connected, else 0.');
  const dockerConnects = counter('logagg_docker_connects_total', 'Times the Docker events stream was (re)established.');
  const dockerEvents = counter('logagg_docker_events_total', 'Docker container events received.');
  const containers = gauge('logagg_containers', 'Known containers, by follower state.', ['state']);
  const stalled = gauge('logagg_stalled_followers', 'Followers with a batch unacknowledged for FOLLOWER_STALL_SECONDS.');
  const ruleErrors = gauge('logagg_parse_rule_errors', 'Containers whose parsing labels or TZ were refused (collected with the defaults).');
  const info = gauge('logagg_build_info', 'Always 1; the running version as a label.', ['version']);
  const scrapeErrors = counter('logagg_scrape_errors_total', 'Parts of a scrape whose actor did not answer, by part.', ['part']);
  for (const p of deps.providers ?? []) {
    new client.Gauge({
      name: p.name,
      help: p.help,
      labelNames: p.labelNames ?? [],
      registers: [r],
      async collect() {
        this.reset();
        for (const v of await p.read()) (v.labels ? this.set(v.labels, v.value) : this.set(v.value));
      },
    });
  }

  // Lifecycle events, counted as they happen (labelled by actor kind; bounded).
  const kinds = new Set<string>();
  const kindOf = (path: string): string => {
    const k = actorKind(path);
    if (kinds.has(k)) return k;
    if (kinds.size >= MAX_ACTOR_KINDS) return 'other';
    kinds.add(k);
    return k;
  };
  const unsubscribe = deps.events
    ? [
        deps.events.on('crashed', (path) => crashes.inc({ actor: kindOf(path) })),
        deps.events.on('restarted', (path) => restarts.inc({ actor: kindOf(path) })),
        deps.events.on('deadLetter', (path) => deadLetters.inc({ actor: kindOf(path) })),
        deps.events.on('overflow', (path) => overflows.inc({ actor: kindOf(path) })),
      ]
    : [];

  /** Sets a counter to a total kept elsewhere. */
  const setTotal = (c: Counter, value: number, labels?: Record<string, string>): void => {
    if (labels) c.inc(labels, value);
    else c.inc(value);
  };

  const part = <T>(name: string, p: Promise<T>): Promise<T | undefined> =>
    p.catch(() => {
      scrapeErrors.inc({ part: name });
      return undefined;
    });

  async function refresh(): Promise<void> {
    const [buffer, discovery, ingest] = await Promise.all([
      part('buffer', ctx.ask<BufferMsg, BufferStats>(ctx.deps.buffer, (replyTo) => ({ type: 'stats', replyTo }))),
      part('discovery', ctx.ask<DiscoveryMsg, DiscoveryStatus>(ctx.deps.discovery, (replyTo) => ({ type: 'status', replyTo }))),
      deps.ingest ? part('ingest', ctx.ask<IngestMetricsMsg, IngestCounts>(deps.ingest, (replyTo) => ({ type: 'counts', replyTo }))) : undefined,
    ]);
    for (const c of [lines, bytes, parsed, redactions, truncated, dropped, bufEvicted, liveTooSlow, dockerConnects, dockerEvents]) c.reset();
    for (const g of [bufEntries, bufCapacity, bufBytes, bufOldest, mailbox, containers, subscribers, dockerUp, stalled, ruleErrors]) g.reset();

    if (ingest) {
      for (const [service, c] of Object.entries(ingest.services)) {
        for (const level of LEVELS) setTotal(lines, c.lines[level], { service, level });
        setTotal(bytes, c.bytes, { service });
        setTotal(truncated, c.truncated, { service });
        setTotal(redactions, c.parse.redactions, { service });
        for (const format of ['json', 'logfmt', 'plain', 'regex', 'unmatched'] as const) setTotal(parsed, c.parse[format], { service, format });
      }
    }
    const runtime = ctx.deps.stats();
    setTotal(dropped, ctx.live.dropped, { reason: 'slow_live_client' });
    setTotal(dropped, runtime.overflows, { reason: 'mailbox_overflow' });
    const live = ctx.live.stats();
    liveClients.set(live.clients.length);
    setTotal(liveTooSlow, live.disconnectedTooSlow);
    if (buffer) {
      bufEntries.set(buffer.size);
      bufCapacity.set(buffer.capacity);
      bufBytes.set(buffer.approxBytes);
      if (buffer.oldestMs !== undefined) bufOldest.set(buffer.oldestMs / 1000);
      setTotal(bufEvicted, buffer.evicted);
      subscribers.set(buffer.subscribers);
    }
    if (discovery) {
      dockerUp.set(discovery.connected ? 1 : 0);
      setTotal(dockerConnects, discovery.connects);
      setTotal(dockerEvents, discovery.events ?? 0);
      const byState = new Map<string, number>();
      for (const c of discovery.containers) {
        const state = c.unsupported ? 'unsupported' : (c.follower?.state ?? 'starting');
        byState.set(state, (byState.get(state) ?? 0) + 1);
      }
      for (const [state, n] of byState) containers.set({ state }, n);
      stalled.set(discovery.stalled.length);
      ruleErrors.set(discovery.containers.filter((c) => c.follower?.parseRuleErrors?.length).length);
    }
    const refs: [string, unknown][] = [
      ['buffer', ctx.deps.buffer],
      ['errors', ctx.deps.errors],
      ['discovery', ctx.deps.discovery],
      ['metrics', deps.ingest],
    ];
    for (const [actor, ref] of refs) {
      const queued = (ref as { queued?: unknown } | undefined)?.queued;
      if (typeof queued === 'number') mailbox.set({ actor }, queued);
    }
    info.set({ version: ctx.config.version }, 1);
  }

  return {
    contentType: r.contentType,
    async scrape() {
      await refresh();
      const [own, proc] = await Promise.all([r.metrics(), processMetrics().metrics()]);
      return own + proc;
    },
    observe(_req, res, path) {
      const route = routeLabel(path);
      if (route === '/logs/stream') return;
      const end = requestSeconds.startTimer();
      res.once('finish', () => end({ route, status: String(res.statusCode) }));
    },
    close() {
      for (const off of unsubscribe) off();
    },
  };
}
