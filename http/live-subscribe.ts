import { randomUUID } from 'node:crypto';
import { ActorStoppedError, MailboxFullError, withTimeout } from '../runtime/index.js';
import type { HttpContext } from './context.js';
import { HttpError, ParamError } from './http-error.js';
import { LiveClient } from './live-client.js';
import { DiskTailGate } from './live-disk-tail.js';
import type { LogsQueryMsg } from './deps.js';
import type { QueryReply } from '../actors/model/query-protocol.js';
import type { LiveFormat } from './live-format.js';
import type { LiveParams } from './params.js';

/**
 * Subscribes a new live client to the buffer and waits (askTimeoutMs) for its acceptance, so that
 * a refusal or a silent buffer can still be answered with a status (400, 504) before the stream starts.
 * The client unsubscribes itself when it closes. Beyond MAX_LIVE_CLIENTS open clients, a 503.
 * @throws ParamError when the buffer refuses the filter; HttpError 503; AskTimeoutError; ActorStoppedError/MailboxFullError.
 */
export async function subscribeLive(ctx: HttpContext, params: LiveParams, format: LiveFormat): Promise<LiveClient> {
  const { buffer } = ctx.deps;
  if (ctx.live.size >= ctx.config.maxLiveClients) {
    throw new HttpError(503, `too many live clients: at most ${ctx.config.maxLiveClients} at once (MAX_LIVE_CLIENTS)`, { 'Retry-After': '5' });
  }
  const id = `http-${randomUUID()}`;
  const client = new LiveClient({
    id,
    maxEntries: ctx.config.maxClientQueue,
    maxBytes: ctx.config.maxClientQueueBytes,
    stallTimeoutMs: ctx.config.stallTimeoutMs,
    clock: ctx.clock,
    format,
    budget: ctx.live,
    onDropped: (n) => ctx.live.countDropped(n),
    onClosed: (c, reason) => {
      ctx.live.remove(c, reason);
      if (buffer.alive) buffer.tell({ type: 'unsubscribe', id });
    },
  });
  ctx.live.add(client);
  // With the store, the tail comes from the whole retention window (the buffer's alone after a restart would be empty).
  const store = ctx.deps.logs;
  const gate = store && params.tail > 0 ? new DiskTailGate(client, params.tail, ctx.config.maxClientQueueBytes, ctx.config.maxClientQueue) : undefined;
  if (!buffer.tell({ type: 'subscribe', id, filter: params.filter, tail: params.tail, tailBytes: ctx.config.maxClientQueueBytes, subscriber: gate ?? client })) {
    client.close();
    throw buffer.alive ? new MailboxFullError(buffer.path) : new ActorStoppedError(buffer.path);
  }
  if (gate && store) {
    const query = { ...params.filter, limit: params.tail, order: 'desc' as const, maxBytes: ctx.config.maxClientQueueBytes };
    ctx
      .ask<LogsQueryMsg, QueryReply>(store, (replyTo) => ({ type: 'query', query, replyTo }), ctx.config.queryTimeoutMs ?? ctx.config.askTimeoutMs)
      .then(
        (r) => gate.answered(r.ok ? r.result.entries : undefined),
        () => gate.answered(undefined),
      );
  }
  let refusal;
  try {
    refusal = await withTimeout(client.ready, ctx.config.askTimeoutMs, ctx.clock, buffer.path);
  } catch (e) {
    client.close();
    throw e;
  }
  if (refusal) {
    client.close();
    throw new ParamError(refusal.parameter, refusal.error);
  }
  return client;
}
