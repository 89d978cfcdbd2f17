import { unhandled, type ActorFactory, type ActorRef } from '../runtime/index.js';
import { acknowledge, type IngestMsg } from './model/ingest-protocol.js';
import { ContainerRates, type ContainerLines } from './container-rates.js';
import { LEVELS, type LevelName } from './model/log-entry.js';
import { emptyParseCounts, type ParseCounts } from './parse/pipeline.js';

/** Running totals of one service since the service started. */
export interface ServiceIngestCounts {
  /** Entries by level name. */
  lines: Record<LevelName, number>;
  /** UTF-8 bytes of the entries' messages. */
  bytes: number;
  truncated: number;
  /** Entries by the parser that read them, and redactions made. */
  parse: ParseCounts;
}

export interface IngestCounts {
  services: Record<string, ServiceIngestCounts>;
}

/** The metrics sink's protocol: every batch of every follower, a query of the totals, and one of each container's lines and rate. */
export type IngestMetricsMsg = IngestMsg | { type: 'counts'; replyTo: ActorRef<IngestCounts> } | { type: 'containers'; replyTo: ActorRef<ContainerLines[]> };

/** Services counted by name at most; later ones are counted under OTHER_SERVICE (labels stay bounded). */
export const MAX_SERVICES = 500;
export const OTHER_SERVICE = '_other';

function fresh(): ServiceIngestCounts {
  return { lines: Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<LevelName, number>, bytes: 0, truncated: 0, parse: emptyParseCounts() };
}

/**
 * An ingest sink that only counts: lines by service and level, message bytes, truncations, and the
 * parse outcomes and redactions the followers' pipelines report with each batch. Plain numbers read at
 * scrape time by the metrics module, so that no actor depends on the metrics library. Counts of a
 * follower that re-reads after a crash include the lines read again (counters of work done).
 * Per container it also keeps the lines and the rate of the container list (container-rates.ts).
 */
export function ingestMetricsActor(): ActorFactory<IngestMetricsMsg> {
  return (ctx) => {
    const services = new Map<string, ServiceIngestCounts>();
    const containers = new ContainerRates();
    /** Docker times of one container's run of entries in a batch (a batch is one follower's: one container). */
    const times: number[] = [];
    const countsOf = (service: string): ServiceIngestCounts => {
      let c = services.get(service);
      if (!c) {
        const name = services.size < MAX_SERVICES ? service : OTHER_SERVICE;
        c = services.get(name) ?? fresh();
        services.set(name, c);
      }
      return c;
    };
    return {
      receive(msg: IngestMetricsMsg) {
        switch (msg.type) {
          case 'append': {
            let last: ServiceIngestCounts | undefined;
            let lastService = '';
            let container = '';
            const now = ctx.clock.now();
            for (const e of msg.entries) {
              if (e.containerId !== container) {
                if (times.length > 0) containers.add(container, times, now);
                times.length = 0;
                container = e.containerId;
              }
              times.push(e.dockerMs);
              if (!last || e.service !== lastService) {
                last = countsOf(e.service);
                lastService = e.service;
              }
              last.lines[LEVELS[e.level]]++;
              last.bytes += Buffer.byteLength(e.message, 'utf8');
              if (e.truncated) last.truncated++;
            }
            if (times.length > 0) containers.add(container, times, now);
            times.length = 0;
            const p = msg.parse;
            const first = msg.entries[0];
            if (p && first) {
              const c = countsOf(first.service).parse;
              for (const k of Object.keys(c) as (keyof ParseCounts)[]) c[k] += p[k];
            }
            acknowledge(msg);
            return;
          }
          case 'containers':
            msg.replyTo.tell(containers.snapshot(ctx.clock.now()));
            return;
          case 'counts':
            msg.replyTo.tell({ services: Object.fromEntries([...services].map(([k, v]) => [k, { ...v, lines: { ...v.lines }, parse: { ...v.parse } }])) });
            return;
          default:
            unhandled(msg);
        }
      },
    };
  };
}
