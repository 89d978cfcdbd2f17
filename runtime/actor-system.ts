import type { ActorFactory } from './actor.js';
import type { ActorRef } from './actor-ref.js';
import { ActorCell, type CellHost } from './actor-cell.js';
import { systemClock, type Clock } from './clock.js';
import { createSystemEvents, type ExitReason, type SystemEmitter } from './events.js';
import type { MailboxOptions } from './mailbox.js';

export interface SystemOptions {
  clock?: Clock;
  /** Called when a top-level actor crashes (for the root supervisor: it gave up). */
  onFatal?: (path: string, error: unknown) => void;
}

/** Counters kept from the lifecycle events, for health and metrics. */
export interface SystemStats {
  deadLetters: number;
  overflows: number;
  crashes: number;
  restarts: number;
}

/** Owns the clock, the event emitter and the top-level actors. */
export class ActorSystem implements CellHost {
  readonly clock: Clock;
  readonly events: SystemEmitter = createSystemEvents();
  readonly stats: SystemStats = { deadLetters: 0, overflows: 0, crashes: 0, restarts: 0 };
  private readonly top: ActorCell<unknown>[] = [];
  private readonly onFatal: ((path: string, error: unknown) => void) | undefined;

  constructor(options: SystemOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.onFatal = options.onFatal;
    this.events.on('overflow', () => this.stats.overflows++);
    this.events.on('crashed', () => this.stats.crashes++);
    this.events.on('restarted', () => this.stats.restarts++);
  }

  deadLetter(path: string, msg: unknown): void {
    this.stats.deadLetters++;
    this.events.emit('deadLetter', path, msg);
  }

  /**
   * Starts a top-level actor. It has no supervisor: a crash stops it for good and is reported
   * as fatal (the root supervisor is the one top-level actor of the service).
   */
  spawn<M>(name: string, factory: ActorFactory<M>, options: { mailbox?: MailboxOptions } = {}): ActorRef<M> {
    const cell: ActorCell<M> = new ActorCell<M>(this, `/${name}`, factory, options.mailbox, (_c, reason) => this.topExit(cell as ActorCell<unknown>, reason));
    this.top.push(cell as ActorCell<unknown>);
    void cell.start();
    return cell;
  }

  /** Stops the top-level actors in reverse start order, each within `timeoutMs`. */
  async shutdown(timeoutMs = 5000): Promise<void> {
    for (const cell of [...this.top].reverse()) await cell.stop({ kind: 'shutdown' }, timeoutMs);
    this.top.length = 0;
  }

  private topExit(cell: ActorCell<unknown>, reason: ExitReason): void {
    const i = this.top.indexOf(cell);
    if (i >= 0) this.top.splice(i, 1);
    void cell.stop(reason, 0);
    if (reason.kind !== 'crash') return;
    this.events.emit('escalated', cell.path, reason.error);
    this.onFatal?.(cell.path, reason.error);
  }
}
