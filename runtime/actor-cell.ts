import type { ActorContext, ActorFactory, Behavior, LinkedChild } from './actor.js';
import type { ActorRef } from './actor-ref.js';
import type { Clock, TimerHandle } from './clock.js';
import type { ExitReason, SystemEmitter } from './events.js';
import { Mailbox, type MailboxOptions } from './mailbox.js';

/** The parts of a system a cell reports to. */
export interface CellHost {
  readonly clock: Clock;
  readonly events: SystemEmitter;
  deadLetter(path: string, msg: unknown): void;
}

/** Called when an incarnation ends; the parent decides whether it restarts. */
export type ExitListener = (cell: ActorCell<never>, reason: ExitReason) => void;

type Status = 'new' | 'starting' | 'running' | 'suspended' | 'stopping' | 'stopped';

/** Messages handled before the loop yields to I/O, so one busy actor cannot starve the process. */
const FAIRNESS_BATCH = 512;

/**
 * The runtime's body of one actor: a mailbox, a stable ref, and the current incarnation.
 * A crash suspends the cell (messages keep queueing) until its parent restarts or stops it.
 */
export class ActorCell<M> implements ActorRef<M> {
  private readonly mailbox: Mailbox<M>;
  private behavior: Behavior<M> | undefined;
  private status: Status = 'new';
  private scheduled = false;
  private current: Promise<void> | undefined;
  private stopRequested = false;
  private readonly timers = new Map<string, TimerHandle>();
  private readonly ctx: ActorContext<M>;
  incarnation = 0;

  constructor(
    private readonly host: CellHost,
    readonly path: string,
    private readonly factory: ActorFactory<M>,
    mailbox: MailboxOptions | undefined,
    private readonly onExit: ExitListener | undefined,
  ) {
    this.mailbox = new Mailbox<M>(mailbox);
    const cell = this;
    this.ctx = {
      self: this,
      path,
      clock: host.clock,
      events: host.events,
      startTimer: (key, msg, ms) => cell.startTimer(key, msg, ms),
      cancelTimer: (key) => cell.cancelTimer(key),
      stop: () => {
        cell.stopRequested = true;
        if (!cell.current) cell.schedule();
      },
      spawnLinked: (name, childFactory, childMailbox, onExit) => {
        const child = new ActorCell(host, `${path}/${name}`, childFactory, childMailbox, (_c, reason) => onExit(reason));
        return { ref: child, get incarnation() { return child.incarnation; }, start: () => child.start(), stop: (r, ms, final) => child.stop(r, ms, final) } satisfies LinkedChild<unknown> as never;
      },
    };
  }

  get alive(): boolean {
    return this.status !== 'stopped' && this.status !== 'stopping';
  }

  get queued(): number {
    return this.mailbox.size;
  }

  tell(msg: M): boolean {
    if (!this.alive) {
      this.host.deadLetter(this.path, msg);
      return false;
    }
    const r = this.mailbox.push(msg);
    if (r.dropped !== undefined) this.host.events.emit('overflow', this.path, this.mailbox.overflow, r.dropped);
    if (r.accepted) this.schedule();
    return r.accepted;
  }

  /** Starts a fresh incarnation (first start or restart); queued messages are kept. */
  async start(): Promise<void> {
    if (this.status === 'stopped' || this.status === 'stopping') return;
    this.incarnation++;
    this.status = 'starting';
    this.stopRequested = false;
    try {
      this.behavior = this.factory(this.ctx);
      const started = this.behavior.preStart?.();
      if (started) await started;
    } catch (error) {
      await this.crash(error);
      return;
    }
    if (this.status !== 'starting') return;
    this.status = 'running';
    this.host.events.emit('started', this.path, this.incarnation);
    this.schedule();
  }

