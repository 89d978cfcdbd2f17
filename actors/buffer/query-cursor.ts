import type { LogEntry } from '../model/log-entry.js';
import { splitIso } from './iso-nanos.js';

/** Position of an entry in query order: Docker time (ms + sub-ms nanos), then arrival sequence. */
export interface EntryKey {
  ms: number;
  ns: number;
  seq: number;
}

/** Makes the opaque `nextCursor` for the entry at `key`. */
export function encodeCursor(key: EntryKey): string {
  return Buffer.from(`v1:${key.ms}:${key.ns}:${key.seq}`, 'utf8').toString('base64url');
}

/** The cursor that continues a query just after `e` (in the query's order): its Docker time and seq. */
export function cursorAfter(e: LogEntry & { seq: number }): string {
  const split = splitIso(e.dockerTs);
  return encodeCursor({ ms: split?.ms ?? e.dockerMs, ns: split?.subMs ?? 0, seq: e.seq });
}

/** Reads a cursor made by {@link encodeCursor}; undefined when it is not one. */
export function decodeCursor(cursor: string): EntryKey | undefined {
  if (typeof cursor !== 'string' || cursor.length > 120) return undefined;
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  if (parts.length !== 4 || parts[0] !== 'v1') return undefined;
  const [ms, ns, seq] = parts.slice(1).map((p) => (/^-?\d+(\.\d+)?$/.test(p) ? Number(p) : NaN)) as [number, number, number];
  if (!Number.isFinite(ms) || !Number.isInteger(ns) || !Number.isInteger(seq) || ns < 0 || seq < 0) return undefined;
  return { ms, ns, seq };
}
