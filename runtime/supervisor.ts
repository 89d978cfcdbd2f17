import { unhandled, type ActorContext, type ActorFactory, type Behavior, type LinkedChild } from './actor.js';
import type { ActorRef } from './actor-ref.js';
import { ask } from './ask.js';
import type { Clock } from './clock.js';
import { backoffDelay, DEFAULT_BACKOFF, RestartWindow, type BackoffOptions } from './backoff.js';
import { EscalationError, isPermanentFailure } from './errors.js';
import type { ExitReason } from './events.js';
import type { MailboxOptions } from './mailbox.js';

/** permanent: always restarted; transient: restarted only after a crash; temporary: never restarted. */
export type RestartType = 'permanent' | 'transient' | 'temporary';

/** One child, as data. `start` builds a fresh behaviour for every (re)start of the child. */
export interface ChildSpec<M = any> {
  id: string;
  start: ActorFactory<M>;
  restart: RestartType;
  /** How long the child may take to stop before it is abandoned. Default 5000. */
  shutdownMs?: number;
  mailbox?: MailboxOptions;
}

export interface SupervisorOptions {
  /** one_for_one: only the failed child restarts; rest_for_one: the children started after it restart too. */
  strategy?: 'one_for_one' | 'rest_for_one';
  /** More than `intensity` restarts within `periodMs` and the supervisor gives up and fails upward. */
  intensity?: number;
  periodMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** Uniform [0, 1) source for jitter; injectable for tests. */
  random?: () => number;
  /** Static children, in start order. */
  children?: ChildSpec[];
}

export type StartChildReply = { ok: true; ref: ActorRef<any> } | { ok: false; reason: 'already_started'; ref: ActorRef<any> };

export interface ChildInfo {
  id: string;
  path: string;
  restart: RestartType;
  incarnation: number;
  restarting: boolean;
}

/** The supervisor's protocol: dynamic children are started and stopped by message. */
export type SupervisorMsg =
  | { type: 'startChild'; spec: ChildSpec; replyTo?: ActorRef<StartChildReply> }
  | { type: 'stopChild'; id: string; replyTo?: ActorRef<boolean> }
  | { type: 'whichChildren'; replyTo: ActorRef<ChildInfo[]> };

type Internal =
  | { type: 'childExit'; id: string; incarnation: number; reason: ExitReason }
  | { type: 'restartDue'; id: string };

interface Child {
  spec: ChildSpec;
  cell: LinkedChild<unknown>;
  attempt: number;
  startedAt: number;
  restarting: boolean;
}

/** A supervisor actor with OTP semantics. Spawn it like any actor, or nest it as a child spec. */
export function supervisor(options: SupervisorOptions = {}): ActorFactory<SupervisorMsg> {
  return (ctx) => new Supervisor(ctx as ActorContext<SupervisorMsg | Internal>, options);
}

class Supervisor implements Behavior<SupervisorMsg | Internal> {
  private readonly children: Child[] = [];
  private readonly window: RestartWindow;
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;
  private readonly strategy: 'one_for_one' | 'rest_for_one';

  constructor(
    private readonly ctx: ActorContext<SupervisorMsg | Internal>,
    private readonly options: SupervisorOptions,
  ) {
    this.window = new RestartWindow(options.intensity ?? 3, options.periodMs ?? 5000);
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.random = options.random ?? Math.random;
    this.strategy = options.strategy ?? 'one_for_one';
  }

  async preStart(): Promise<void> {
    for (const spec of this.options.children ?? []) await this.add(spec);
  }

  async postStop(): Promise<void> {
    await this.stopAll();
  }

