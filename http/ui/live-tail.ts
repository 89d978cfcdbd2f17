/**
 * The live tail over a WebSocket (`/logs/stream`, token as `?token=`): one entry per message. WebSocket
 * rather than SSE because browsers hold at most 6 HTTP/1.1 connections per host and an EventSource takes
 * one for good (the page's other calls would queue behind it), and because its close code says why a
 * stream ended ("too slow", server shutting down) while EventSource only retries blindly.
 * Each (re)connect first checks the token (a refused upgrade looks like any failure to a page), then
 * opens the stream asking for the last `tail` lines (the server takes them from the store): the feed
 * drops the lines it has by seq, so a reconnect fills its gap up to `tail` lines.
 */
import { ApiError, type Api } from './api.js';
import type { Entry, Notice } from './entry.js';

export type TailState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface LiveTailHandlers {
  entries(batch: Entry[]): void;
  notice(n: Notice): void;
  state(s: TailState, detail?: string): void;
}

export class LiveTail {
  private ws: WebSocket | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private generation = 0;
  private tail = 0;

  constructor(
    private readonly api: Api,
    private readonly on: LiveTailHandlers,
  ) {}

  /** (Re)starts the tail on `filters`, beginning with the last `tail` matching lines. */
  start(filters: URLSearchParams, tail: number): void {
    this.stop();
    const gen = ++this.generation;
    this.attempt = 0;
    this.tail = tail;
    void this.connect(filters, gen);
  }

  stop(): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const ws = this.ws;
    this.ws = undefined;
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      ws.close(1000);
    }
  }

  private async connect(filters: URLSearchParams, gen: number): Promise<void> {
    this.on.state(this.attempt === 0 ? 'connecting' : 'reconnecting');
    try {
      // Asks for the token when it is missing or wrong (a WebSocket cannot tell a 401 from any failure).
      await this.api.get('logs', new URLSearchParams({ limit: '1' }));
    } catch (e) {
      // Another answer (a 503 while the store's disk fails) still means the token is right: the tail goes on.
      if (!(e instanceof ApiError)) {
        if (gen === this.generation) this.retry(filters, gen, (e as Error).message);
        return;
      }
    }
    if (gen !== this.generation) return;
    const p = new URLSearchParams(filters);
    p.set('tail', String(this.tail));
    const ws = new WebSocket(this.api.wsUrl(p));
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.on.state('live');
    };
    ws.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data)) as Entry | Notice;
      if ('notice' in msg) this.on.notice(msg);
      else this.on.entries([msg]);
    };
    ws.onclose = (ev) => {
      if (gen !== this.generation) return;
      this.ws = undefined;
      this.retry(filters, gen, ev.reason || `closed (${ev.code})`);
    };
  }

  private retry(filters: URLSearchParams, gen: number, why: string): void {
    const delay = Math.min(15_000, 500 * 2 ** this.attempt++);
    this.on.state('reconnecting', `${why}; again in ${Math.round(delay / 1000)} s`);
    this.timer = setTimeout(() => {
      if (gen === this.generation) void this.connect(filters, gen);
    }, delay);
  }
}
