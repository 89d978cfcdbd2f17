/**
 * An in-process forwarding rig: a real StoreActor (on disk in a temp dir, or in memory) and one
 * ForwarderActor with a real sink, without Docker. Tests append entries to the store as followers do
 * and watch what the receiver gets.
 */
import { ActorSystem, ask, type ActorRef } from '../../runtime/index.js';
import { forwarderActor, type ForwarderMsg, type ForwardStatus } from '../../actors/forward/forwarder-actor.js';
import { SINK_FACTORIES } from '../../actors/forward/forwarding.js';
import type { SinkConfig, SinkKind } from '../../actors/forward/sink-config.js';
import { storeActor, type StoreMsg } from '../../actors/store-actor.js';
import type { LogEntry } from '../../actors/model/log-entry.js';
import { waitFor } from '../rig/rig-client.js';

export function sinkConfig(kind: SinkKind, url: string, over: Partial<SinkConfig> = {}): SinkConfig {
  return { name: `${kind}-test`, kind, url, headers: {}, filter: {}, start: 'newest', tls: {}, facility: 16, index: 'logs-logagg-default', ...over };
}

export interface ForwardRig {
  sys: ActorSystem;
  store: ActorRef<StoreMsg>;
  fwd: ActorRef<ForwarderMsg>;
  append(entries: LogEntry[]): void;
  status(): Promise<ForwardStatus>;
  /** Waits until the forwarder has its cursor. */
  ready(): Promise<void>;
  stop(): Promise<void>;
}

export function forwardRig(config: SinkConfig, opts: { dataDir?: string; batchSize?: number; flushMs?: number; hostName?: string } = {}): ForwardRig {
  const sys = new ActorSystem();
  const store = sys.spawn<StoreMsg>(
    'store',
    storeActor({ mode: opts.dataDir ? 'disk' : 'memory', dataDir: opts.dataDir ?? '', retentionMs: 365 * 86_400_000, maxBytes: 1 << 30, downstream: [], maxPendingBytes: 16 << 20 }),
  );
  const env = { hostName: async () => opts.hostName ?? 'testhost', now: () => Date.now() };
  const fwd = sys.spawn<ForwarderMsg>(
    'forward',
    forwarderActor({ config, store, makeSink: () => SINK_FACTORIES[config.kind](config, env), batchSize: opts.batchSize ?? 500, flushMs: opts.flushMs ?? 50, random: () => 0 }),
  );
  const status = () => ask<ForwarderMsg, ForwardStatus>(fwd, (replyTo) => ({ type: 'status', replyTo }), 5000);
  return {
    sys,
    store,
    fwd,
    append: (entries) => store.tell({ type: 'append', entries }),
    status,
    ready: async () => {
      await waitFor(async () => (await status()).state !== 'starting', { what: 'the forwarder to load its cursor', intervalMs: 10 });
    },
    stop: () => sys.shutdown(5000),
  };
}
