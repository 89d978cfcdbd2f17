import type { RigState } from '../rig/docker-rig.js';
import type { BenchDocker } from './bench-docker.js';

/** What every scenario gets from the runner. */
export interface BenchContext {
  dockerHost: string;
  bd: BenchDocker;
  rig: RigState;
  /** BENCH_PROFILE: service child processes run with --cpu-prof into this directory. */
  profileDir?: string;
}

/** The --cpu-prof directory for one service run (a subdirectory of BENCH_PROFILE named after it), or undefined. */
export function profDir(ctx: BenchContext, label: string): string | undefined {
  return ctx.profileDir ? `${ctx.profileDir}/${label}` : undefined;
}

/** Resolves with the marker time, or 'incomplete' when the container has exited and `graceMs` passed without it. */
export async function markerOrExit(marker: Promise<number>, exited: Promise<unknown>, graceMs: number, hardMs = 300_000): Promise<number | 'incomplete'> {
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<'incomplete'>((resolve) => {
    const hard = setTimeout(() => resolve('incomplete'), hardMs);
    hard.unref();
    void exited.then(() => {
      timer = setTimeout(() => resolve('incomplete'), graceMs);
      timer.unref();
    });
  });
  try {
    return await Promise.race([marker, giveUp]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
