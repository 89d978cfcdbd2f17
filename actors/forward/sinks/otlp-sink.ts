/**
 * OpenTelemetry: `POST /v1/logs` as OTLP/HTTP JSON. One resource per container (service.name,
 * container.id, host.name); severity from the level; 64-bit times as strings.
 */
import { LEVELS } from '../../model/log-entry.js';
import { httpSend } from '../../delivery/http-send.js';
import { dockerNanos } from '../wire-time.js';
import type { SinkFactory } from '../sink.js';

/** OTLP severity numbers of TRACE … CRITICAL (FATAL). */
const SEVERITY = [1, 5, 9, 13, 17, 21];
const SEVERITY_TEXT = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });

export const otlpSink: SinkFactory = (config, env) => {
  const url = new URL('v1/logs', config.url.endsWith('/') ? config.url : config.url + '/').toString();
  return {
    async send(entries) {
      const host = await env.hostName();
      const observed = (BigInt(env.now()) * 1_000_000n).toString();
      const byContainer = new Map<string, { resource: { attributes: ReturnType<typeof attr>[] }; scopeLogs: [{ scope: { name: string }; logRecords: unknown[] }] }>();
      for (const e of entries) {
        const key = `${e.containerId}\n${e.service}`;
        let r = byContainer.get(key);
        if (!r) {
          r = { resource: { attributes: [attr('service.name', e.service), attr('container.id', e.containerId), attr('container.name', e.containerName), attr('host.name', host)] }, scopeLogs: [{ scope: { name: 'logagg' }, logRecords: [] }] };
          byContainer.set(key, r);
        }
        const attributes = [attr('log.iostream', e.stream), { key: 'logagg.seq', value: { intValue: String(e.seq) } }];
        r.scopeLogs[0].logRecords.push({
          timeUnixNano: dockerNanos(e),
          observedTimeUnixNano: observed,
          severityNumber: SEVERITY[e.level],
          severityText: SEVERITY_TEXT[e.level] ?? LEVELS[e.level],
          body: { stringValue: e.message },
          attributes,
        });
      }
      await httpSend({ url, headers: { 'content-type': 'application/json', ...config.headers }, body: JSON.stringify({ resourceLogs: [...byContainer.values()] }), tls: config.tls }, env.now);
    },
    async close() {},
  };
};
