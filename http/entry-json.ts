import { LEVELS, type LevelName, type LogEntry, type StreamName } from '../actors/parse/log-entry.js';

/** A log entry as the API writes it, in REST pages and live streams alike. */
export interface EntryJson {
  /** The entry's sequence number in the store: its identity (absent only for entries never stored). */
  seq?: number;
  /** The line's own time when it has one, else Docker's; ISO-8601 UTC. */
  timestamp: string;
  service: string;
  level: LevelName;
  message: string;
  /** Short (12 hex) container id. */
  container_id: string;
  container_name: string;
  stream: StreamName;
  /** Docker's timestamp exactly as the engine sent it (9 fractional digits). */
  docker_timestamp: string;
  fields?: Record<string, unknown>;
  truncated?: true;
}

/** Maps a stored entry to its API shape. */
export function entryJson(e: LogEntry): EntryJson {
  const out: EntryJson = {
    ...(e.seq !== undefined ? { seq: e.seq } : {}),
    timestamp: e.time ?? e.dockerTs,
    service: e.service,
    level: LEVELS[e.level],
    message: e.message,
    container_id: e.containerId.slice(0, 12),
    container_name: e.containerName,
    stream: e.stream,
    docker_timestamp: e.dockerTs,
  };
  if (e.fields && Object.keys(e.fields).length > 0) out.fields = e.fields;
  if (e.truncated) out.truncated = true;
  return out;
}

// Entries are immutable once stored; every live client of an entry shares one serialisation.
const texts = new WeakMap<LogEntry, string>();

/** `JSON.stringify(entryJson(e))`, computed once per entry. */
export function entryText(e: LogEntry): string {
  let t = texts.get(e);
  if (t === undefined) {
    t = JSON.stringify(entryJson(e));
    texts.set(e, t);
  }
  return t;
}
