/**
 * Writes a `/logs` page (or an export's lines) to the socket as it is produced: `{"logs":[`, then entries in chunks as each
 * part of the page arrives, waiting for the socket to drain between chunks (backpressure), then the
 * page's other members and `}`. Neither the page nor its JSON text is ever whole in memory: a page of
 * MAX_RESPONSE_MB costs one part of it (SUB_PAGE_BYTES) plus one chunk. The writer counts the body's
 * bytes exactly and refuses an entry that would take the page past its cap (the first entry of a page
 * always goes, so that a single huge entry can still be read). A reader that does not drain within
 * `stallMs` has its response destroyed, so that a stalled client cannot hold a query slot for ever.
 */
import type { ServerResponse } from 'node:http';
import type { LogEntry } from '../actors/model/log-entry.js';
import type { Clock } from '../runtime/index.js';
import { entryJson } from './entry-json.js';

/** Text handed to the socket at once (chunked encoding). */
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

/** One page's JSON on its way to the socket. */
export class JsonPageWriter {
  /** Entries written so far. */
  count = 0;
  /** Bytes of the body so far (UTF-8), the opening included. */
  bytes = 0;
  private chunk = '';
  private started = false;

  /**
   * @param maxBytes the body's cap: entries stop before they would pass it (less the room kept for the
   *   page's other members), except the page's first entry.
   */
  constructor(
    private readonly res: ServerResponse,
    private readonly clock: Clock,
    private readonly stallMs: number,
    private readonly maxBytes = Infinity,
  ) {}

  /** The response has gone (the client left or stalled): stop producing. */
  get gone(): boolean {
    return this.res.destroyed;
  }

  /**
   * Writes entries in order until one would pass the cap; returns how many were written (the rest are
   * left for the next page). Resolves after the socket has taken them or gone.
   */
  async write(entries: readonly LogEntry[]): Promise<number> {
    this.start();
    let i = 0;
    for (; i < entries.length; i++) {
      const text = (this.count > 0 ? ',' : '') + JSON.stringify(entryJson(entries[i]!));
      const size = Buffer.byteLength(text);
      if (this.count > 0 && this.bytes + size > this.maxBytes) break;
      this.chunk += text;
      this.bytes += size;
      this.count++;
      if (this.chunk.length >= CHUNK_CHARS && !(await this.flush())) return i + 1;
    }
    return i;
  }

  /** Ends the body with `tail` (the object's other members, as JSON text without braces). */
  end(tail: string): void {
    this.start();
    this.res.end(`${this.chunk}],${tail}}`);
    this.chunk = '';
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    this.chunk = '{"logs":[';
    this.bytes = this.chunk.length;
  }

  /** Hands the chunk to the socket; false when the response is gone. */
  private async flush(): Promise<boolean> {
    const text = this.chunk;
    this.chunk = '';
    return writeDrained(this.res, text, this.clock, this.stallMs);
  }
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
      const ok = await writeDrained(res, chunk, clock, stallMs);
      chunk = '';
      if (!ok) return undefined;
    }
  }
  return chunk;
}

/** Writes `text` and resolves once the socket has taken it (true), or false when the reader went away or stalled. */
export async function writeDrained(res: ServerResponse, text: string, clock: Clock, stallMs: number): Promise<boolean> {
  if (text.length === 0) return !res.destroyed;
  const more = res.write(text);
  if (res.destroyed) return false;
  return more || drained(res, clock, stallMs);
}
