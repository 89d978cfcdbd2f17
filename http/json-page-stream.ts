/**
 * Writes a `/logs` page (or an export's pages) to the socket as it is serialised, in chunks, waiting for the socket to drain
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
 * Writes `head`, then `render(entry, i)` of each entry, to the socket in chunks of about CHUNK_CHARS,
 * waiting for it to drain between them; `entries` are let go of as they are written. Resolves with
 * the text not yet written (for the caller to finish with), or undefined when the reader went away or
 * stalled past `stallMs` (its response is then destroyed).
 */
export async function writeEntries(res: ServerResponse, head: string, entries: (LogEntry | undefined)[], render: (e: LogEntry, i: number) => string, clock: Clock, stallMs: number): Promise<string | undefined> {
  let chunk = head;
  for (let i = 0; i < entries.length; i++) {
    chunk += render(entries[i]!, i);
    entries[i] = undefined;
    if (chunk.length >= CHUNK_CHARS) {
      const more = res.write(chunk);
      chunk = '';
      if (res.destroyed) return undefined;
      if (!more && !(await drained(res, clock, stallMs))) return undefined;
    }
  }
  return chunk;
}

/**
 * Streams `{"logs":[…],` then `tail` (the rest of the object's members, as JSON text without braces)
 * and `}`. `entries` are let go of as they are written.
 */
export async function streamLogsPage(res: ServerResponse, entries: (LogEntry | undefined)[], tail: string, clock: Clock, stallMs: number): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  const rest = await writeEntries(res, '{"logs":[', entries, (e, i) => (i > 0 ? ',' : '') + JSON.stringify(entryJson(e)), clock, stallMs);
  if (rest !== undefined) res.end(`${rest}],${tail}}`);
}

/** Writes `text` and resolves once the socket has taken it (true), or false when the reader went away or stalled. */
export async function writeDrained(res: ServerResponse, text: string, clock: Clock, stallMs: number): Promise<boolean> {
  if (text.length === 0) return !res.destroyed;
  const more = res.write(text);
  if (res.destroyed) return false;
  return more || drained(res, clock, stallMs);
}
