/**
 * A line's own time without an offset is wall-clock time somewhere: in the container's `TZ` when its
 * environment names an IANA zone, else UTC. Resolution uses Intl (the ICU data Node ships), so no
 * dependency and no zone files are needed; DST gaps and overlaps resolve as Temporal's
 * "compatible" disambiguation does (a skipped time moves forward, a repeated time takes the earlier).
 */

/** A resolved time zone: converts wall-clock time (as if it were UTC) to the real UTC instant. */
export interface LocalZone {
  readonly name: string;
  /** Epoch ms of the instant whose wall-clock time in this zone is `wallMs` (wall time read as UTC). */
  toUtc(wallMs: number): number;
}

const HOUR = 3_600_000;
/** Offsets are cached per quarter hour (every zone's transitions fall on one), a bounded number of them. */
const SLOT_MS = 15 * 60_000;
const MAX_CACHED = 4096;

/**
 * Resolves a `TZ` value (glibc's leading `:` allowed) to a zone. `UTC`-like names and an empty value
 * are undefined (nothing to convert). Returns `{ error }` for what is not an IANA name (POSIX rules
 * such as `CET-1CEST` included): the caller reads those times as UTC and says so.
 */
export function resolveTimeZone(tz: string | undefined): LocalZone | undefined | { error: string } {
  const name = (tz ?? '').trim().replace(/^:/, '');
  if (name === '' || /^(?:Etc\/)?(?:UTC|UCT|GMT|Zulu|Universal|Greenwich)(?:[+-]0)?$/i.test(name)) return undefined;
  let format: Intl.DateTimeFormat;
  try {
    // Only names with a region/city (or the Etc/ area) are IANA zone ids; Intl also takes offsets like "+01:00".
    if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)+$/.test(name) && !/^[A-Z]{3,5}\d?[A-Z]{0,4}$/.test(name)) throw new RangeError(name);
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return { error: `TZ=${JSON.stringify(name.slice(0, 64))} is not an IANA time zone name (e.g. Europe/Berlin); times without an offset are read as UTC` };
  }
  return zoneOf(format.resolvedOptions().timeZone, format);
}

function zoneOf(name: string, format: Intl.DateTimeFormat): LocalZone {
  const cache = new Map<number, number>();
  /** The zone's offset from UTC (ms) at the instant `t`. */
  const offsetAt = (t: number): number => {
    const slot = Math.floor(t / SLOT_MS);
    let o = cache.get(slot);
    if (o === undefined) {
      const p: Record<string, number> = {};
      for (const part of format.formatToParts(slot * SLOT_MS)) if (part.type !== 'literal') p[part.type] = Number(part.value);
      o = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - slot * SLOT_MS;
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(slot, o);
    }
    return o;
  };
  return {
    name,
    toUtc(wallMs) {
      // Offsets either side of the wall time; a transition lies between them when they differ.
      const before = offsetAt(wallMs - 24 * HOUR);
      const after = offsetAt(wallMs + 24 * HOUR);
      if (before === after) return wallMs - before;
      const early = wallMs - Math.max(before, after);
      const late = wallMs - Math.min(before, after);
      const earlyOk = offsetAt(early) === Math.max(before, after);
      const lateOk = offsetAt(late) === Math.min(before, after);
      if (earlyOk && lateOk) return early; // repeated hour (overlap): the earlier instant
      if (earlyOk) return early;
      if (lateOk) return late;
      return wallMs - before; // skipped hour (gap): read with the offset before it, i.e. moved forward
    },
  };
}
