/** Whether an entry goes to a sink: service and container-name globs, a minimum level, container labels. */
import type { LogEntry } from '../model/log-entry.js';
import type { SinkFilter } from './sink-config.js';

/** A container's labels by id (undefined when unknown, e.g. the container is gone). */
export type LabelsOf = (containerId: string) => Promise<Record<string, string> | undefined>;

export function matchesSink(f: SinkFilter, e: LogEntry, labels: Record<string, string> | undefined): boolean {
  if (f.minLevel !== undefined && e.level < f.minLevel) return false;
  if (f.services && !f.services.some((r) => r.test(e.service))) return false;
  if (f.containers && !f.containers.some((r) => r.test(e.containerName.replace(/^\//, '')))) return false;
  if (f.labels) {
    if (!labels) return false;
    for (const [k, v] of Object.entries(f.labels)) if (labels[k] !== v) return false;
  }
  return true;
}
