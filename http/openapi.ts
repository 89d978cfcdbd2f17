/**
 * The API document (OpenAPI 3.1), as one typed object next to the routes it describes. Tests validate
 * real responses against its schemas, so the document and the code cannot drift apart: a field added
 * to a response without being added here fails them (objects are closed with additionalProperties).
 */

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const rfc3339ms = { type: 'string', format: 'date-time', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$' };
const rfc3339ns = { type: 'string', format: 'date-time', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{9}Z$' };
const isoTime = { type: 'string', format: 'date-time' };
const closed = (properties: Record<string, Schema>, required: string[] = Object.keys(properties)): Schema => ({ type: 'object', properties, required, additionalProperties: false });

const LEVEL_NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];

const schemas: Record<string, Schema> = {
  Entry: closed(
    {
      seq: { type: 'integer', minimum: 1, description: "The entry's sequence number in the store: its identity, only growing. Absent only for an entry never stored." },
      timestamp: { ...rfc3339ms, description: "The line's own time when it has one (offset-less times in the container's TZ), else Docker's; RFC 3339 UTC, milliseconds." },
      service: { type: 'string' },
      level: { enum: LEVEL_NAMES },
      message: { type: 'string' },
      container_id: { type: 'string', pattern: '^[0-9a-f]{1,12}$', description: 'Short (12 hex) container id.' },
      container_name: { type: 'string' },
      stream: { enum: ['stdout', 'stderr'] },
      docker_timestamp: { ...rfc3339ns, description: "Docker's time, nanoseconds; drives order, since/until and cursors." },
      fields: { type: 'object', description: 'Structured fields of the line (JSON keys, logfmt pairs, named pattern groups), redacted.' },
      truncated: { const: true },
    },
    ['timestamp', 'service', 'level', 'message', 'container_id', 'container_name', 'stream', 'docker_timestamp'],
  ),
  LogsPage: closed(
    {
      logs: { type: 'array', items: ref('Entry') },
      count: { type: 'integer', minimum: 0 },
      total_containers: { type: ['integer', 'null'], description: 'null when the discovery did not answer in time.' },
      next_cursor: { type: 'string', description: 'Pass as `cursor` for the next page; absent on the last page. A page also stops at MAX_RESPONSE_MB of JSON (so `limit` is a maximum) and continues here.' },
      partial: { const: true, description: 'The scan stopped at its time budget before the page was full; next_cursor continues it.' },
    },
    ['logs', 'count', 'total_containers'],
  ),
  AroundPage: closed({
    entry: ref('Entry'),
    before: { type: 'array', items: ref('Entry'), maxItems: 500, description: 'Lines of the same container just before the entry by (docker_timestamp, seq), oldest first.' },
    after: { type: 'array', items: ref('Entry'), maxItems: 500, description: 'Lines of the same container just after the entry, oldest first.' },
  }),
  Container: closed(
    {
      id: { type: 'string', pattern: '^[0-9a-f]{12}$', description: 'Short (12 hex) container id, as `container_id` in entries and the `container` filter take it.' },
      name: { type: 'string' },
      service: { type: 'string' },
      image: { type: 'string' },
      project: { type: 'string', description: 'The Compose project, when the container has one.' },
      state: { type: 'string', description: "Docker's state: running, exited, paused, created, restarting, dead, …" },
      tty: { type: 'boolean' },
      follower: {
        enum: ['starting', 'backfilling', 'following', 'stopped', 'retrying', 'unsupported', 'removed', null],
        description: "The state of the container's follower; null before it has reported one.",
      },
      unsupported: { type: 'string', description: 'Why its logs cannot be read (a logging driver without a reader).' },
      lines_total: { type: 'integer', minimum: 0, description: 'Lines collected from it by this process since it started (lines read again after a follower restart count again).' },
      lines_per_second: { type: 'number', minimum: 0, description: 'Lines collected whose Docker time lies in the last 60 s, divided by 60.' },
      last_line_at: { ...rfc3339ms, description: 'Docker time of its newest line collected by this process.' },
    },
    ['id', 'name', 'service', 'image', 'state', 'tty', 'follower', 'lines_total', 'lines_per_second'],
  ),
  ContainerList: closed({ containers: { type: 'array', items: ref('Container') }, count: { type: 'integer', minimum: 0 } }),
  ErrorBuckets: closed({
    bucket_seconds: { type: 'integer', minimum: 1 },
    since: { ...rfc3339ms, description: 'Start of the first bucket (the window asked for, rounded down to a bucket boundary, and within the retention).' },
    until: { ...rfc3339ms, description: 'End of the last bucket (exclusive).' },
    services: {
      type: 'array',
      description: 'Every service with lines in the window (only those asked for with `service`), by name.',
      items: closed({
        service: { type: 'string' },
        buckets: {
          type: 'array',
          maxItems: 1000,
          description: 'Contiguous, oldest first, from `since` to `until`; empty buckets included with zeros.',
          items: closed({ start: rfc3339ms, lines: { type: 'integer', minimum: 0 }, errors: { type: 'integer', minimum: 0, description: 'Lines at ERROR or CRITICAL.' } }),
        },
      }),
    },
  }),
  ErrorSummary: closed({
    total_errors: { type: 'integer', minimum: 0 },
    total_lines: { type: 'integer', minimum: 0 },
    error_rate: { type: 'number', minimum: 0, maximum: 1 },
    window: closed({ since: isoTime, until: isoTime }),
    precision: {
      description: 'exact: counted to the millisecond. Otherwise the window was rounded out to whole buckets; `counted` is the window counted.',
      oneOf: [
        closed({ exact: { const: true } }),
        closed({ exact: { const: false }, bucket_seconds: { type: 'number', exclusiveMinimum: 0 }, counted: closed({ since: isoTime, until: isoTime }), reason: { type: 'string' } }),
      ],
    },
    services_with_errors: {
      type: 'array',
      items: closed({
        service: { type: 'string' },
        error_count: { type: 'integer', minimum: 1 },
        line_count: { type: 'integer', minimum: 1 },
        error_rate: { type: 'number', minimum: 0, maximum: 1 },
        last_error_at: isoTime,
      }),
    },
    top_exceptions: {
      type: 'array',
      maxItems: 20,
      items: closed(
        {
          fingerprint: { type: 'string', pattern: '^[0-9a-f]{16}$' },
          type: { type: 'string', description: 'Exception type (ValueError, java.lang.IllegalStateException, panic); absent when the messages name none.' },
          sample: { type: 'string', maxLength: 500 },
          count: { type: 'integer', minimum: 1 },
          services: { type: 'array', items: { type: 'string' } },
          first_seen: isoTime,
          last_seen: isoTime,
        },
        ['fingerprint', 'sample', 'count', 'services', 'first_seen', 'last_seen'],
      ),
    },
  }),
  Health: closed(
    {
      status: { enum: ['healthy', 'degraded'] },
      containers_monitored: { type: ['integer', 'null'] },
      docker_connection: { enum: ['connected', 'disconnected'] },
      log_buffer_size: { type: ['integer', 'null'] },
      log_buffer_capacity: { type: ['integer', 'null'] },
      retention_hours: { type: ['number', 'null'] },
      uptime_seconds: { type: 'integer', minimum: 0 },
      version: { type: 'string' },
      actor_restarts: { type: 'integer', minimum: 0 },
      actor_crashes: { type: 'integer', minimum: 0 },
      dead_letters: { type: 'integer', minimum: 0 },
      repeats_dropped: { type: ['integer', 'null'], minimum: 0, description: 'Messages the engine sent twice (json-file and local rotation on engines before 23) and that were dropped.' },
      stalled_followers: {
        type: 'array',
        items: closed({ container: { type: 'string' }, container_id: { type: 'string' }, service: { type: 'string' }, waiting_for: { type: 'string' }, since: isoTime, stalls: { type: 'integer', minimum: 0 } }),
      },
      parse_rule_errors: {
        type: 'array',
        description: 'Containers whose parsing labels (logagg.*) or TZ were refused; they are collected with the defaults. Does not degrade the status.',
        items: closed({ container: { type: 'string' }, container_id: { type: 'string' }, service: { type: 'string' }, errors: { type: 'array', items: { type: 'string' }, minItems: 1 } }),
      },
      dropped_entries: { type: 'integer', minimum: 0 },
      last_docker_error: { type: 'string' },
      store: closed(
        {
          mode: { enum: ['disk', 'memory'] },
          state: { enum: ['ok', 'failing'], description: 'failing: writes fail and are retried; entries wait in memory (the status is degraded).' },
          error: { type: 'string' },
          path: { type: 'string', description: 'DATA_DIR' },
          pending_entries: { type: 'integer', minimum: 0, description: 'Accepted entries not yet written to disk.' },
          entries: { type: 'integer', minimum: 0 },
          bytes: { type: 'integer', minimum: 0 },
          oldest: isoTime,
          last_seq: { type: 'integer', minimum: 0 },
          committed_seq: { type: 'integer', minimum: 0 },
          rebuilding_statistics: { type: 'boolean', description: 'True right after a start while /errors/summary is rebuilt from the lines earlier runs stored.' },
          note: { type: 'string' },
        },
        ['mode', 'state', 'pending_entries', 'last_seq', 'committed_seq', 'rebuilding_statistics'],
      ),
      alerts: closed(
        {
          destinations: { type: 'array', items: ref('AlertDestination') },
          note: { type: 'string', description: 'STORAGE=memory: pending notifications and cooldowns do not survive a restart.' },
        },
        ['destinations'],
      ),
      problems: { type: 'array', items: { type: 'string' } },
      forwarding: { type: 'array', items: ref('Sink'), description: 'Forwarding sinks, as GET /forwarding; present when any is configured. A failing sink does not degrade the status.' },
    },
    [
      'status',
      'containers_monitored',
      'docker_connection',
      'log_buffer_size',
      'log_buffer_capacity',
      'retention_hours',
      'uptime_seconds',
      'version',
      'actor_restarts',
      'actor_crashes',
      'dead_letters',
      'repeats_dropped',
      'stalled_followers',
      'parse_rule_errors',
      'dropped_entries',
    ],
  ),
  AlertDestination: closed(
    {
      name: { type: 'string' },
      type: { enum: ['webhook', 'slack', 'discord', 'ntfy', 'alertmanager'] },
      sent: { type: 'integer', minimum: 0, description: 'Delivered since the service started.' },
      failed: { type: 'integer', minimum: 0, description: 'Given up on since the service started (a permanent error, or every retry failed).' },
      retrying: { type: 'integer', minimum: 0, description: 'Waiting for a retry now (backoff, or Retry-After).' },
      pending: { type: 'integer', minimum: 0, description: 'Waiting for a first attempt, or being sent, now.' },
      last_error: { type: 'string' },
      last_error_at: isoTime,
      last_sent_at: isoTime,
    },
    ['name', 'type', 'sent', 'failed', 'retrying', 'pending'],
  ),
  AlertNotification: closed({
    id: { type: 'integer' },
    destination: { type: 'string' },
    state: { enum: ['pending', 'retrying', 'sent', 'failed'] },
    attempts: { type: 'integer', minimum: 0 },
    created_at: isoTime,
    sent_at: { oneOf: [isoTime, { type: 'null' }] },
    next_attempt_at: { oneOf: [isoTime, { type: 'null' }] },
    last_error: { type: ['string', 'null'] },
    rule: { type: 'string', description: 'critical_line, error_rate_spike, new_exception, container_exit, container_oom, restart_loop, container_unhealthy, alert_storm, or a user rule\'s name.' },
    service: { type: ['string', 'null'] },
    status: { enum: ['firing', 'resolved'] },
    severity: { enum: ['critical', 'error', 'warning', 'info'] },
    title: { type: 'string' },
    count: { type: 'integer', minimum: 0 },
    suppressed: { type: 'integer', minimum: 0 },
    container: { type: ['string', 'null'] },
    summary: { enum: ['cooldown', 'storm', null] },
  }),
  AlertsPage: closed({
    notifications: { type: 'array', items: ref('AlertNotification') },
    count: { type: 'integer', minimum: 0 },
    destinations: { type: 'array', items: ref('AlertDestination') },
    persistent: { type: 'boolean', description: 'false with STORAGE=memory: nothing survives a restart.' },
  }),
  AlertTestResults: closed({
    ok: { type: 'boolean', description: 'Every destination accepted the test.' },
    results: {
      type: 'array',
      items: closed(
        { destination: { type: 'string' }, type: { enum: ['webhook', 'slack', 'discord', 'ntfy', 'alertmanager'] }, ok: { type: 'boolean' }, status: { type: 'integer' }, error: { type: 'string' }, ms: { type: 'number', minimum: 0 } },
        ['destination', 'type', 'ok', 'ms'],
      ),
    },
  }),
  Sink: closed(
    {
      name: { type: 'string', description: "The sink's name: its cursor's identity in the store." },
      type: { enum: ['webhook', 'syslog', 'loki', 'elasticsearch', 'otlp'] },
      url: { type: 'string', description: 'Without credentials.' },
      state: { enum: ['starting', 'idle', 'sending', 'retrying', 'unknown'], description: 'unknown: the forwarder did not answer in time (only name and type are then given).' },
      cursor: { type: 'integer', minimum: 0, description: 'The last seq the sink accepted, committed in the store.' },
      lag_entries: { type: 'integer', minimum: 0, description: 'Stored entries after the cursor (filtered-out ones included).' },
      lag_seconds: { type: ['number', 'null'], minimum: 0, description: 'Age of the oldest undelivered entry; 0 when caught up, null while not yet read.' },
      sent: { type: 'integer', minimum: 0, description: 'Entries the sink accepted since the service started.' },
      retried: { type: 'integer', minimum: 0, description: 'Entries sent again after a failure since the service started.' },
      dropped: { type: 'integer', minimum: 0, description: 'Entries deleted by retention before this sink received them (kept with the cursor).' },
      dead_lettered: { type: 'integer', minimum: 0, description: 'Entries the sink refused for good (logged with their seq), since the service started.' },
      last_success: isoTime,
      last_error: { type: 'string' },
      last_error_at: isoTime,
    },
    ['name', 'type', 'url', 'state'],
  ),
  Forwarding: closed({ sinks: { type: 'array', items: ref('Sink') }, note: { type: 'string', description: 'STORAGE=memory: cursors do not survive a restart.' } }, ['sinks']),
  Error: closed({ error: { type: 'string' } }),
  ParamError: closed({ error: { type: 'string' }, parameter: { type: 'string', description: 'The query parameter at fault.' } }),
  LiveNotice: {
    oneOf: [closed({ notice: { const: 'dropped' }, count: { type: 'integer', minimum: 1 } }), closed({ notice: { const: 'disconnected' }, reason: { const: 'too slow' } })],
  },
};

const q = (name: string, description: string, schema: Schema = { type: 'string' }): Schema => ({ name, in: 'query', required: false, description, schema });
const timeDesc = (what: string): string => `${what}: a duration before now (30s, 5m, 1h, 1d, 2w; fractions allowed), an ISO-8601 time (UTC without an offset) or epoch seconds; on Docker's timestamp, inclusive.`;
const params: Record<string, Schema> = {
  service: q('service', 'A service name, or a comma-separated list.'),
  level: q('level', 'Minimum severity, any case: trace, debug, info, warn/warning, error, critical/fatal.'),
  search: q('search', 'Case-insensitive keyword in the message; empty means no filter.'),
  regex: q('regex', 'A pattern on the message, run in linear time; (?i) prefix for case-insensitive; backreferences and lookaround are refused (400).'),
  container: q('container', 'A container id prefix or a container name.'),
  stream: q('stream', 'stdout or stderr.', { enum: ['stdout', 'stderr'] }),
  since: q('since', timeDesc('Start of the window')),
  until: q('until', timeDesc('End of the window')),
  limit: q('limit', 'Entries per page (default DEFAULT_LOG_LIMIT); larger values are lowered to MAX_LOG_LIMIT.', { type: 'integer', minimum: 1 }),
  order: q('order', 'desc (default, newest first) or asc.', { enum: ['asc', 'desc'] }),
  cursor: q('cursor', 'The next_cursor of the previous page.'),
  tail: q('tail', 'First the last N matching stored entries, then live ones (default 0; clamped to MAX_LOG_LIMIT).', { type: 'integer', minimum: 0 }),
  before: q('before', 'Lines of the same container before the entry (0–500, default 25).', { type: 'integer', minimum: 0, maximum: 500 }),
  after: q('after', 'Lines of the same container after the entry (0–500, default 25).', { type: 'integer', minimum: 0, maximum: 500 }),
  bucket: q('bucket', "Bucket width in seconds: a multiple of the statistics' bucket (60 s for retentions up to 24 h; the default), at most 1000 buckets in the window.", { type: 'integer', minimum: 1 }),
  format: q('format', 'ndjson (default): one Entry JSON per line; text: `<timestamp> <service> <LEVEL> <message>` per line, continuation lines indented.', { enum: ['ndjson', 'text'] }),
  token: q('token', 'The API token, for clients that cannot set headers (browser WebSocket and EventSource). Only on this route.'),
};
const filterParams = ['service', 'level', 'search', 'regex', 'container', 'stream'];
const paramRef = (name: string): Schema => ({ $ref: `#/components/parameters/${name}` });

const json = (schema: Schema): Schema => ({ content: { 'application/json': { schema } } });
const error = (description: string, schema = 'Error'): Schema => ({ description, ...json(ref(schema)) });
const errors = {
  '400': error('A query parameter was refused; `parameter` names it and the message says what is accepted. Also a malformed request.', 'ParamError'),
  '401': { ...error('Missing or invalid bearer token (when API_TOKEN is set).'), headers: { 'WWW-Authenticate': { schema: { type: 'string' } } } },
  '404': error('No such route.'),
  '405': { ...error('Only GET (and OPTIONS) are allowed.'), headers: { Allow: { schema: { type: 'string' } } } },
  '414': error('Request target longer than 8 KiB.'),
  '431': error('Request head larger than 16 KiB.'),
  '500': error('Internal error; details are in the service log, never in the answer.'),
  '503': { ...error('An actor is overloaded or not running.'), headers: { 'Retry-After': { schema: { type: 'string' } } } },
  '504': error('An actor did not answer in time.'),
};
const pick = (...codes: (keyof typeof errors)[]): Record<string, Schema> => Object.fromEntries(codes.map((c) => [c, errors[c]]));
const commonErrors = pick('401', '404', '405', '414', '431', '500', '503', '504');

const logsParams = [...filterParams, 'since', 'until', 'limit', 'order', 'cursor'].map(paramRef);

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'logagg',
    version: '0.1.0',
    description:
      'Log aggregator for the containers on a Docker host. With API_TOKEN set, every route but /health needs `Authorization: Bearer <token>`. Every error is JSON. Times: `timestamp` RFC 3339 UTC with milliseconds, `docker_timestamp` with nanoseconds.',
  },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  paths: {
    '/logs': {
      get: {
        operationId: 'getLogs',
        summary: 'A page of stored entries, newest first by default.',
        parameters: logsParams,
        responses: { '200': { description: 'A page.', ...json(ref('LogsPage')) }, ...pick('400'), ...commonErrors },
      },
    },
    '/logs/service/{name}': {
      get: {
        operationId: 'getServiceLogs',
        summary: 'As /logs for one service (the path wins over any `service` parameter).',
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }, ...logsParams.filter((p) => p.$ref !== '#/components/parameters/service')],
        responses: { '200': { description: 'A page.', ...json(ref('LogsPage')) }, ...pick('400'), ...commonErrors },
      },
    },
    '/logs/around/{seq}': {
      get: {
        operationId: 'getLogsAround',
        summary: "An entry (by its seq) and its container's lines just before and after it, by (docker_timestamp, seq).",
        parameters: [{ name: 'seq', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }, ...['before', 'after'].map(paramRef)],
        responses: {
          '200': { description: 'The entry and its neighbours.', ...json(ref('AroundPage')) },
          ...pick('400'),
          ...commonErrors,
          '404': error('No entry has that seq (it left the retention window, or never existed); or no such route.'),
        },
      },
    },
    '/logs/export': {
      get: {
        operationId: 'exportLogs',
        summary: 'The whole query, oldest first, streamed as a download: not capped at MAX_LOG_LIMIT or MAX_RESPONSE_MB.',
        description:
          'Every filter of /logs (no limit, cursor or order: everything matching, oldest first). Without `until`, the export ends at the time of the request. Produced page by page through the query queue, each page written with backpressure, so an export never holds other queries back; a client that goes away stops it. `Content-Disposition: attachment; filename="logagg-<UTC time>.ndjson|txt"`. An error after the first bytes cuts the connection (the download is then incomplete).',
        parameters: [...filterParams, 'since', 'until', 'format'].map(paramRef),
        responses: {
          '200': {
            description: 'The entries.',
            headers: { 'Content-Disposition': { schema: { type: 'string' } } },
            content: {
              'application/x-ndjson': { schema: ref('Entry') },
              'text/plain; charset=utf-8': { schema: { type: 'string', description: 'One entry per line: `<timestamp> <service> <LEVEL> <message>`; the further lines of a multi-line message follow, indented by two spaces.' } },
            },
          },
          ...pick('400'),
          ...commonErrors,
        },
      },
    },
    '/logs/stream': {
      get: {
        operationId: 'streamLogs',
        summary: 'Live tail: WebSocket (Upgrade: websocket), Server-Sent Events (Accept: text/event-stream), else newline-delimited JSON.',
        description:
          'One JSON value per WebSocket message, NDJSON line or SSE `data:` event: an Entry, or a LiveNotice (`dropped` once a slow client catches up; `disconnected` before a stalled stream ends; WebSocket closes with 1008 "too slow" instead). SSE sends a `: keepalive` comment every 15 s. Invalid parameters refuse the upgrade or the stream with 400; the status is decided before the stream starts. Beyond MAX_LIVE_CLIENTS open live clients the stream (or the upgrade) is refused with 503. When the live queues together reach MAX_LIVE_BYTES, the clients furthest behind are disconnected as too slow. `tail` gives at most what the client queue holds (1 MiB). Stream responses carry `Connection: close`.',
        parameters: [...filterParams, 'tail', 'token'].map(paramRef),
        responses: {
          '101': { description: 'Switching to the WebSocket protocol; each message is an Entry or a LiveNotice.' },
          '200': {
            description: 'The stream.',
            content: {
              'application/x-ndjson': { schema: { oneOf: [ref('Entry'), ref('LiveNotice')] } },
              'text/event-stream': { schema: { type: 'string', description: '`data: <Entry or LiveNotice JSON>` events.' } },
            },
          },
          '403': error('A browser WebSocket from an origin not allowed by CORS_ORIGINS.'),
          ...pick('400'),
          ...commonErrors,
        },
      },
    },
    '/errors/summary': {
      get: {
        operationId: 'getErrorSummary',
        summary: 'Error counts per service and the most frequent exceptions within the window (default: the whole retention).',
        parameters: ['since', 'until'].map(paramRef),
        responses: { '200': { description: 'The summary.', ...json(ref('ErrorSummary')) }, ...pick('400'), ...commonErrors },
      },
    },
    '/errors/buckets': {
      get: {
        operationId: 'getErrorBuckets',
        summary: 'Lines and errors per service in contiguous time buckets (default: the last hour), for charts.',
        description: 'Counted by the error statistics over every line collected within the retention window (rebuilt from the store at start). Buckets are aligned to multiples of their width since the epoch.',
        parameters: ['service', 'since', 'until', 'bucket'].map(paramRef),
        responses: { '200': { description: 'The series.', ...json(ref('ErrorBuckets')) }, ...pick('400'), ...commonErrors },
      },
    },
    '/containers': {
      get: {
        operationId: 'getContainers',
        summary: "Every container discovered, with Docker's state, its follower's state and its lines per second.",
        responses: { '200': { description: 'The containers.', ...json(ref('ContainerList')) }, ...commonErrors },
      },
    },
    '/health': {
      get: {
        operationId: 'getHealth',
        summary: 'State of the service; no token needed.',
        security: [],
        responses: {
          '200': { description: 'Healthy.', ...json(ref('Health')) },
          '503': { description: 'Degraded (Docker unreachable, an actor not answering, a stalled follower); still served.', ...json(ref('Health')) },
          ...pick('404', '405', '414', '431', '500'),
        },
      },
    },
    '/forwarding': {
      get: {
        operationId: 'getForwarding',
        summary: 'Per forwarding sink: cursor, lag, sent, retried, dropped and dead-lettered counts, last success, last error.',
        responses: { '200': { description: 'The sinks (an empty list when none is configured).', ...json(ref('Forwarding')) }, ...commonErrors },
      },
    },
    '/metrics': {
      get: {
        operationId: 'getMetrics',
        summary: 'Prometheus text exposition (version 0.0.4).',
        responses: { '200': { description: 'The metrics.', content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } } }, ...commonErrors },
      },
    },
    '/alerts': {
      get: {
        operationId: 'getAlerts',
        summary: 'Recent alert notifications, newest first, one per destination, with their delivery state; and each destination\'s figures.',
        parameters: [
          q('service', 'Only this service.'),
          q('rule', 'Only this rule.'),
          q('state', 'Only this delivery state.', { enum: ['pending', 'retrying', 'sent', 'failed'] }),
          q('limit', 'At most this many (default 100, at most 1000).', { type: 'integer', minimum: 1 }),
        ],
        responses: { '200': { description: 'The notifications.', ...json(ref('AlertsPage')) }, ...pick('400'), ...commonErrors },
      },
    },
    '/alerts/test': {
      post: {
        operationId: 'postAlertTest',
        summary: 'Sends a test notification to every destination and answers with each one\'s result (one attempt, no retry). One call per 10 s.',
        responses: {
          '200': { description: 'Each destination\'s result.', ...json(ref('AlertTestResults')) },
          '429': { ...error('Called again within 10 s.'), headers: { 'Retry-After': { schema: { type: 'string' } } } },
          ...commonErrors,
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        summary: 'This document.',
        responses: { '200': { description: 'The OpenAPI 3.1 document.', ...json({ type: 'object' }) }, ...commonErrors },
      },
    },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API_TOKEN; Prometheus sends it with `authorization: {credentials: …}`.' } },
    parameters: params,
    schemas,
  },
} as const;

/** The document's schemas, for validating responses (tests). */
export const OPENAPI_SCHEMAS = schemas;
