import type { StreamName } from '../model/log-entry.js';
import { DOCKER_TS_LENGTH, hasDockerTsPrefix } from './docker-timestamp.js';
import { FrameDecoder, STDERR, STDOUT, SYSTEM_ERR } from './frame-decoder.js';

/** The engine's copier buffer: a longer line arrives as pieces of exactly this many bytes. */
export const DOCKER_PIECE_BYTES = 16 * 1024;
const PREFIX = DOCKER_TS_LENGTH + 1;
const NL = 0x0a;
const CR = 0x0d;

/** Where a Docker timestamp prefix starts inside [from, to), or -1; found by its `Z ` end. */
function embeddedTs(buf: Buffer, from: number, to: number): number {
  for (let z = buf.indexOf('Z ', from + DOCKER_TS_LENGTH - 1, 'latin1'); z >= 0 && z < to; z = buf.indexOf('Z ', z + 1, 'latin1')) {
    const at = z - (DOCKER_TS_LENGTH - 1);
    if (at >= from && hasDockerTsPrefix(buf, at)) return at;
  }
  return -1;
}

/** One complete log line as the container wrote it, with Docker's timestamp. */
export interface AssembledLine {
  stream: StreamName;
  /** Docker's timestamp (of the first piece, for joined lines). */
  ts: string;
  text: string;
  truncated: boolean;
}

export interface LineAssemblerOptions {
  /** From the container's `Config.Tty`: raw bytes instead of multiplexed frames. */
  tty: boolean;
  /** Joined lines are cut at this many bytes and marked truncated. */
  maxLineBytes: number;
  onLine(line: AssembledLine): void;
  /**
   * Called for every message the engine sent (each 16 KiB piece counts), before joining; return
   * false to skip it. This is where a resume cursor drops what was already collected, and where
   * repeats the engine sends are dropped (`bytes`: the message without its prefix; `complete`: it ends a line).
   */
  accept(ts: string, stream: StreamName, bytes: Uint8Array, complete: boolean): boolean;
  /** An in-band engine error (stream type 3). */
  onEngineError(text: string): void;
}

interface Pending {
  ts: string;
  parts: Buffer[];
  bytes: number;
  truncated: boolean;
}

/**
 * Turns a `GET /containers/{id}/logs?timestamps=true` body into lines: demultiplexes frames
 * (or splits a TTY stream), strips each message's timestamp prefix, and joins the pieces of
 * lines Docker split at 16 KiB (each piece repeats the first piece's timestamp), per stream.
 */
export class LineAssembler {
  private frames = new FrameDecoder();
  private readonly pending: { stdout?: Pending; stderr?: Pending } = {};
  private carry: Buffer | undefined;
  private readonly onFrame = (type: number, payload: Buffer): void => {
    if (type === STDOUT || type === STDERR) this.messages(type === STDOUT ? 'stdout' : 'stderr', payload);
    else if (type === SYSTEM_ERR) this.opts.onEngineError(payload.toString('utf8').trim());
    // type 0 (stdin) never carries log lines; ignored.
  };

  constructor(private readonly opts: LineAssemblerOptions) {}

  private leftover: Buffer | undefined;

  /** Feeds a chunk of the response body. */
  push(chunk: Buffer): void {
    this.leftover = undefined;
    if (!this.opts.tty) return this.frames.push(chunk, this.onFrame);
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    const used = this.ttyMessages(buf, false);
    if (used < buf.length) this.carry = Buffer.from(buf.subarray(used));
  }

  /**
   * One response body ended; another may continue from the resume cursor. Bytes of an unfinished
   * message are set aside (the cursor has not counted it, so a reopened stream repeats it), and the
   * pieces of a line split at 16 KiB stay pending, since its last piece may come on the next stream.
   */
  streamEnded(): void {
    this.frames = new FrameDecoder();
    this.leftover = this.carry;
    this.carry = undefined;
  }

  /** True while pieces of a line of `stream` split at 16 KiB wait for the rest: counted by the cursor, in no entry yet. */
  holds(stream: StreamName): boolean {
    return this.pending[stream] !== undefined;
  }

  /** Emits the lines whose 16 KiB pieces are pending (they were counted by the cursor), e.g. at shutdown. */
  flushPieces(): void {
    this.flushPending('stdout');
    this.flushPending('stderr');
  }

  /** No more bodies will come (the container stopped): text left without a newline is flushed as a line. */
  finish(): void {
    this.streamEnded();
    const buf = this.leftover;
    this.leftover = undefined;
    if (buf) this.ttyMessages(buf, true);
    this.flushPieces();
  }

