import { randomBytes } from 'node:crypto';
import * as assert from 'uvu/assert';
import type { LogEntry } from '../../actors/model/log-entry.js';
import { dockerLogs, rigDocker, waitFor } from '../rig/rig-client.js';

/** A name prefix unique to one test, so that its service collects only its own containers. */
export function uniquePrefix(tag: string): string {
  return `lg-${tag}-${randomBytes(3).toString('hex')}`;
}

/** Docker's own record of a container's lines: `[dockerTs, text]` per stream, from `docker logs --timestamps`. */
export async function dockerTimeline(id: string): Promise<{ stdout: [string, string][]; stderr: [string, string][] }> {
  const logs = await dockerLogs(id, { timestamps: true });
  // A line split at 16 KiB comes back as its pieces, each with the first piece's stamp again: joined here.
  const split = (lines: string[]) => lines.map((l) => [l.slice(0, 30), l.slice(31).split(`${l.slice(0, 30)} `).join('').replace(/\r$/, '')] as [string, string]);
  return { stdout: split(logs.stdout), stderr: split(logs.stderr) };
}

/** Asserts that the collected entries of a container are exactly Docker's lines: same count, order, timestamps, text. */
export async function assertExactlyDockers(entries: LogEntry[], id: string): Promise<void> {
  const docker = await dockerTimeline(id);
  for (const stream of ['stdout', 'stderr'] as const) {
    const ours = entries.filter((e) => e.stream === stream && e.containerId === id).map((e) => [e.dockerTs, e.message]);
    assert.is(ours.length, docker[stream].length, `${stream}: ${ours.length} collected, docker logs has ${docker[stream].length}`);
    assert.equal(ours, docker[stream], `${stream} lines differ from docker logs`);
  }
}

/** Waits until a container has exited. */
export async function waitExited(id: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => (await rigDocker().getContainer(id).inspect()).State.Running === false, { timeoutMs, what: `container ${id.slice(0, 12)} to exit` });
}

/** Polls a query until it returns `count` entries (or more), then returns them. */
export async function waitForCount(fetch: () => Promise<LogEntry[]>, count: number, what: string, timeoutMs = 30_000): Promise<LogEntry[]> {
  let last: LogEntry[] = [];
  try {
    await waitFor(async () => (last = await fetch()).length >= count, { timeoutMs, what });
  } catch (e) {
    throw new Error(`${(e as Error).message}: have ${last.length} of ${count}`);
  }
  return last;
}

/**
 * For containers whose engine deleted lines (rotation): every line `docker logs` still returns is
 * collected exactly once, in order, and nothing collected is a repeat (the test's lines are unique).
 */
export async function assertDockersOnce(entries: LogEntry[], id: string): Promise<void> {
  const docker = await dockerTimeline(id);
  for (const stream of ['stdout', 'stderr'] as const) {
    const ours = entries.filter((e) => e.stream === stream && e.containerId === id).map((e) => [e.dockerTs, e.message] as [string, string]);
    const keys = new Set(ours.map(([ts, m]) => `${ts} ${m}`));
    assert.is(keys.size, ours.length, `${stream}: ${ours.length - keys.size} line(s) collected twice`);
    const first = docker[stream][0]?.[0];
    const tail = first === undefined ? [] : ours.filter(([ts]) => ts >= first);
    assert.is(tail.length, docker[stream].length, `${stream}: ${tail.length} collected from docker logs' first line on, docker logs has ${docker[stream].length}`);
    assert.equal(tail, docker[stream], `${stream} lines differ from docker logs`);
  }
}
