/**
 * What a forwarder needs of a sink: deliver a batch, say what to retry or set aside, release its
 * connection. A sink throws a DeliveryError when the whole batch failed (retryable or not); a partial
 * success (Elasticsearch's per-item errors) comes back as `retry` and `deadLetters`.
 */
import type { StoredEntry } from '../store/store-protocol.js';
import type { SinkConfig } from './sink-config.js';

export interface DeadLetter {
  entry: StoredEntry;
  reason: string;
}

export interface SendResult {
  /** Entries the sink refused for now (429, 5xx): retried alone. */
  retry?: StoredEntry[];
  /** Entries the sink will never take (a mapping error): counted and logged, never retried. */
  deadLetters?: DeadLetter[];
}

export interface Sink {
  send(entries: StoredEntry[]): Promise<SendResult | void>;
  close(): Promise<void>;
}

/** What every sink may need besides its configuration. */
export interface SinkEnv {
  /** The Docker host's name (LOGAGG_HOST_NAME, else the engine's Name); rejects while unknown. */
  hostName(): Promise<string>;
  now(): number;
}

export type SinkFactory = (config: SinkConfig, env: SinkEnv) => Sink;
