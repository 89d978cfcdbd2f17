/**
 * Receivers for the HTTP forwarding sinks, on ephemeral ports, that check the documented wire format
 * strictly and answer as the real servers do: a webhook (NDJSON of /logs entries), Grafana Loki
 * (`/loki/api/v1/push`, gzip JSON, string nanosecond timestamps, bounded labels, 429 with Retry-After),
 * Elasticsearch (`_bulk` NDJSON, `create` into a `logs-*-*` data stream, 200 with per-item errors) and
 * OTLP/HTTP JSON (`/v1/logs`). Loki, Elasticsearch and the OpenTelemetry Collector are not available
 * here to test against: these stand in for them, built from their documentation (see
 * shared/reference/outbound.md). Every format violation is recorded in `violations`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export type ReceiverKind = 'webhook' | 'loki' | 'elasticsearch' | 'otlp';

/** One entry as received, whatever the wire format. */
export interface Received {
  seq: number;
  message: string;
  service: string;
  container: string;
  /** Anything else worth asserting on (labels, PRI, ECS fields). */
  extra: Record<string, unknown>;
}

/** What the receiver answers to one request; undefined: the normal success. */
export type Responder = (req: { path: string; headers: http.IncomingHttpHeaders; body: string; received: Received[] }) => { status: number; headers?: Record<string, string>; body: string } | undefined;

/** Elasticsearch per-item outcome: a status for the item at `index` of a request, or undefined (201). */
export type ItemOutcome = (doc: Record<string, unknown>, requestNo: number) => { status: number; type: string; reason: string } | undefined;

const digits = /^\d+$/;
const isStr = (v: unknown): v is string => typeof v === 'string';

export class SinkReceiver {
  readonly received: Received[] = [];
  readonly violations: string[] = [];
  readonly headers: http.IncomingHttpHeaders[] = [];
  requests = 0;
  /** Answers to the next requests, in order (then normal success). */
  readonly script: Responder[] = [];
  /** Elasticsearch: per-item outcomes. */
  itemOutcome: ItemOutcome | undefined;
  /** Refuse every request with this responder while set. */
  refuse: Responder | undefined;
  private server: http.Server | undefined;
  port = 0;

  constructor(readonly kind: ReceiverKind) {}