  async receive(msg: SupervisorMsg | Internal): Promise<void> {
    switch (msg.type) {
      case 'startChild': {
        const existing = this.find(msg.spec.id);
        if (existing) msg.replyTo?.tell({ ok: false, reason: 'already_started', ref: existing.cell.ref });
        else msg.replyTo?.tell({ ok: true, ref: await this.add(msg.spec) });
        return;
      }
      case 'stopChild': {
        const child = this.find(msg.id);
        if (child) {
          this.remove(child);
          await child.cell.stop({ kind: 'shutdown' }, child.spec.shutdownMs ?? 5000);
        }
        msg.replyTo?.tell(child !== undefined);
        return;
      }
      case 'whichChildren':
        msg.replyTo.tell(
          this.children.map((c) => ({ id: c.spec.id, path: c.cell.ref.path, restart: c.spec.restart, incarnation: c.cell.incarnation, restarting: c.restarting })),
        );
        return;
      case 'childExit':
        return this.childExit(msg.id, msg.incarnation, msg.reason);
      case 'restartDue':
        return this.restartDue(msg.id);
      default:
        unhandled(msg);
    }
  }

  private find(id: string): Child | undefined {
    return this.children.find((c) => c.spec.id === id);
  }

  private remove(child: Child): void {
    this.ctx.cancelTimer(`restart:${child.spec.id}`);
    const i = this.children.indexOf(child);
    if (i >= 0) this.children.splice(i, 1);
  }

  private async add(spec: ChildSpec): Promise<ActorRef<unknown>> {
    const cell: LinkedChild<unknown> = this.ctx.spawnLinked(spec.id, spec.start, spec.mailbox, (reason) =>
      this.ctx.self.tell({ type: 'childExit', id: spec.id, incarnation: cell.incarnation, reason }),
    );
    const child: Child = { spec, cell, attempt: 0, startedAt: this.ctx.clock.now(), restarting: false };
    this.children.push(child);
    await cell.start();
    return cell.ref;
  }

  private async childExit(id: string, incarnation: number, reason: ExitReason): Promise<void> {
    const child = this.find(id);
    if (!child || child.cell.incarnation !== incarnation || child.restarting) return;
    const crashed = reason.kind === 'crash';
    const restart =
      child.spec.restart === 'permanent' ? !(crashed && isPermanentFailure(reason.error)) : child.spec.restart === 'transient' ? crashed && !isPermanentFailure(reason.error) : false;
    if (!restart) {
      this.remove(child);
      await child.cell.stop(reason, 0);
      return;
    }
    const now = this.ctx.clock.now();
    if (this.window.record(now)) {
      await this.stopAll();
      throw new EscalationError(this.ctx.path, id, this.window.count, this.window.periodMs, { cause: crashed ? reason.error : undefined });
    }
    child.attempt = (now - child.startedAt >= this.backoff.resetAfterMs ? 0 : child.attempt) + 1;
    const delay = backoffDelay(child.attempt - 1, this.backoff, this.random());
    child.restarting = true;
    if (this.strategy === 'rest_for_one') {
      const later = this.children.slice(this.children.indexOf(child) + 1).reverse();
      for (const sibling of later) {
        sibling.restarting = true;
        await sibling.cell.stop({ kind: 'shutdown' }, sibling.spec.shutdownMs ?? 5000, false);
      }
    }
    this.ctx.events.emit('restarted', child.cell.ref.path, child.attempt, delay);
    this.ctx.startTimer(`restart:${id}`, { type: 'restartDue', id }, delay);
  }

  private async restartDue(id: string): Promise<void> {
    const child = this.find(id);
    if (!child) return;
    const from = this.strategy === 'rest_for_one' ? this.children.indexOf(child) : -1;
    const batch = from >= 0 ? this.children.slice(from) : [child];
    for (const c of batch) {
      if (!c.restarting) continue;
      c.restarting = false;
      c.startedAt = this.ctx.clock.now();
      await c.cell.start();
    }
  }

  private async stopAll(): Promise<void> {
    const all = [...this.children].reverse();
    for (const c of all) this.remove(c);
    for (const c of all) await c.cell.stop({ kind: 'shutdown' }, c.spec.shutdownMs ?? 5000);
  }
}

/** Asks a supervisor to start a child and resolves with its ref (the existing one if the id is taken). */
export async function startChild<M>(sup: ActorRef<SupervisorMsg>, spec: ChildSpec<M>, timeoutMs = 10_000, clock?: Clock): Promise<ActorRef<M>> {
  const reply = await ask<SupervisorMsg, StartChildReply>(sup, (replyTo) => ({ type: 'startChild', spec, replyTo }), timeoutMs, clock);
  return reply.ref as ActorRef<M>;
}
