import { ask, systemClock, type ActorRef, type Clock } from '../runtime/index.js';
import { serviceLog } from '../actors/service-log.js';
import { Level } from '../actors/model/log-entry.js';
import { HTTP_DEFAULTS, type HttpConfig } from './config.js';
import type { HttpDeps } from './deps.js';
import { LiveRegistry } from './live-registry.js';
import { QueryQueue } from './query-queue.js';

/** HttpConfig with every optional limit filled in. */
export type ResolvedHttpConfig = HttpConfig & { -readonly [K in keyof typeof HTTP_DEFAULTS]: number };

/** What every route handler gets: the actors, the settings, the clock and the live clients. */
export interface HttpContext {
  readonly deps: HttpDeps;
  readonly config: ResolvedHttpConfig;
  readonly clock: Clock;
  readonly live: LiveRegistry;
  /** Page queries answered a few at a time (concurrentQueries). */
  readonly queries: QueryQueue;
  readonly log: (message: string) => void;
  /** `ask` with the configured timeout and clock. */
  ask<M, R>(target: ActorRef<M>, make: (replyTo: ActorRef<R>) => M, timeoutMs?: number): Promise<R>;
}

/** Builds the shared context of one server. */
export function createContext(deps: HttpDeps, config: HttpConfig): HttpContext {
  const clock = deps.clock ?? systemClock;
  const resolved: ResolvedHttpConfig = { ...HTTP_DEFAULTS, ...withoutUndefined(config) };
  return {
    deps,
    config: resolved,
    clock,
    live: new LiveRegistry(resolved.maxLiveBytes),
    queries: new QueryQueue(resolved.concurrentQueries),
    log: deps.log ?? ((m) => serviceLog(Level.ERROR, m)),
    ask: (target, make, timeoutMs) => ask(target, make, timeoutMs ?? resolved.askTimeoutMs, clock),
  };
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
