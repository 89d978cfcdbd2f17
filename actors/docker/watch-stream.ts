import type { Readable } from 'node:stream';

/**
 * Routes a response stream's chunks and its one end to callbacks (which tell the owning actor).
 * Node may emit `end`, `close` and `error` in several combinations; the actor hears of the end once.
 */
export function watchStream(stream: Readable, onChunk: (chunk: Buffer) => void, onEnd: (error?: unknown) => void): void {
  let ended = false;
  const end = (error?: unknown) => {
    if (ended) return;
    ended = true;
    onEnd(error);
  };
  stream.on('data', onChunk);
  stream.on('end', () => end());
  stream.on('close', () => end());
  stream.on('error', (error) => end(error));
}
