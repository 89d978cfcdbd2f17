import type { ActorRef } from '../../runtime/index.js';
import type { AppendAck, CollectCursor, IngestMsg } from '../buffer-protocol.js';
import type { ContainerInfo } from '../container-info.js';
import type { PipelineOutput } from '../parse/index.js';
import type { LogEntry } from '../parse/log-entry.js';
import { dockerTsToMs } from './docker-timestamp.js';

/**
 * Turns a follower's pipeline output into LogEntries and hands them to the sinks in batches, each
 * with the container's cursor. Counts the batches the buffer has not acknowledged yet, which is
 * what the follower's backpressure looks at.
 */
export class EntryBatcher {
  private batch: LogEntry[] = [];
  /** Docker timestamps of lines cut at the maximum length, until their entry is made. */
  private readonly truncatedTs = new Set<string>();
  inflight = 0;
  lines = 0;

  constructor(
    private readonly info: ContainerInfo,
    private readonly sinks: { buffer: ActorRef<IngestMsg>; others: ActorRef<IngestMsg>[] },
    private readonly batchSize: number,
    private readonly ackTo: ActorRef<AppendAck>,
    private readonly cursor: () => CollectCursor,
  ) {}

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
      if (this.batch.length >= this.batchSize) this.send();
    }
  }

  /** Sends what is batched; without `acked` (the follower is stopping) no ack is asked for. */
  send(acked = true): void {
    if (this.batch.length === 0) return;
    const entries = this.batch;
    this.batch = [];
    this.lines += entries.length;
    const cursor = this.cursor();
    if (!acked) this.sinks.buffer.tell({ type: 'append', entries, cursor });
    else if (this.sinks.buffer.tell({ type: 'append', entries, ack: this.ackTo, cursor })) this.inflight++;
    for (const sink of this.sinks.others) sink.tell({ type: 'append', entries });
  }

  acked(): void {
    this.inflight = Math.max(0, this.inflight - 1);
  }
}
