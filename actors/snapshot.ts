import { createReadStream, createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { BufferSnapshot, CollectCursor } from './buffer-protocol.js';
import type { LogEntry } from './parse/log-entry.js';

const VERSION = 1;

/**
 * Writes the buffer's snapshot as JSON lines (a header with the cursors, then one entry per line),
 * to a temporary file renamed into place, so that a crash mid-write never leaves half a snapshot.
 */
export async function writeSnapshot(path: string, snapshot: BufferSnapshot): Promise<void> {
  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp);
  const write = async (line: string) => {
    if (!out.write(line + '\n')) await once(out, 'drain');
  };
  await write(JSON.stringify({ version: VERSION, cursors: snapshot.cursors }));
  for (const e of snapshot.entries) await write(JSON.stringify(e));
  out.end();
  await once(out, 'finish');
  await rename(tmp, path);
}

/**
 * Reads a snapshot and removes it: it describes one moment, and restoring it twice (after a later
 * crash) would repeat lines. Returns undefined when there is none.
 */
export async function takeSnapshot(path: string): Promise<BufferSnapshot | undefined> {
  let input;
  try {
    input = createReadStream(path, { encoding: 'utf8' });
    await once(input, 'open');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const entries: LogEntry[] = [];
  let cursors: CollectCursor[] | undefined;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (!line) continue;
    if (cursors === undefined) {
      const header = JSON.parse(line) as { version?: number; cursors?: CollectCursor[] };
      if (header.version !== VERSION || !Array.isArray(header.cursors)) throw new Error(`${path}: not a logagg snapshot of version ${VERSION}`);
      cursors = header.cursors;
    } else entries.push(JSON.parse(line) as LogEntry);
  }
  await unlink(path);
  return cursors === undefined ? undefined : { entries, cursors };
}
