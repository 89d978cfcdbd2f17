/**
 * The ingest protocol: how a follower hands batches of entries to its sinks (the store, the metrics),
 * each acknowledging on its own, with the cursor that says where the container's collection stands.
 */
import type { ActorRef } from '../../runtime/index.js';
import type { CursorPositions } from '../docker/resume-cursor.js';
import type { LogEntry } from './log-entry.js';
import type { ParseCounts } from '../parse/pipeline.js';

/** Acknowledges an append, so that a producer can bound what it has in flight; `sink` echoes the append's. */
export type AppendAck = { type: 'appended'; count: number; sink?: string };

/** Where a container's collection stands once the entries it came with are stored (see ResumeCursor). */
export interface CollectCursor {
  containerId: string;
  positions: CursorPositions;
}

/**
 * Entries handed from a producer (a ContainerActor) to a sink (the BufferActor, the ErrorAlertActor).
 * `cursor` travels with them so that a snapshot of the buffer knows where each container resumes.
 * With `ack`, the sink answers once it has taken the entries, echoing `sink` (the producer's name for it).
 * `parse`: how the producer's parser read the lines since its previous batch (for metrics; most sinks ignore it).
 */
export type IngestMsg = { type: 'append'; entries: LogEntry[]; ack?: ActorRef<AppendAck>; sink?: string; cursor?: CollectCursor; parse?: ParseCounts };

/**
 * One destination of a follower's batches. Every sink receives every batch and acknowledges it on
 * its own; a follower reads on only while each sink has fewer than its window of batches unacknowledged,
 * so that no sink's capacity or speed decides what is read and nothing is dropped between them.
 */
export interface IngestSink {
  name: string;
  ref: ActorRef<IngestMsg>;
}

/** What a sink does once it has taken an append: tell the producer, if it asked. */
export function acknowledge(msg: IngestMsg): void {
  msg.ack?.tell(msg.sink === undefined ? { type: 'appended', count: msg.entries.length } : { type: 'appended', count: msg.entries.length, sink: msg.sink });
}

/** Asks where a container's collection stands, as far as the buffer has stored it. */
export type CursorQuery = { type: 'cursorOf'; containerId: string; replyTo: ActorRef<CollectCursor | null> };