  get url(): string {
    return this.kind === 'webhook' ? `http://127.0.0.1:${this.port}/hook` : `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<this> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Stops listening and drops every connection (a sink that went away). */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  private violation(what: string): void {
    if (this.violations.length < 50) this.violations.push(what);
  }

  private handle(req: http.IncomingMessage, raw: Buffer, res: http.ServerResponse): void {
    this.requests++;
    this.headers.push(req.headers);
    const path = (req.url ?? '').split('?')[0]!;
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    };
    if (req.method !== 'POST') return send(405, '{"error":"method"}');
    let bodyBuf = raw;
    if (req.headers['content-encoding'] === 'gzip') {
      try {
        bodyBuf = gunzipSync(raw);
      } catch {
        this.violation('content-encoding gzip but the body is not gzip');
        return send(400, 'bad gzip');
      }
    }
    const body = bodyBuf.toString('utf8');
    const scripted = this.refuse ?? this.script.shift();
    const answer = scripted?.({ path, headers: req.headers, body, received: this.received });
    if (answer) return send(answer.status, answer.body, answer.headers);
    try {
      switch (this.kind) {
        case 'webhook':
          return send(200, this.webhook(path, req.headers, body));
        case 'loki':
          return send(204, this.loki(path, req.headers, body));
        case 'elasticsearch':
          return send(200, this.bulk(path, req.headers, body));
        case 'otlp':
          return send(200, this.otlp(path, req.headers, body));
      }
    } catch (e) {
      this.violation((e as Error).message);
      return send(400, JSON.stringify({ error: (e as Error).message }));
    }
  }

  private webhook(path: string, h: http.IncomingHttpHeaders, body: string): string {
    if (path !== '/hook') throw new Error(`webhook: POST to ${path}`);
    if (h['content-type'] !== 'application/x-ndjson') throw new Error(`webhook: content-type ${h['content-type']}`);
    if (!body.endsWith('\n')) throw new Error('webhook: body does not end with a newline');
    const batch: Received[] = [];
    for (const line of body.slice(0, -1).split('\n')) {
      const e = JSON.parse(line) as Record<string, unknown>;
      for (const k of ['timestamp', 'service', 'level', 'message', 'container_id', 'container_name', 'stream', 'docker_timestamp']) if (!isStr(e[k])) throw new Error(`webhook: entry without ${k}: ${line.slice(0, 200)}`);
      if (!Number.isInteger(e.seq)) throw new Error(`webhook: entry without seq: ${line.slice(0, 200)}`);
      batch.push({ seq: e.seq as number, message: e.message as string, service: e.service as string, container: e.container_name as string, extra: e });
    }
    this.received.push(...batch);
    return '{}';
  }

  private loki(path: string, h: http.IncomingHttpHeaders, body: string): string {
    if (path !== '/loki/api/v1/push') throw new Error(`loki: POST to ${path}`);
    if (!String(h['content-type']).startsWith('application/json')) throw new Error(`loki: content-type ${h['content-type']}`);
    const doc = JSON.parse(body) as { streams?: { stream?: Record<string, unknown>; values?: unknown[] }[] };
    if (!Array.isArray(doc.streams)) throw new Error('loki: no streams array');
    const batch: Received[] = [];
    for (const s of doc.streams) {
      const labels = s.stream ?? {};
      const keys = Object.keys(labels).sort().join(',');
      if (keys !== 'host,level,service') throw new Error(`loki: labels must be exactly host, level, service, got ${keys}`);
      if (!Object.values(labels).every(isStr)) throw new Error('loki: label values must be strings');
      if (!Array.isArray(s.values) || s.values.length === 0) throw new Error('loki: a stream without values');
      let prev = -1n;
      for (const v of s.values) {
        if (!Array.isArray(v) || v.length < 2 || v.length > 3) throw new Error(`loki: a value must be [ts, line] or [ts, line, metadata]: ${JSON.stringify(v).slice(0, 200)}`);
        const [ts, line, meta] = v as [unknown, unknown, Record<string, unknown> | undefined];
        if (!isStr(ts) || !digits.test(ts)) throw new Error(`loki: timestamp must be a string of nanoseconds, got ${JSON.stringify(ts)}`);
        if (!isStr(line)) throw new Error('loki: line must be a string');
        if (meta !== undefined && (typeof meta !== 'object' || !Object.values(meta).every(isStr))) throw new Error('loki: structured metadata must be a flat string map');
        if (BigInt(ts) < prev) throw new Error('loki: entries of a stream out of time order');
        prev = BigInt(ts);
        batch.push({ seq: Number(meta?.seq), message: line, service: labels.service as string, container: String(meta?.container_name), extra: { labels, ts, meta } });
      }
    }
    this.received.push(...batch);
    return '';
  }

  private bulk(path: string, h: http.IncomingHttpHeaders, body: string): string {
    if (path !== '/_bulk') throw new Error(`elasticsearch: POST to ${path}`);
    if (h['content-type'] !== 'application/x-ndjson') throw new Error(`elasticsearch: content-type ${h['content-type']}`);
    if (!body.endsWith('\n')) throw new Error('elasticsearch: the bulk body must end with a newline');
    const lines = body.slice(0, -1).split('\n');
    if (lines.length % 2 !== 0) throw new Error('elasticsearch: action and document lines must come in pairs');
    const items: unknown[] = [];
    let errors = false;
    for (let i = 0; i < lines.length; i += 2) {
      const action = JSON.parse(lines[i]!) as Record<string, { _index?: string }>;
      const doc = JSON.parse(lines[i + 1]!) as Record<string, any>;
      const [op, meta] = Object.entries(action)[0] ?? [];
      if (op !== 'create') throw new Error(`elasticsearch: data streams take only create, got ${op}`);
      if (!/^logs-[^-]+-[^-]+$/.test(meta?._index ?? '')) throw new Error(`elasticsearch: not a logs-*-* data stream: ${meta?._index}`);
      if (!isStr(doc['@timestamp']) || Number.isNaN(Date.parse(doc['@timestamp']))) throw new Error('elasticsearch: a data stream document needs @timestamp');
      for (const [k, v] of [['message', doc.message], ['log.level', doc.log?.level], ['service.name', doc.service?.name], ['container.id', doc.container?.id], ['container.name', doc.container?.name], ['host.name', doc.host?.name]] as const) {
        if (!isStr(v)) throw new Error(`elasticsearch: ECS field ${k} missing`);
      }
      const outcome = this.itemOutcome?.(doc, this.requests);
      if (outcome) {
        errors = true;
        items.push({ create: { _index: meta!._index, status: outcome.status, error: { type: outcome.type, reason: outcome.reason } } });
        continue;
      }
      items.push({ create: { _index: `.ds-${meta!._index}-2025.10.25-000001`, _id: String(this.received.length), result: 'created', status: 201 } });
      this.received.push({ seq: Number(doc.event?.sequence), message: doc.message, service: doc.service.name, container: doc.container.name, extra: doc });
    }
    return JSON.stringify({ took: 3, errors, items });
  }

  private otlp(path: string, h: http.IncomingHttpHeaders, body: string): string {
    if (path !== '/v1/logs') throw new Error(`otlp: POST to ${path}`);
    if (h['content-type'] !== 'application/json') throw new Error(`otlp: content-type ${h['content-type']}`);
    const doc = JSON.parse(body) as { resourceLogs?: any[] };
    if (!Array.isArray(doc.resourceLogs)) throw new Error('otlp: no resourceLogs');
    const attrs = (list: any[]): Record<string, unknown> => Object.fromEntries((list ?? []).map((a) => [a.key, a.value?.stringValue ?? a.value?.intValue]));
    for (const rl of doc.resourceLogs) {
      const res = attrs(rl.resource?.attributes);
      for (const k of ['service.name', 'container.id', 'host.name']) if (!isStr(res[k])) throw new Error(`otlp: resource attribute ${k} missing`);
      for (const sl of rl.scopeLogs ?? []) {
        for (const r of sl.logRecords ?? []) {
          if (!isStr(r.timeUnixNano) || !digits.test(r.timeUnixNano)) throw new Error('otlp: timeUnixNano must be a string of digits');
          if (![1, 5, 9, 13, 17, 21].includes(r.severityNumber)) throw new Error(`otlp: severityNumber ${r.severityNumber}`);
          if (!isStr(r.severityText)) throw new Error('otlp: severityText');
          if (!isStr(r.body?.stringValue)) throw new Error('otlp: body.stringValue');
          const a = attrs(r.attributes);
          this.received.push({ seq: Number(a['logagg.seq']), message: r.body.stringValue, service: res['service.name'] as string, container: String(res['container.name']), extra: { resource: res, severityNumber: r.severityNumber, severityText: r.severityText, timeUnixNano: r.timeUnixNano } });
        }
      }
    }
    return JSON.stringify({ partialSuccess: {} });
  }
}
