/** Small HTTP, streaming and WebSocket clients for tests against a server on an ephemeral port. */
import http from 'node:http';
import net from 'node:net';
import WebSocket from 'ws';

export interface JsonResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** Parsed body, or undefined when it is not JSON. */
  body: any;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One request without connection reuse; resolves with status, headers and the parsed body. */
export function request(port: number, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends raw bytes and collects everything until the server closes (or `timeoutMs`). */
export function rawExchange(port: number, bytes: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.on('error', (e) => (chunks.length ? undefined : reject(e)));
    socket.write(bytes);
  });
}

/** Status line and parsed JSON body of a raw HTTP answer (see rawExchange). */
export function parseRaw(text: string): { status: number; body: any } {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), body: JSON.parse(body) };
}

/** Polls `fn` every few ms until it holds or `timeoutMs` passes. */
export async function waitFor(fn: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A streaming GET (NDJSON or SSE) whose lines are collected as they arrive. */
export interface LineStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Raw text received so far. */
  text(): string;
  /** Non-empty lines received so far. */
  lines(): string[];
  ended: boolean;
  close(): void;
}

/** Opens a streaming GET; resolves once the response head has arrived. */
export function openLineStream(port: number, path: string, headers: Record<string, string> = {}): Promise<LineStream> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let text = '';
      const stream: LineStream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        text: () => text,
        lines: () => text.split('\n').filter((l) => l.length > 0),
        ended: false,
        close: () => req.destroy(),
      };
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => (stream.ended = true));
      res.on('close', () => (stream.ended = true));
      res.on('error', () => {});
      resolve(stream);
    });
    req.on('error', reject);
  });
}

/** A WebSocket client that collects parsed messages. */
export interface WsClient {
  ws: WebSocket;
  messages: any[];
  closed?: { code: number; reason: string };
  close(): Promise<void>;
}

/** Connects; resolves once open, or rejects with `{status, body}` when the upgrade is refused. */
export function openWs(url: string, headers: Record<string, string> = {}): Promise<WsClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const client: WsClient = {
      ws,
      messages: [],
      close: () =>
        new Promise<void>((r) => {
          if (ws.readyState === WebSocket.CLOSED) return r();
          ws.once('close', () => r());
          ws.terminate();
        }),
    };
    ws.on('message', (data) => client.messages.push(JSON.parse(String(data))));
    ws.on('close', (code, reason) => (client.closed = { code, reason: String(reason) }));
    ws.on('open', () => resolve(client));
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, headers: res.headers, body: parse(text) }));
        ws.terminate();
      });
    });
    ws.on('error', (e) => reject(e));
  });
}

/** Opens a live stream by hand (WebSocket handshake or plain NDJSON) and never reads a byte; resolves once connected. */
export function stalledLiveClient(port: number, ws: boolean): Promise<net.Socket> {
  const head = ws
    ? 'GET /logs/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
    : 'GET /logs/stream HTTP/1.1\r\nHost: x\r\n\r\n';
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.pause();
      socket.write(head);
      resolve(socket);
    });
    socket.on('error', () => {});
    socket.once('error', reject);
  });
}
