import { createNanoEvents, type Emitter } from 'nanoevents';

/** Why an actor's incarnation ended. */
export type ExitReason = { kind: 'normal' } | { kind: 'shutdown' } | { kind: 'crash'; error: unknown };

/** Overflow policies a bounded mailbox can apply. */
export type OverflowPolicy = 'drop-newest' | 'drop-oldest' | 'reject';

/** Lifecycle events of every actor in a system: the raw material for health and metrics. */
export interface SystemEvents {
  started(path: string, incarnation: number): void;
  stopped(path: string, reason: ExitReason): void;
  crashed(path: string, error: unknown): void;
  restarted(path: string, attempt: number, delayMs: number): void;
  deadLetter(path: string, message: unknown): void;
  overflow(path: string, policy: OverflowPolicy, dropped: unknown): void;
  escalated(path: string, error: unknown): void;
}

export type SystemEmitter = Emitter<SystemEvents>;

/** A fresh typed emitter for system events. */
export function createSystemEvents(): SystemEmitter {
  return createNanoEvents<SystemEvents>();
}
