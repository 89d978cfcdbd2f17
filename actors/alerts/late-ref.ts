/**
 * An address bound after it is handed out: the ErrorAlertActor starts before the store (it is the
 * store's downstream) but reports to the notifier, which starts after the store (it persists
 * through it). Nothing is told to it before it is bound: entries flow only once the followers
 * start, after the notifier.
 */
import type { ActorRef } from '../../runtime/index.js';

export class LateRef<M> implements ActorRef<M> {
  private target: ActorRef<M> | undefined;

  constructor(readonly path: string) {}

  bind(ref: ActorRef<M>): void {
    this.target = ref;
  }

  tell(msg: M): boolean {
    return this.target?.tell(msg) ?? false;
  }

  get alive(): boolean {
    return this.target?.alive ?? true;
  }
}
