/**
 * Grafana Loki: `POST /loki/api/v1/push`, JSON, gzip. Labels are few and bounded (service, level,
 * host); the container and the stream go into structured metadata, never into labels. Timestamps are
 * nanosecond strings, sorted within each stream.
 */
import { LEVELS } from '../../model/log-entry.js';
import { httpSend } from '../../delivery/http-send.js';
import { dockerNanos } from '../wire-time.js';
import type { SinkFactory } from '../sink.js';

export const lokiSink: SinkFactory = (config, env) => {
  const url = new URL('loki/api/v1/push', config.url.endsWith('/') ? config.url : config.url + '/').toString();
  return {
    async send(entries) {
      const host = await env.hostName();
      const streams = new Map<string, { stream: Record<string, string>; values: [string, string, Record<string, string>][] }>();
      for (const e of entries) {
        const level = LEVELS[e.level].toLowerCase();
        const key = `${e.service}\n${level}`;
        let s = streams.get(key);
        if (!s) streams.set(key, (s = { stream: { service: e.service, level, host }, values: [] }));
        s.values.push([dockerNanos(e), e.message, { container_id: e.containerId.slice(0, 12), container_name: e.containerName, stream: e.stream, seq: String(e.seq) }]);
      }
      for (const s of streams.values()) s.values.sort((a, b) => (a[0].length - b[0].length) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(config.tenant ? { 'x-scope-orgid': config.tenant } : {}), ...config.headers };
      await httpSend({ url, headers, body: JSON.stringify({ streams: [...streams.values()] }), gzip: true, tls: config.tls }, env.now);
    },
    async close() {},
  };
};
