/** Address of an actor that accepts messages of type M. Stable across restarts of the actor. */
export interface ActorRef<M> {
  readonly path: string;
  /**
   * Sends a message; never throws. Returns false when the message was refused
   * (the actor has stopped: a dead letter; or its full mailbox rejects).
   */
  tell(msg: M): boolean;
  /** False once the actor has stopped for good. */
  readonly alive: boolean;
}
