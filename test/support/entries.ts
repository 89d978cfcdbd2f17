import { createHash } from 'node:crypto';
import { Level, type LogEntry } from '../../actors/model/log-entry.js';

/** 2025-10-25T14:30:00.000Z: the default Docker time of test entries. */
export const T0 = Date.UTC(2025, 9, 25, 14, 30, 0);

/** A stable full 64-hex container id for a container name. */
export function containerIdFor(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

/** Docker's RFC 3339 timestamp with 9 fractional digits for epoch ms plus sub-millisecond nanoseconds. */
export function dockerTsFor(ms: number, subMsNanos = 0): string {
  const iso = new Date(ms).toISOString(); // …T14:30:00.123Z
  return `${iso.slice(0, 23)}${String(subMsNanos).padStart(6, '0')}Z`;
}

/**
 * A valid LogEntry: defaults (service `api`, container `api-1`, INFO on stdout at T0) overridden by
 * `partial`. `nanos` sets the sub-millisecond part of the generated dockerTs; a given dockerTs wins.
 */
export function makeEntry(partial: Partial<LogEntry> & { nanos?: number } = {}): LogEntry {
  const { nanos, ...rest } = partial;
  const containerName = rest.containerName ?? 'api-1';
  const dockerMs = rest.dockerMs ?? (rest.dockerTs ? Math.floor(Date.parse(rest.dockerTs)) : T0);
  return {
    dockerTs: rest.dockerTs ?? dockerTsFor(dockerMs, nanos ?? 0),
    dockerMs,
    stream: 'stdout',
    containerId: containerIdFor(containerName),
    containerName,
    service: 'api',
    level: Level.INFO,
    message: 'hello',
    ...rest,
  };
}
