/** Time conversions the sinks' wire formats share: Docker's RFC 3339 nanosecond time as epoch nanoseconds (a string: 64-bit). */
import { splitIso } from '../buffer/iso-nanos.js';
import type { LogEntry } from '../model/log-entry.js';

/** The entry's Docker time as a decimal string of nanoseconds since the epoch. */
export function dockerNanos(e: LogEntry): string {
  const sub = splitIso(e.dockerTs)?.subMs ?? 0;
  return (BigInt(Math.floor(e.dockerMs)) * 1_000_000n + BigInt(sub)).toString();
}

/** The line's own time (else Docker's) as RFC 3339 UTC with at most 6 fractional digits (syslog), or 3 (ECS). */
export function entryIso(e: LogEntry, digits: 3 | 6): string {
  const iso = e.time?.endsWith('Z') && e.time.length >= 20 ? e.time : e.dockerTs;
  const dot = iso.indexOf('.', 19);
  const frac = dot < 0 ? '' : iso.slice(dot + 1, iso.length - 1);
  return `${iso.slice(0, 19)}.${(frac + '000000').slice(0, digits)}Z`;
}
