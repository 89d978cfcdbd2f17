import type { ActorRef } from './actor-ref.js';
import { systemClock, type Clock } from './clock.js';
import { ActorStoppedError, AskTimeoutError, MailboxFullError } from './errors.js';

let askSeq = 0;

/**
 * Sends the message built by `make` and resolves with the first reply sent to its `replyTo`.
 * Rejects with AskTimeoutError when none comes within `timeoutMs`; a reply after that is dropped.
 * Rejects at once when the target refuses the message (stopped, or a full mailbox that rejects).
 */
export function ask<M, R>(target: ActorRef<M>, make: (replyTo: ActorRef<R>) => M, timeoutMs: number, clock: Clock = systemClock): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    let open = true;
    const replyTo: ActorRef<R> = {
      path: `${target.path}/$ask${++askSeq}`,
      get alive() {
        return open;
      },
      tell(reply: R): boolean {
        if (!open) return false;
        open = false;
        clock.clearTimeout(timer);
        resolve(reply);
        return true;
      },
    };
    const timer = clock.setTimeout(() => {
      if (!open) return;
      open = false;
      reject(new AskTimeoutError(target.path, timeoutMs));
    }, timeoutMs);
    if (!target.tell(make(replyTo)) && open) {
      open = false;
      clock.clearTimeout(timer);
      reject(target.alive ? new MailboxFullError(target.path) : new ActorStoppedError(target.path));
    }
  });
}
