import type { ActorRef } from './actor-ref.js';
import type { Clock } from './clock.js';
import type { ExitReason, SystemEmitter } from './events.js';
import type { MailboxOptions } from './mailbox.js';

/**
 * An actor's behaviour for one incarnation. `receive` handles one message at a time; when it
 * returns a promise, the next message waits for it. A throw (or rejection) crashes the actor:
 * this instance and its state are discarded and the supervisor decides what happens next.
 */
export interface Behavior<M> {
  receive(msg: M): void | Promise<void>;
  /** Runs before the first message; a throw here is a crash. */
  preStart?(): void | Promise<void>;
  /** Runs when the incarnation ends (stop, shutdown or crash): release streams, sockets, timers. */
  postStop?(): void | Promise<void>;
}

/** What an actor sees of the runtime. */
export interface ActorContext<M> {
  readonly self: ActorRef<M>;
  readonly path: string;
  readonly clock: Clock;
  readonly events: SystemEmitter;
  /** Delivers `msg` to self after `ms`; a timer with the same key is replaced. Cancelled when the incarnation ends. */
  startTimer(key: string, msg: M, ms: number): void;
  cancelTimer(key: string): void;
  /** Stops this actor normally once the current message is handled. */
  stop(): void;
  /**
   * Creates a child cell linked to this actor: the child's exits are reported to `onExit`.
   * Supervisors use it; other actors ask a supervisor to start children instead.
   */
  spawnLinked<C>(name: string, factory: ActorFactory<C>, mailbox: MailboxOptions | undefined, onExit: (reason: ExitReason) => void): LinkedChild<C>;
}

/** A child cell as its supervisor sees it. */
export interface LinkedChild<C> {
  readonly ref: ActorRef<C>;
  readonly incarnation: number;
  start(): Promise<void>;
  /** Ends the incarnation within `timeoutMs`; `final` false keeps the mailbox for a restart. */
  stop(reason: ExitReason, timeoutMs: number, final?: boolean): Promise<void>;
}

/** Makes a fresh behaviour for each (re)start; the closure is where dependencies are injected. */
export type ActorFactory<M> = (ctx: ActorContext<M>) => Behavior<M>;

/** Exhaustiveness guard for the `switch` over a message union. */
export function unhandled(msg: never): never {
  throw new TypeError(`unhandled message ${JSON.stringify((msg as { type?: unknown })?.type ?? msg)}`);
}
