import type { ActorRef } from '../../runtime/index.js';
import { acknowledge, type IngestMsg, type IngestSink } from '../../actors/model/ingest-protocol.js';

/**
 * A sink for tests that keeps every line it is given, per container, as `[dockerTs, stream, message]`:
 * a count that does not depend on the buffer's window or eviction. `hold(id)` makes it stop
 * acknowledging one container's batches (a sink that never answers), `release()` answers again.
 */
export class CountingSink {
  readonly lines = new Map<string, [string, string, string][]>();
  private readonly held = new Set<string>();
  private readonly withheld: IngestMsg[] = [];
  readonly sink: IngestSink;

  constructor(name = 'counter') {
    const ref: ActorRef<IngestMsg> = {
      path: `/test/${name}`,
      alive: true,
      tell: (msg) => {
        // Asynchronous like a real actor's mailbox: the ack never comes back within the follower's turn.
        queueMicrotask(() => this.take(msg));
        return true;
      },
    };
    this.sink = { name, ref };
  }

  private take(msg: IngestMsg): void {
    for (const e of msg.entries) {
      let list = this.lines.get(e.containerId);
      if (!list) this.lines.set(e.containerId, (list = []));
      list.push([e.dockerTs, e.stream, e.message]);
    }
    const id = msg.entries[0]?.containerId;
    if (id !== undefined && this.held.has(id)) this.withheld.push(msg);
    else acknowledge(msg);
  }

  count(id: string): number {
    return this.lines.get(id)?.length ?? 0;
  }

  total(): number {
    let n = 0;
    for (const l of this.lines.values()) n += l.length;
    return n;
  }

  /** Stops acknowledging the batches of container `id`. */
  hold(id: string): void {
    this.held.add(id);
  }

  /** Acknowledges again, the withheld batches first. */
  release(): void {
    this.held.clear();
    for (const msg of this.withheld.splice(0)) acknowledge(msg);
  }
}