  /**
   * Ends the current incarnation: waits for the message in hand, runs postStop, each bounded by
   * `timeoutMs`. With `final`, the cell stops for good and what is queued becomes dead letters;
   * otherwise it is only suspended, ready for `start` (rest_for_one restarts).
   */
  async stop(reason: ExitReason, timeoutMs: number, final = true): Promise<void> {
    if (this.status === 'stopped' || this.status === 'stopping') return;
    const wasSuspended = this.status === 'suspended';
    this.status = final ? 'stopping' : 'suspended';
    this.clearTimers();
    const deadline = this.host.clock.now() + timeoutMs;
    if (this.current) await this.bounded(this.current, timeoutMs);
    if (!wasSuspended) await this.runPostStop(Math.max(0, deadline - this.host.clock.now()));
    this.behavior = undefined;
    if (final) {
      this.status = 'stopped';
      for (const msg of this.mailbox.drain()) this.host.deadLetter(this.path, msg);
      this.host.events.emit('stopped', this.path, reason);
    }
  }

  private startTimer(key: string, msg: M, ms: number): void {
    // A handler that outlived its incarnation's bounded stop must not leave timers behind.
    if (this.status !== 'running' && this.status !== 'starting') return;
    this.cancelTimer(key);
    const handle = this.host.clock.setTimeout(() => {
      this.timers.delete(key);
      this.tell(msg);
    }, ms);
    this.timers.set(key, handle);
  }

  private cancelTimer(key: string): void {
    const handle = this.timers.get(key);
    if (handle !== undefined) {
      this.host.clock.clearTimeout(handle);
      this.timers.delete(key);
    }
  }

  private clearTimers(): void {
    for (const h of this.timers.values()) this.host.clock.clearTimeout(h);
    this.timers.clear();
  }

  private schedule(): void {
    if (this.scheduled || this.current || this.status !== 'running') return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.current || this.status !== 'running') return;
    let done!: () => void;
    this.current = new Promise<void>((r) => (done = r));
    let handled = 0;
    let failure: { error: unknown } | undefined;
    try {
      while (this.status === 'running' && !this.stopRequested && this.mailbox.size > 0) {
        const msg = this.mailbox.shift() as M;
        try {
          const r = this.behavior!.receive(msg);
          if (r && typeof (r as Promise<void>).then === 'function') await r;
        } catch (error) {
          failure = { error };
          break;
        }
        if (++handled >= FAIRNESS_BATCH && this.mailbox.size > 0) {
          await new Promise<void>((r) => setImmediate(r));
          handled = 0;
        }
      }
    } finally {
      this.current = undefined;
      done();
    }
    if (failure) await this.crash(failure.error);
    else if (this.stopRequested && this.status === 'running') {
      // With a parent the cell only suspends: a permanent child is restarted even after a normal exit.
      await this.stop({ kind: 'normal' }, 5000, !this.onExit);
      this.onExit?.(this as unknown as ActorCell<never>, { kind: 'normal' });
    }
    else if (this.mailbox.size > 0) this.schedule();
  }

  private async crash(error: unknown): Promise<void> {
    if (this.status === 'stopped' || this.status === 'stopping') return;
    this.status = 'suspended';
    this.clearTimers();
    await this.runPostStop(5000);
    this.behavior = undefined;
    this.host.events.emit('crashed', this.path, error);
    const reason: ExitReason = { kind: 'crash', error };
    if (this.onExit) this.onExit(this as unknown as ActorCell<never>, reason);
    else await this.stop(reason, 0);
  }

  private async runPostStop(timeoutMs: number): Promise<void> {
    try {
      const r = this.behavior?.postStop?.();
      if (r) await this.bounded(r, timeoutMs);
    } catch {
      // A failing cleanup must not stop the cleanup of others; the crash is already reported.
    }
  }

  private bounded(p: Promise<unknown>, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = this.host.clock.setTimeout(resolve, ms);
      p.then(
        () => {
          this.host.clock.clearTimeout(t);
          resolve();
        },
        () => {
          this.host.clock.clearTimeout(t);
          resolve();
        },
      );
    });
  }
}
