/**
 * The main thread's handle on the store's worker: requests become promises, answered in order.
 * A worker that dies fails every request in flight (and later ones) with its error, so that the
 * StoreActor sees a failing store rather than waiting forever.
 */
import { Worker } from 'node:worker_threads';
import type { StoreFailure, StoreReply, StoreRequest } from './store-protocol.js';

/** A failed store request, with SQLite's code when it has one. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(code ? `${code}: ${message}` : message);
  }
}

export class StoreClient {
  private readonly worker: Worker;
  private next = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private dead: Error | undefined;

  /**
   * @param heapMb the worker's old-generation cap: what it holds at once is one write (≤ 4 MB) or one
   *   part of a page (≤ 1 MB), so a low cap makes its V8 collect garbage early instead of growing. A
   *   worker that passes it dies; its requests fail and the StoreActor starts another.
   */
  constructor(heapMb = 24) {
    this.worker = new Worker(new URL('./store-worker.js', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 4 } });
    this.worker.on('message', (reply: StoreReply) => {
      const w = this.waiting.get(reply.id);
      if (!w) return;
      this.waiting.delete(reply.id);
      if (reply.ok) w.resolve(reply.result);
      else w.reject(new StoreError((reply.error as StoreFailure).message, reply.error.code));
    });
    const fail = (error: Error) => {
      this.dead = error;
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    };
    this.worker.on('error', (e) => fail(new StoreError(`store worker failed: ${e.message}`, 'LOGAGG_WORKER')));
    this.worker.on('exit', (code) => fail(new StoreError(`store worker exited (${code})`, 'LOGAGG_WORKER')));
  }

  /** False once the worker has died (every request then fails with the reason). */
  get alive(): boolean {
    return this.dead === undefined;
  }

  request<T>(req: StoreRequest): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, req });
    });
  }

  async close(): Promise<void> {
    try {
      await this.request({ op: 'close' });
    } catch {
      // a dead worker has nothing left to close
    }
    await this.worker.terminate();
  }
}
