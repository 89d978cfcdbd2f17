/** An ask that got no reply in time. */
export class AskTimeoutError extends Error {
  override readonly name = 'AskTimeoutError';
  constructor(
    readonly target: string,
    readonly timeoutMs: number,
  ) {
    super(`no reply from ${target} within ${timeoutMs} ms`);
  }
}

/** A message refused because the target's mailbox is full (overflow policy 'reject'). */
export class MailboxFullError extends Error {
  override readonly name = 'MailboxFullError';
  constructor(readonly target: string) {
    super(`mailbox of ${target} is full`);
  }
}

/** A message sent to an actor that has stopped. */
export class ActorStoppedError extends Error {
  override readonly name = 'ActorStoppedError';
  constructor(readonly target: string) {
    super(`${target} has stopped`);
  }
}

/**
 * Thrown by an actor whose failure cannot be cured by restarting it (a 501 from the engine, a bad
 * configuration). Its supervisor forgets the child instead of restarting it, whatever its restart type.
 */
export class PermanentFailure extends Error {
  override readonly name = 'PermanentFailure';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A supervisor whose children restarted more often than its intensity allows; it fails upward. */
export class EscalationError extends Error {
  override readonly name = 'EscalationError';
  constructor(
    readonly supervisor: string,
    readonly child: string,
    readonly restarts: number,
    readonly periodMs: number,
    options?: { cause?: unknown },
  ) {
    super(`${supervisor}: child ${child} restarted ${restarts} times within ${periodMs} ms; giving up`, options);
  }
}

/** True when an error (or its cause chain) marks a failure that restarting will not cure. */
export function isPermanentFailure(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof PermanentFailure) return true;
  }
  return false;
}
