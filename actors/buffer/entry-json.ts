/**
 * The API's shape of a log entry, shared by the HTTP layer (pages, streams) and by the producers of
 * pages (the buffer, the store's worker), which cut a page at its byte cap by the exact size of the
 * JSON the HTTP layer will write for it.
 */
import { LEVELS, type LevelName, type LogEntry, type StreamName } from '../model/log-entry.js';

/** A log entry as the API writes it, in REST pages and live streams alike. */
export interface EntryJson {
  /** The entry's sequence number in the store: its identity (absent only for entries never stored). */
  seq?: number;
  /** The line's own time when it has one, else Docker's; RFC 3339 UTC with exactly 3 fractional digits. */
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

/**
 * `YYYY-MM-DDTHH:MM:SS.sssZ` from a UTC ISO time with any number of fractional digits (the parsers keep
 * up to 9 so that sub-millisecond order survives; the API shows milliseconds, cut, not rounded, so a
 * time never moves into the next second).
 */
export function millisIso(iso: string): string {
  if (iso.length === 24 && iso.charCodeAt(19) === 46) return iso;
  const dot = iso.indexOf('.', 19);
  const head = iso.slice(0, 19);
  const frac = dot < 0 ? '' : iso.slice(dot + 1, iso.length - 1);
  return `${head}.${(frac + '000').slice(0, 3)}Z`;
}

/** Maps a stored entry to its API shape. */
export function entryJson(e: LogEntry): EntryJson {
  const out: EntryJson = {
    ...(e.seq !== undefined ? { seq: e.seq } : {}),
    timestamp: millisIso(e.time ?? e.dockerTs),
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


/** Bytes of an entry in a page: its JSON (UTF-8) and the comma that separates it from the next. */
export function entryJsonBytes(e: LogEntry): number {
  return Buffer.byteLength(JSON.stringify(entryJson(e))) + 1;
}

/**
 * What a page's envelope may take besides its entries: `{"logs":[`, `],"count":…,"total_containers":…,
 * "next_cursor":"…","partial":true}`. A producer cuts the entries at the cap less this.
 */
export const PAGE_ENVELOPE_BYTES = 512;
