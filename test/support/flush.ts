/** Lets queued microtasks and immediates run: actors handle what was told to them. */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Polls with real immediates until `fn` is true or `rounds` run out; for state that settles through several hops. */
export async function settle(fn: () => boolean, rounds = 200): Promise<boolean> {
  for (let i = 0; i < rounds; i++) {
    if (fn()) return true;
    await new Promise<void>((r) => setImmediate(r));
  }
  return fn();
}
