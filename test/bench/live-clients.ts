/** Live-tail clients of `/logs/stream` that measure Docker-timestamp-to-arrival latency at low cost per message. */
import http from 'node:http';
import net from 'node:net';
import WebSocket from 'ws';
import { openLiteWs } from '../support/lite-ws.js';
import { dockerTsMs, nowMs, type Sample } from './bench-util.js';

const TS_KEY = Buffer.from('"docker_timestamp":"');
const NOTICE = Buffer.from('{"notice"');

export interface ProbeOptions {
  /** Where latencies (ms) go; none recorded when omitted. */
  latencies?: Sample;
  /** Text of the last line: `markerAt` is set when a message contains it. */
  marker?: string;
  /** Record the latency of every n-th entry only (default 1: all); counting still covers every message. */
  sampleEvery?: number;
}

export interface LiveProbe {
  entries: number;
  notices: string[];
  markerAt: number | undefined;
  readonly marker: Promise<number>;
  closed: { code: number; reason: string } | undefined;
  close(): void;
}

function makeProbe(opts: ProbeOptions): { probe: LiveProbe; onMessage(b: Buffer, at: number): void; resolve(at: number): void } {
  let resolve!: (t: number) => void;
  const marker = opts.marker ? Buffer.from(opts.marker) : undefined;
  const every = Math.max(1, opts.sampleEvery ?? 1);
  const probe: LiveProbe = {
    entries: 0,
    notices: [],
    markerAt: undefined,
    marker: new Promise((r) => (resolve = r)),
    closed: undefined,
    close: () => undefined,
  };
  const onMessage = (b: Buffer, at: number): void => {
    if (b.length >= NOTICE.length && b.compare(NOTICE, 0, NOTICE.length, 0, NOTICE.length) === 0) {
      probe.notices.push(b.toString('utf8'));
      return;
    }
    probe.entries++;
    if (opts.latencies && (every === 1 || probe.entries % every === 0)) {
      const i = b.indexOf(TS_KEY);
      if (i >= 0) {
        const s = i + TS_KEY.length;
        const e = b.indexOf(34 /* " */, s);
        if (e > s) opts.latencies.push(at - dockerTsMs(b.toString('latin1', s, e)));
      }
    }
    if (marker && probe.markerAt === undefined && b.indexOf(marker) >= 0) {
      probe.markerAt = at;
      resolve(at);
    }
  };
  return { probe, onMessage, resolve };
}

/** WebSocket client of `/logs/stream?<query>`; resolves once the upgrade is done. */
export function openWsProbe(port: number, query: string, opts: ProbeOptions = {}): Promise<LiveProbe> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/logs/stream?${query}`, { perMessageDeflate: false });
    const { probe, onMessage } = makeProbe(opts);
    probe.close = () => ws.terminate();
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) onMessage(data, nowMs());
    });
    ws.on('close', (code, reason) => (probe.closed = { code, reason: String(reason) }));
    ws.once('open', () => resolve(probe));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.on('error', (e) => reject(e));
  });
}

/** The same over the minimal WebSocket client of test/support/lite-ws.ts (for many clients at once). */
export async function openLiteWsProbe(port: number, query: string, opts: ProbeOptions = {}): Promise<LiveProbe> {
  const { probe, onMessage } = makeProbe(opts);
  const ws = await openLiteWs('127.0.0.1', port, `/logs/stream?${query}`, { onText: onMessage, now: nowMs });
  probe.close = () => ws.close();
  ws.socket.on('close', () => (probe.closed = { code: ws.closed ?? 1006, reason: '' }));
  return probe;
}

/** NDJSON client of `/logs/stream?<query>`; resolves once the response head arrived. */
export function openNdjsonProbe(port: number, query: string, opts: ProbeOptions = {}): Promise<LiveProbe> {
  return new Promise((resolve, reject) => {
    const { probe, onMessage } = makeProbe(opts);
    const req = http.get({ host: '127.0.0.1', port, path: `/logs/stream?${query}`, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream refused: ${res.statusCode}`));
      let partial: Buffer | undefined;
      res.on('data', (chunk: Buffer) => {
        const at = nowMs();
        const b = partial ? Buffer.concat([partial, chunk]) : chunk;
        let start = 0;
        for (;;) {
          const nl = b.indexOf(10, start);
          if (nl < 0) break;
          if (nl > start) onMessage(b.subarray(start, nl), at);
          start = nl + 1;
        }
        partial = start < b.length ? Buffer.from(b.subarray(start)) : undefined;
      });
      res.on('close', () => (probe.closed = { code: 0, reason: 'closed' }));
      res.on('error', () => undefined);
      probe.close = () => req.destroy();
      resolve(probe);
    });
    req.on('error', reject);
  });
}

/**
 * A streaming client that sends its request and then never reads: the server's writes pile up in the kernel
 * buffers and then in its own per-client queue. Resolves once connected.
 */
export function openStalledClient(port: number, query: string): Promise<{ socket: net.Socket; close(): void }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.write(`GET /logs/stream?${query} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/x-ndjson\r\n\r\n`);
      socket.pause();
      resolve({ socket, close: () => socket.destroy() });
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}
