/**
 * Writes entries to a response as they are produced: each rendered (a `/logs` page's JSON, an
 * export's NDJSON or text lines), gathered into chunks of about CHUNK_CHARS, and handed to the socket
 * a chunk at a time, waiting for it to drain between chunks (backpressure). Neither a page nor an
 * export is ever whole in memory: what is held is the part being written plus one chunk. The body's
 * bytes are counted exactly, and an entry that would take it past `maxBytes` is refused (the first
 * always goes, so that one huge entry can still be read). A reader that does not drain within
 * `stallMs` has its response destroyed, so that a stalled client cannot hold a query slot for ever.
 */
import type { ServerResponse } from 'node:http';
import type { LogEntry } from '../actors/model/log-entry.js';
import type { Clock } from '../runtime/index.js';

/** Text handed to the socket at once (chunked encoding). */
const CHUNK_CHARS = 64 * 1024;

export interface EntryWriterOptions {
  /** Text before the first entry (`{"logs":[`, or nothing). */
  head: string;
  /** One entry's text; `first` for the body's first entry (a JSON array's first element has no comma). */
  render(e: LogEntry, first: boolean): string;
  /** Called once, just before the first byte: the status line and headers. */
  start(res: ServerResponse): void;
  /** The body's cap in bytes (UTF-8), head included. */
  maxBytes?: number;
}

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

export class EntryWriter {
  /** Entries written so far. */
  count = 0;
  /** Bytes of the body so far (UTF-8), the head included. */
  bytes = 0;
  private chunk = '';
  private started = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly clock: Clock,
    private readonly stallMs: number,
    private readonly opts: EntryWriterOptions,
  ) {}

  /** The response has gone (the client left or stalled): stop producing. */
  get gone(): boolean {
    return this.res.destroyed;
  }

  /**
   * Writes entries in order until one would pass the cap; returns how many were written (the rest are
   * left for the caller). Resolves once the socket has taken all but the last chunk, or has gone.
   */
  async write(entries: readonly LogEntry[]): Promise<number> {
    this.begin();
    const max = this.opts.maxBytes ?? Infinity;
    let i = 0;
    for (; i < entries.length; i++) {
      const text = this.opts.render(entries[i]!, this.count === 0);
      const size = Buffer.byteLength(text);
      if (this.count > 0 && this.bytes + size > max) break;
      this.chunk += text;
      this.bytes += size;
      this.count++;
      if (this.chunk.length >= CHUNK_CHARS && !(await this.flush())) return i + 1;
    }
    return i;
  }

  /** Hands what is gathered to the socket; false when the response is gone. */
  async flush(): Promise<boolean> {
    this.begin();
    const text = this.chunk;
    this.chunk = '';
    if (text.length === 0) return !this.res.destroyed;
    const more = this.res.write(text);
    if (this.res.destroyed) return false;
    return more || drained(this.res, this.clock, this.stallMs);
  }

  /** Ends the body with `tail`. */
  end(tail: string): void {
    this.begin();
    if (this.res.destroyed) return;
    this.res.end(this.chunk + tail);
    this.chunk = '';
  }

  private begin(): void {
    if (this.started) return;
    this.started = true;
    this.opts.start(this.res);
    this.chunk = this.opts.head;
    this.bytes = Buffer.byteLength(this.chunk);
  }
}
