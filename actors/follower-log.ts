import type { FollowerStatus } from './container-actor.js';
import { serviceLog } from './service-log.js';

/**
 * The service's own log lines about one container's follower, from the state changes the followers
 * report to the DiscoveryActor: INFO when collection of a container stops or cannot work (unsupported
 * logging driver), DEBUG for the per-container detail (history read, following, retries, errors).
 */

/** The structured fields every per-container line carries (LOG_FORMAT=json). */
export function containerFields(c: { id: string; name: string; service: string }): { container: string; container_id: string; service: string } {
  return { container: c.name, container_id: c.id.slice(0, 12), service: c.service };
}

/** Logs what changed between a follower's previous report and this one; a report that changes nothing logs nothing. */
export function logFollowerChange(previous: FollowerStatus | undefined, next: FollowerStatus): void {
  const fields = { ...containerFields(next), state: next.state, lines: next.lines, cursor: next.cursor };
  if (previous?.state === next.state) {
    if (next.error !== undefined && next.error !== previous.error) serviceLog(1, `follower of ${next.name}: ${next.error}`, { event: 'follower.error', ...fields, error: next.error });
    return;
  }
  switch (next.state) {
    case 'starting':
      return serviceLog(1, `follower of ${next.name} starting${next.cursor ? ` from ${next.cursor}` : ''}`, { event: 'follower.starting', ...fields });
    case 'backfilling':
      return serviceLog(1, `reading the history of ${next.name}${next.cursor ? ` after ${next.cursor}` : ''}`, { event: 'follower.backfilling', ...fields });
    case 'following':
      return serviceLog(1, `following the output of ${next.name} (tty ${next.tty}, ${next.lines} lines so far)`, { event: 'follower.following', ...fields, tty: next.tty });
    case 'stopped':
      return serviceLog(1, `${next.name} is not running; ${next.lines} lines collected, last at ${next.cursor ?? 'none'}`, { event: 'follower.stopped', ...fields });
    case 'retrying':
      return serviceLog(1, `the logs stream of ${next.name} ended: ${next.error ?? 'unknown'}; reopening`, { event: 'follower.retrying', ...fields, error: next.error });
    case 'unsupported':
      return serviceLog(3, `cannot collect ${next.name}: ${next.error ?? 'its logging driver cannot be read'} (use the json-file, local or journald driver)`, { event: 'container.unsupported', ...fields, error: next.error });
    case 'removed':
      return serviceLog(1, `follower of ${next.name} done (${next.lines} lines collected)`, { event: 'follower.removed', ...fields });
    default: {
      const never: never = next.state;
      return never;
    }
  }
}
