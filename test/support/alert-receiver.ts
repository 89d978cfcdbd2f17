/**
 * Receivers for alert destinations, on an ephemeral port: one HTTP server that records every POST
 * and answers as the real service would — Slack (`text` + `blocks`, 200 "ok"), Discord (`content`
 * or `embeds` within its limits, 204), ntfy (JSON with topic, 200), the generic webhook (200), and
 * Alertmanager's webhook receiver. A shape or limit violation is answered 400 and recorded, so a
 * test sees it. `failWith` makes the next answers fail (503, 429 with Retry-After).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  at: number;
  body: any;
  headers: http.IncomingHttpHeaders;
  status: number;
  problem?: string;
}

function discordProblem(b: any): string | undefined {
  if (typeof b !== 'object' || b === null) return 'not an object';
  if (b.content === undefined && !Array.isArray(b.embeds)) return 'needs content or embeds';
  if (typeof b.content === 'string' && b.content.length > 2000) return 'content > 2000';
  if (b.username !== undefined && (b.username.length < 1 || b.username.length > 80)) return 'username length';
  const embeds = b.embeds ?? [];
  if (embeds.length > 10) return '> 10 embeds';
  let total = 0;
  for (const e of embeds) {
    if ((e.title ?? '').length > 256) return 'title > 256';
    if ((e.description ?? '').length > 4096) return 'description > 4096';
    if ((e.fields ?? []).length > 25) return '> 25 fields';
    for (const f of e.fields ?? []) {
      if (!f.name || !f.value || f.name.length > 256 || f.value.length > 1024) return 'field limits';
      total += f.name.length + f.value.length;
    }
    if ((e.footer?.text ?? '').length > 2048) return 'footer > 2048';
    total += (e.title ?? '').length + (e.description ?? '').length + (e.footer?.text ?? '').length + (e.author?.name ?? '').length;
  }
  return total > 6000 ? `embeds total ${total} > 6000` : undefined;
}

function slackProblem(b: any): string | undefined {
  if (typeof b?.text !== 'string' || !b.text) return 'text missing';
  if (!Array.isArray(b.blocks) || b.blocks.length === 0 || b.blocks.length > 50) return 'blocks';
  for (const x of b.blocks) {
    if (typeof x.type !== 'string') return 'block without type';
    if (x.type === 'header' && (x.text?.type !== 'plain_text' || x.text.text.length > 150)) return 'header';
    if (x.type === 'section' && (x.text?.text ?? '').length > 3000) return 'section > 3000';
  }
  return undefined;
}

function ntfyProblem(b: any): string | undefined {
  if (typeof b?.topic !== 'string' || !b.topic) return 'topic';
  if (typeof b.message !== 'string') return 'message';
  if (b.priority !== undefined && !(Number.isInteger(b.priority) && b.priority >= 1 && b.priority <= 5)) return 'priority';
  if (b.tags !== undefined && !Array.isArray(b.tags)) return 'tags';
  return undefined;
}

export class AlertReceiver {
  readonly received: Received[] = [];
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  private failures: { status: number; headers?: Record<string, string> }[] = [];
  /** Fail every request with this status while set. */
  failAll: number | undefined;
  port = 0;

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  failWith(status: number, times: number, headers?: Record<string, string>): void {
    for (let i = 0; i < times; i++) this.failures.push({ status, ...(headers ? { headers } : {}) });
  }

  on(path: string): Received[] {
    return this.received.filter((r) => r.path === path && r.status < 300);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const path = (req.url ?? '').split('?')[0]!;
      let body: any;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      const fail = this.failAll !== undefined ? { status: this.failAll } : this.failures.shift();
      if (fail) {
        this.received.push({ path, at, body, headers: req.headers, status: fail.status });
        res.writeHead(fail.status, { 'Content-Type': 'text/plain', ...(fail.headers ?? {}) });
        return void res.end('failing on purpose');
      }
      const problem = path.startsWith('/discord') ? discordProblem(body) : path.startsWith('/slack') ? slackProblem(body) : path === '/' && typeof body === 'object' && 'topic' in body ? ntfyProblem(body) : undefined;
      const status = problem ? 400 : path.startsWith('/discord') ? 204 : 200;
      this.received.push({ path: path === '/' && body?.topic ? `/ntfy/${body.topic}` : path, at, body, headers: req.headers, status, ...(problem ? { problem } : {}) });
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(status === 204 ? undefined : problem ?? 'ok');
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
