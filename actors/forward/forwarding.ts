/**
 * The forwarding subtree: a one_for_one supervisor with one ForwarderActor per configured sink. It
 * sits last under the root, so a restarted store restarts it too (forwarders re-read their cursors)
 * while a failing sink never touches collection. Also: the sink factories by kind, and the host name
 * (LOGAGG_HOST_NAME, else the engine's Name from /info; never os.hostname(), a container id in the image).
 */
import type Docker from 'dockerode';
import { startChild, supervisor, type ActorRef, type SupervisorMsg } from '../../runtime/index.js';
import { serviceLog } from '../service-log.js';
import type { ForwardStoreMsg } from '../store/forward-reads.js';
import { DeliveryError } from '../delivery/delivery-error.js';
import { forwarderActor, redactUrl, type ForwarderMsg } from './forwarder-actor.js';
import type { ForwardingConfig, SinkConfig, SinkKind } from './sink-config.js';
import type { SinkEnv, SinkFactory } from './sink.js';
import { elasticsearchSink } from './sinks/elasticsearch-sink.js';
import { lokiSink } from './sinks/loki-sink.js';
import { otlpSink } from './sinks/otlp-sink.js';
import { syslogSink } from './sinks/syslog-sink.js';
import { webhookSink } from './sinks/webhook-sink.js';

export const SINK_FACTORIES: Record<SinkKind, SinkFactory> = {
  webhook: webhookSink,
  syslog: syslogSink,
  loki: lokiSink,
  elasticsearch: elasticsearchSink,
  otlp: otlpSink,
};

export interface Forwarder {
  name: string;
  kind: SinkKind;
  ref: ActorRef<ForwarderMsg>;
}

/** The host name, asked of the engine once and remembered; a failure is retryable (Docker may come back). */
export function hostNameResolver(configured: string | undefined, docker: Docker | undefined): () => Promise<string> {
  let known = configured;
  return async () => {
    if (known) return known;
    try {
      const info = (await docker?.info()) as { Name?: string } | undefined;
      if (info?.Name) return (known = info.Name);
    } catch (e) {
      throw new DeliveryError(`host name unknown: Docker /info failed (${(e as Error).message}); set LOGAGG_HOST_NAME`, true);
    }
    throw new DeliveryError('host name unknown: Docker /info has no Name; set LOGAGG_HOST_NAME', true);
  };
}

/** Labels of a container by id, from the engine, remembered (a container's labels never change). */
function labelsResolver(docker: Docker | undefined): (id: string) => Promise<Record<string, string> | undefined> {
  const known = new Map<string, Record<string, string>>();
  return async (id) => {
    const hit = known.get(id);
    if (hit) return hit;
    if (!docker) return undefined;
    const info = await docker.getContainer(id).inspect();
    const labels = info.Config?.Labels ?? {};
    if (known.size > 10_000) known.clear();
    known.set(id, labels);
    return labels;
  };
}

function describe(s: SinkConfig): string {
  const tls = s.tls.insecureSkipVerify ? ', TLS verification SKIPPED (explicitly configured)' : s.tls.caFile ? `, trusting ${s.tls.caFile}` : '';
  return `${s.name} (${s.kind} ${redactUrl(s.url)}${tls})`;
}

/** Starts the forwarding supervisor under `root` and one forwarder per sink; none when no sink is configured. */
export async function startForwarding(
  root: ActorRef<SupervisorMsg>,
  store: ActorRef<ForwardStoreMsg>,
  config: ForwardingConfig,
  docker: Docker | undefined,
  sinkEnv?: Partial<SinkEnv>,
): Promise<Forwarder[]> {
  if (config.sinks.length === 0) return [];
  const sup = await startChild<SupervisorMsg>(root, {
    id: 'forwarding',
    restart: 'permanent',
    start: supervisor({ strategy: 'one_for_one', intensity: 50, periodMs: 60_000, backoff: { baseMs: 500, maxMs: 30_000 } }),
  });
  const env: SinkEnv = { hostName: hostNameResolver(config.hostName, docker), now: () => Date.now(), ...sinkEnv };
  const labelsOf = labelsResolver(docker);
  const out: Forwarder[] = [];
  for (const sink of config.sinks) {
    if (sink.tls.insecureSkipVerify) serviceLog(3, `forward ${sink.name}: TLS certificate verification is skipped, as configured`);
    serviceLog(2, `forward: ${describe(sink)}`);
    const ref = await startChild<ForwarderMsg>(sup, {
      id: sink.name,
      restart: 'permanent',
      start: forwarderActor({ config: sink, store, makeSink: () => SINK_FACTORIES[sink.kind](sink, env), batchSize: config.batchSize, flushMs: config.flushMs, labelsOf }),
    });
    out.push({ name: sink.name, kind: sink.kind, ref });
  }
  return out;
}
