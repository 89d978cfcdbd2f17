/**
 * Writes a `/logs` page to the socket as it is serialised, in chunks, waiting for the socket to drain
 * between them (backpressure), instead of building the whole JSON text in memory first: a page of
 * MAX_RESPONSE_MB costs its entries plus one chunk, not its entries plus the text plus its copies.
 * A reader that does not drain within `stallMs` has its response destroyed, so that a stalled
 * client cannot hold a query slot for ever.
 */
import type { ServerResponse } from 'node:http';
import type { LogEntry } from '../actors/parse/log-entry.js';
import type { Clock } from '../runtime/index.js';
import { entryJson } from './entry-json.js';

/** Text handed to the socket at once (bytes or characters, whichever comes first; chunked encoding). */
const CHUNK_CHARS = 64 * 1024;

/** Resolves once `res` can take more, or has gone; false when it did not drain in time (it is then destroyed). */
function drained(res: ServerResponse, clock: Clock, stallMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clock.clearTimeout(timer);
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = clock.setTimeout(() => {
      res.destroy();
      done(false);
    }, stallMs);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/**
 * Streams `{"logs":[…],` then `tail` (the rest of the object's members, as JSON text without braces)
 * and `}`. `entries` are let go of as they are written.
 */
export async function streamLogsPage(res: ServerResponse, entries: (LogEntry | undefined)[], tail: string, clock: Clock, stallMs: number): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  let chunk = '{"logs":[';
  for (let i = 0; i < entries.length; i++) {
    chunk += (i > 0 ? ',' : '') + JSON.stringify(entryJson(entries[i]!));
    entries[i] = undefined;
    if (chunk.length >= CHUNK_CHARS) {
      const more = res.write(chunk);
      chunk = '';
      if (res.destroyed) return;
      if (!more && !(await drained(res, clock, stallMs))) return;
    }
  }
  res.end(`${chunk}],${tail}}`);
}
