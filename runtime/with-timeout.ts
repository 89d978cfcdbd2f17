import type { Clock } from './clock.js';
import { AskTimeoutError } from './errors.js';

/**
 * Resolves like `p`, or rejects with AskTimeoutError (answered 504) when `p` has not settled
 * within `ms`: for replies that come to a ref of ours rather than through `ask`.
 */
export function withTimeout<T>(p: Promise<T>, ms: number, clock: Clock, target: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => reject(new AskTimeoutError(target, ms)), ms);
    p.then(
      (v) => {
        clock.clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clock.clearTimeout(timer);
        reject(e);
      },
    );
  });
}