  /** A multiplexed frame's payload: normally one message, but split defensively at newlines. */
  private messages(stream: StreamName, buf: Buffer): void {
    let pos = 0;
    let ts = this.pending[stream]?.ts ?? '';
    while (pos < buf.length) {
      const hasTs = hasDockerTsPrefix(buf, pos);
      if (hasTs) ts = buf.toString('latin1', pos, pos + DOCKER_TS_LENGTH);
      const start = hasTs ? pos + PREFIX : pos;
      const nl = buf.indexOf(NL, start);
      const end = nl < 0 ? buf.length : nl;
      this.message(stream, ts, buf, start, end, nl >= 0);
      pos = nl < 0 ? buf.length : nl + 1;
    }
  }

  /** A TTY body: messages are `ts line\r\n`, or 16 KiB pieces `ts piece` with no newline. Returns bytes used. */
  private ttyMessages(buf: Buffer, atEnd: boolean): number {
    let pos = 0;
    while (pos < buf.length) {
      if (!hasDockerTsPrefix(buf, pos)) {
        if (!atEnd && buf.length - pos < PREFIX) return pos;
        // Not a timestamp where one should be: keep the bytes as text rather than lose them.
        const nl = buf.indexOf(NL, pos);
        if (nl < 0 && !atEnd) return pos;
        const end = nl < 0 ? buf.length : nl;
        this.message('stdout', this.pending.stdout?.ts ?? '', buf, pos, end, nl >= 0);
        pos = nl < 0 ? buf.length : nl + 1;
        continue;
      }
      const start = pos + PREFIX;
      const nl = buf.indexOf(NL, start);
      // Text a previous run left without a newline runs straight into the next message's timestamp.
      const next = nl >= 0 ? embeddedTs(buf, start, Math.min(nl, start + DOCKER_PIECE_BYTES)) : -1;
      if (next >= 0) {
        this.message('stdout', buf.toString('latin1', pos, pos + DOCKER_TS_LENGTH), buf, start, next, false);
        this.flushPending('stdout');
        pos = next;
        continue;
      }
      if (nl >= 0 && nl - start < DOCKER_PIECE_BYTES + 1) {
        this.message('stdout', buf.toString('latin1', pos, pos + DOCKER_TS_LENGTH), buf, start, nl, true);
        pos = nl + 1;
      } else if (buf.length - start >= DOCKER_PIECE_BYTES) {
        this.message('stdout', buf.toString('latin1', pos, pos + DOCKER_TS_LENGTH), buf, start, start + DOCKER_PIECE_BYTES, false);
        pos = start + DOCKER_PIECE_BYTES;
      } else if (atEnd) {
        this.message('stdout', buf.toString('latin1', pos, pos + DOCKER_TS_LENGTH), buf, start, buf.length, false);
        pos = buf.length;
      } else {
        return pos;
      }
    }
    return pos;
  }

  private message(stream: StreamName, ts: string, buf: Buffer, start: number, end: number, complete: boolean): void {
    if (!this.opts.accept(ts, stream, buf.subarray(start, end), complete)) return;
    const pending = this.pending[stream];
    if (pending && pending.ts !== ts) this.flushPending(stream);
    const joining = this.pending[stream];
    if (!joining) {
      if (complete) return this.emit(stream, ts, buf, start, end, false);
      this.pending[stream] = { ts, parts: [], bytes: 0, truncated: false };
    }
    const p = this.pending[stream]!;
    const room = this.opts.maxLineBytes - p.bytes;
    const take = Math.min(room, end - start);
    if (take > 0) {
      // Copy: the chunk behind `buf` is reused by the socket layer's pooling in some paths.
      p.parts.push(Buffer.from(buf.subarray(start, start + take)));
      p.bytes += take;
    }
    if (take < end - start) p.truncated = true;
    if (complete) this.flushPending(stream);
  }

  private flushPending(stream: StreamName): void {
    const p = this.pending[stream];
    if (!p) return;
    this.pending[stream] = undefined;
    const joined = Buffer.concat(p.parts, p.bytes);
    this.emit(stream, p.ts, joined, 0, joined.length, p.truncated);
  }

  private emit(stream: StreamName, ts: string, buf: Buffer, start: number, end: number, truncated: boolean): void {
    if (end > start && buf[end - 1] === CR) end--;
    this.opts.onLine({ stream, ts, text: buf.toString('utf8', start, end), truncated });
  }
}
