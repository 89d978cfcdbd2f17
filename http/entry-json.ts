import type { LogEntry } from '../actors/model/log-entry.js';
import { entryJson } from '../actors/buffer/entry-json.js';

export { entryJson, millisIso, type EntryJson } from '../actors/buffer/entry-json.js';

// Entries are immutable once stored; every live client of an entry shares one serialisation.
const texts = new WeakMap<LogEntry, string>();

/** `JSON.stringify(entryJson(e))`, computed once per entry. */
export function entryText(e: LogEntry): string {
  let t = texts.get(e);
  if (t === undefined) {
    t = JSON.stringify(entryJson(e));
    texts.set(e, t);
  }
  return t;
}
