/** Webhook: one POST of NDJSON per batch, each line an entry in the same JSON as `/logs`. */
import { entryJson } from '../../../http/entry-json.js';
import { httpSend } from '../../delivery/http-send.js';
import { joinToBuffer } from '../../delivery/text-buffer.js';
import type { SinkFactory } from '../sink.js';

export const webhookSink: SinkFactory = (config, env) => ({
  async send(entries) {
    // Not entryText: its per-entry cache is for live clients sharing an entry; here each is written once.
    const lines = entries.map((e) => JSON.stringify(entryJson(e)) + '\n');
    const body = joinToBuffer(lines);
    await httpSend({ url: config.url, headers: { 'content-type': 'application/x-ndjson', ...config.headers }, body, tls: config.tls }, env.now);
  },
  async close() {},
});
