/**
 * A minimal WebSocket client (RFC 6455, client side) for load tests: the handshake, then a frame parser that
 * hands each complete text message to a callback as a Buffer slice, with the arrival time of the TCP chunk
 * that completed it. It answers pings and close frames; no extensions, no fragmentation on send.
 * About an order of magnitude cheaper per message than `ws`, so that 100 clients on the same small machine as
 * the server take little of its CPU.
 */
import { randomBytes, createHash } from 'node:crypto';
import net from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface LiteWs {
  socket: net.Socket;
  /** Close code from the server's close frame, or 1006 when the connection dropped without one. */
  closed?: number;
  close(): void;
}

export interface LiteWsOptions {
  /** Called for each complete text message (payload slice, valid only during the call) with the arrival time. */
  onText(payload: Buffer, at: number): void;
  /** Called with each TCP chunk's arrival time before its messages (e.g. to read a clock once per chunk). */
  now?: () => number;
}

function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const len = payload.length;
  const head = len < 126 ? 2 : 4;
  const out = Buffer.alloc(head + 4 + len);
  out[0] = 0x80 | opcode;
  if (len < 126) out[1] = 0x80 | len;
  else {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(len, 2);
  }
  mask.copy(out, head);
  for (let i = 0; i < len; i++) out[head + 4 + i] = payload[i]! ^ mask[i & 3]!;
  return out;
}

/** Connects to ws://host:port/path; resolves once the server answered 101. */
export function openLiteWs(host: string, port: number, path: string, opts: LiteWsOptions): Promise<LiteWs> {
  const now = opts.now ?? Date.now;
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString('base64');
    const accept = createHash('sha1')
      .update(key + GUID)
      .digest('base64');
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    const client: LiteWs = {
      socket,
      close: () => socket.destroy(),
    };
    let handshaken = false;
    let buf: Buffer | undefined;
    socket.once('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` + `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('error', (e) => {
      if (!handshaken) reject(e);
    });
    socket.on('close', () => {
      if (client.closed === undefined) client.closed = 1006;
      if (!handshaken) reject(new Error('connection closed during the handshake'));
    });
    socket.on('data', (chunk: Buffer) => {
      const at = now();
      let b = buf ? Buffer.concat([buf, chunk]) : chunk;
      buf = undefined;
      let pos = 0;
      if (!handshaken) {
        const end = b.indexOf('\r\n\r\n');
        if (end < 0) {
          buf = b;
          return;
        }
        const head = b.toString('latin1', 0, end);
        if (!/^HTTP\/1\.1 101/.test(head) || !head.includes(accept)) {
          reject(new Error(`upgrade refused: ${head} (expected ${accept})`));
          socket.destroy();
          return;
        }
        handshaken = true;
        resolve(client);
        pos = end + 4;
      }
      while (b.length - pos >= 2) {
        const b0 = b[pos]!;
        const b1 = b[pos + 1]!;
        let len = b1 & 0x7f;
        let off = pos + 2;
        if (len === 126) {
          if (b.length - pos < 4) break;
          len = b.readUInt16BE(pos + 2);
          off = pos + 4;
        } else if (len === 127) {
          if (b.length - pos < 10) break;
          len = Number(b.readBigUInt64BE(pos + 2));
          off = pos + 10;
        }
        if (b1 & 0x80) off += 4; // servers do not mask, but be lenient
        if (b.length - off < len) break;
        const opcode = b0 & 0x0f;
        const payload = b.subarray(off, off + len);
        if (opcode === 1 || opcode === 2 || opcode === 0) opts.onText(payload, at);
        else if (opcode === 9) socket.write(maskedFrame(10, Buffer.from(payload)));
        else if (opcode === 8) {
          client.closed = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
          socket.end(maskedFrame(8, Buffer.from(payload.subarray(0, 2))));
        }
        pos = off + len;
      }
      if (pos < b.length) buf = Buffer.from(b.subarray(pos));
      b = undefined as unknown as Buffer;
    });
  });
}
