/**
 * Elasticsearch / OpenSearch: `_bulk` NDJSON, `create` into a data stream (logs-logagg-default) with
 * ECS fields. The answer is 200 even when items failed: items refused with 429 or 5xx are handed back
 * to be retried alone; any other refusal (a 400 mapping error) is dead-lettered, never retried.
 */
import { LEVELS } from '../../model/log-entry.js';
import { httpSend } from '../../delivery/http-send.js';
import { joinToBuffer } from '../../delivery/text-buffer.js';
import { DeliveryError } from '../../delivery/delivery-error.js';
import { entryIso } from '../wire-time.js';
import type { DeadLetter, SinkFactory } from '../sink.js';
import type { StoredEntry } from '../../store/store-protocol.js';

interface BulkItem {
  status?: number;
  error?: { type?: string; reason?: string };
}

export const elasticsearchSink: SinkFactory = (config, env) => {
  const url = new URL('_bulk', config.url.endsWith('/') ? config.url : config.url + '/').toString();
  const action = JSON.stringify({ create: { _index: config.index } });
  return {
    async send(entries) {
      const host = await env.hostName();
      const lines: string[] = [];
      for (const e of entries) {
        const doc: Record<string, unknown> = {
          '@timestamp': entryIso(e, 3),
          message: e.message,
          log: { level: LEVELS[e.level].toLowerCase() },
          service: { name: e.service },
          container: { id: e.containerId, name: e.containerName },
          host: { name: host },
          event: { sequence: e.seq },
          labels: { stream: e.stream, docker_timestamp: e.dockerTs },
        };
        if (e.fields && Object.keys(e.fields).length > 0) doc.fields = e.fields;
        lines.push(`${action}\n${JSON.stringify(doc)}\n`);
      }
      const answer = await httpSend({ url, headers: { 'content-type': 'application/x-ndjson', ...config.headers }, body: joinToBuffer(lines), tls: config.tls }, env.now);
      let parsed: { errors?: boolean; items?: Record<string, BulkItem>[] };
      try {
        parsed = JSON.parse(answer.body) as typeof parsed;
      } catch {
        throw new DeliveryError(`_bulk answered ${answer.status} with a body that is not JSON`, true);
      }
      if (!parsed.errors) return;
      if (!Array.isArray(parsed.items) || parsed.items.length !== entries.length) throw new DeliveryError(`_bulk answered errors with ${parsed.items?.length ?? 0} items for ${entries.length} documents`, true);
      const retry: StoredEntry[] = [];
      const deadLetters: DeadLetter[] = [];
      parsed.items.forEach((item, i) => {
        const r = Object.values(item)[0] ?? {};
        const status = r.status ?? 0;
        if (status >= 200 && status < 300) return;
        // Only 429 and 5xx items may succeed later; any other item error (a mapping error) would fail forever.
        if (status === 429 || status >= 500) retry.push(entries[i]!);
        else deadLetters.push({ entry: entries[i]!, reason: `${status} ${r.error?.type ?? ''}: ${r.error?.reason ?? ''}`.trim() });
      });
      return { retry, deadLetters };
    },
    async close() {},
  };
};
