import type { LogEntry } from '../actors/model/log-entry.js';

/** An unmasked, final WebSocket text frame (RFC 6455 §5.2) around `payload`, as a server sends it. */
export function textFrame(payload: Buffer): Buffer {
  const n = payload.length;
  const headerLength = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + n);
  frame[0] = 0x81; // FIN + text
  if (n < 126) frame[1] = n;
  else if (n < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    frame.writeUInt32BE(n >>> 0, 6);
  }
  payload.copy(frame, headerLength);
  return frame;
}

// Stored entries are immutable: a live entry is framed once and the same bytes go to every client.
const frames = new WeakMap<LogEntry, Buffer>();

/** The WebSocket frame carrying an entry's JSON text, built once per entry. */
export function entryFrame(entry: LogEntry, json: string): Buffer {
  let f = frames.get(entry);
  if (!f) {
    f = textFrame(Buffer.from(json));
    frames.set(entry, f);
  }
  return f;
}
