/**
 * The bytes a live client is sent, per wire format: a WebSocket text frame, an NDJSON line, an SSE
 * event. An entry is encoded once per format and a batch once per format: the buffer hands the same
 * batch array to every subscriber of a filter group, so a fan-out to many clients serialises and
 * frames each entry once, not once per client.
 */
import type { LogEntry } from '../actors/model/log-entry.js';
import { entryText } from './entry-json.js';
import { entryFrame, textFrame } from './ws-frame.js';

export type LiveFormat = 'ws' | 'ndjson' | 'sse';

/** Frames one JSON message for the wire. */
export function frameJson(format: LiveFormat, json: string): Buffer {
  switch (format) {
    case 'ws':
      return textFrame(Buffer.from(json));
    case 'ndjson':
      return Buffer.from(`${json}\n`);
    case 'sse':
      return Buffer.from(`data: ${json}\n\n`);
  }
}

const entryCache: Record<LiveFormat, WeakMap<LogEntry, Buffer>> = { ws: new WeakMap(), ndjson: new WeakMap(), sse: new WeakMap() };
const batchCache: Record<LiveFormat, WeakMap<readonly LogEntry[], Buffer>> = { ws: new WeakMap(), ndjson: new WeakMap(), sse: new WeakMap() };

/** One entry's bytes in `format`, built once per entry. */
export function encodeEntry(format: LiveFormat, entry: LogEntry): Buffer {
  if (format === 'ws') return entryFrame(entry, entryText(entry));
  let b = entryCache[format].get(entry);
  if (!b) {
    b = frameJson(format, entryText(entry));
    entryCache[format].set(entry, b);
  }
  return b;
}

/** A whole batch's bytes in `format` (its entries' encodings back to back), built once per batch. */
export function encodeBatch(format: LiveFormat, entries: readonly LogEntry[]): Buffer {
  if (entries.length === 1) return encodeEntry(format, entries[0]!);
  let b = batchCache[format].get(entries);
  if (!b) {
    b = Buffer.concat(entries.map((e) => encodeEntry(format, e)));
    batchCache[format].set(entries, b);
  }
  return b;
}
