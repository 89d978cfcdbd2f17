import type { ActorRef } from '../../runtime/index.js';
import type { AppendAck, CollectCursor, IngestSink } from '../model/ingest-protocol.js';
import type { ContainerInfo } from '../model/container-info.js';
import { emptyParseCounts, type ParseCounts, type PipelineOutput } from '../parse/index.js';
import type { LogEntry } from '../model/log-entry.js';
import { BUDGET_DEFAULTS } from '../service/budgets.js';
import { dockerTsToMs } from './docker-timestamp.js';
import { containerFields } from '../follower-log.js';
import { serviceLog } from '../service-log.js';

/**
 * Turns a follower's pipeline output into LogEntries and hands each batch, with the container's
 * cursor, to every sink. Each sink acknowledges on its own; the batcher counts per sink what is
 * unacknowledged, which is what the follower's backpressure and its stall watchdog look at.
 */
export class EntryBatcher {
  private batch: LogEntry[] = [];
  /** Rough bytes of the batch's messages: a batch is handed on at BUDGET_DEFAULTS.batchBytes even short of BATCH_SIZE. */
  private batchBytes = 0;
  /** Docker timestamps of lines cut at the maximum length, until their entry is made. */
  private readonly truncatedTs = new Set<string>();
  /** When each batch a sink has not acknowledged yet was sent, oldest first, by sink name (a sink acks in order). */
  private readonly unacked = new Map<string, number[]>();
  /** The rough bytes of those batches, in the same order, and their sum per sink. */
  private readonly unackedSizes = new Map<string, number[]>();
  private readonly unackedBytes = new Map<string, number>();
  lines = 0;
  /** Parse counts already sent with a batch: each batch carries the difference (for the metrics sink). */
  private countsSent: ParseCounts = emptyParseCounts();
  /** Sinks whose last batch was refused (stopped, or mailbox full): logged once until they take one again. */
  private readonly refusing = new Set<string>();

  constructor(
    private readonly info: ContainerInfo,
    private readonly sinks: readonly IngestSink[],
    private readonly batchSize: number,
    private readonly ackTo: ActorRef<AppendAck>,
    private readonly cursor: () => CollectCursor,
    private readonly now: () => number,
    /** The pipeline's running parse counts, if they are to travel with the batches. */
    private readonly counts?: () => ParseCounts,
  ) {
    for (const s of sinks) {
      this.unacked.set(s.name, []);
      this.unackedSizes.set(s.name, []);
      this.unackedBytes.set(s.name, 0);
    }
  }

  /** The most bytes any one sink has not acknowledged: the follower reads on only below its byte window. */
  get inflightBytes(): number {
    let most = 0;
    for (const b of this.unackedBytes.values()) if (b > most) most = b;
    return most;
  }

  /** The most batches any one sink has not acknowledged: the follower reads on only below its window. */
  get inflight(): number {
    let most = 0;
    for (const q of this.unacked.values()) if (q.length > most) most = q.length;
    return most;
  }

  /** The sink that has left a batch unacknowledged the longest, and since when; undefined when all are done. */
  oldestUnacked(): { sink: string; sentAt: number } | undefined {
    let oldest: { sink: string; sentAt: number } | undefined;
    for (const [sink, q] of this.unacked) if (q.length > 0 && (!oldest || q[0]! < oldest.sentAt)) oldest = { sink, sentAt: q[0]! };
    return oldest;
  }

  /** Remembers that the line stamped `ts` was truncated by the assembler. */
  truncated(ts: string): void {
    this.truncatedTs.add(ts);
  }

  add(outputs: PipelineOutput[]): void {
    for (const o of outputs) {
      const p = o.parsed;
      const entry: LogEntry = {
        time: p.time,
        level: p.level,
        message: p.message,
        fields: p.fields,
        dockerTs: o.dockerTs,
        dockerMs: dockerTsToMs(o.dockerTs),
        stream: o.stream,
        containerId: this.info.id,
        containerName: this.info.name,
        service: this.info.service,
      };
      if (o.truncated || (this.truncatedTs.size > 0 && this.truncatedTs.delete(o.dockerTs))) entry.truncated = true;
      this.batch.push(entry);
      this.batchBytes += 2 * p.message.length;
    }
  }

  /** BATCH_SIZE (or the batch byte bound) reached: the follower sends once its covered cursor includes what was added. */
  get full(): boolean {
    return this.batch.length >= this.batchSize || this.batchBytes >= BUDGET_DEFAULTS.batchBytes;
  }

  /** Sends what is batched to every sink; without `acked` (the follower is stopping) no ack is asked for. */
  send(acked = true): void {
    if (this.batch.length === 0) return;
    const entries = this.batch;
    const bytes = this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    this.lines += entries.length;
    const cursor = this.cursor();
    const parse = this.parseDelta();
    const at = this.now();
    for (const sink of this.sinks) {
      const taken = acked ? sink.ref.tell({ type: 'append', entries, ack: this.ackTo, sink: sink.name, cursor, parse }) : sink.ref.tell({ type: 'append', entries, cursor, parse });
      if (taken && acked) {
        this.unacked.get(sink.name)!.push(at);
        this.unackedSizes.get(sink.name)!.push(bytes);
        this.unackedBytes.set(sink.name, this.unackedBytes.get(sink.name)! + bytes);
      }
      this.noteSink(sink.name, taken, entries.length);
    }
  }

  /** A sink that refuses a batch loses those lines: say so once, and once more when it takes batches again. */
  private noteSink(sink: string, taken: boolean, count: number): void {
    if (taken === !this.refusing.has(sink)) return;
    const fields = { ...containerFields(this.info), sink };
    if (taken) {
      this.refusing.delete(sink);
      serviceLog(2, `sink ${sink} takes the batches of ${this.info.name} again`, { event: 'sink.recovered', ...fields });
    } else {
      this.refusing.add(sink);
      serviceLog(4, `sink ${sink} refused a batch of ${count} entries from ${this.info.name} (stopped or its mailbox full); they are missing from it`, { event: 'sink.failed', ...fields, entries: count });
    }
  }

  private parseDelta(): ParseCounts | undefined {
    if (!this.counts) return undefined;
    const now = this.counts();
    const delta = emptyParseCounts();
    for (const k of Object.keys(delta) as (keyof ParseCounts)[]) delta[k] = now[k] - this.countsSent[k];
    this.countsSent = now;
    return delta;
  }

  acked(sink: string | undefined): void {
    if (sink !== undefined && this.unacked.get(sink)?.shift() !== undefined) {
      const b = this.unackedSizes.get(sink)!.shift() ?? 0;
      this.unackedBytes.set(sink, this.unackedBytes.get(sink)! - b);
    }
  }
}
