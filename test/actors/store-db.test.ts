/** The store's database on real files: order, paging, filters, cursors, versions, corruption, retention. */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Level } from '../../actors/model/log-entry.js';
import { entryJsonBytes, PAGE_ENVELOPE_BYTES } from '../../actors/buffer/entry-json.js';
import { DB_FILE, StoreDb, StoreVersionError } from '../../actors/store/store-db.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../actors/store/schema.js';
import type { StoredEntry, StoreQuery } from '../../actors/store/store-protocol.js';
import { makeEntry, T0 } from '../support/entries.js';

const test = suite('store-db');
let dir = '';
let db: StoreDb;

test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'logagg-storedb-'));
  db = new StoreDb();
});
test.after.each(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
const stored = (partial: Parameters<typeof makeEntry>[0] = {}): StoredEntry => ({ ...makeEntry(partial), seq: ++seq });
const q = (over: Partial<StoreQuery> = {}): StoreQuery => ({ sinceMs: 0, untilMs: 9e12, order: 'desc', limit: 1000, budgetMs: 10_000, ...over });

test('entries come back whole, newest Docker time first, ties by seq; asc on request', () => {
  db.open(dir, T0);
  const a = stored({ dockerMs: T0 + 5, message: 'late', fields: { k: 1 }, time: '2025-10-25T14:30:00.005Z' });
  const b = stored({ dockerMs: T0 + 1, nanos: 500, message: 'early', stream: 'stderr', truncated: true });
  const c = stored({ dockerMs: T0 + 1, nanos: 500, message: 'early twin' });
  db.write([a, b, c], []);
  const desc = db.query(q()).entries;
  assert.equal(desc.map((e) => e.message), ['late', 'early twin', 'early']);
  assert.equal(desc[0], a);
  assert.equal(desc[2], b);
  assert.equal(db.query(q({ order: 'asc' })).entries.map((e) => e.seq), [b.seq, c.seq, a.seq]);
});

test('paging by cursor gives every entry once, in order', () => {
  db.open(dir, T0);
  const all: StoredEntry[] = [];
  for (let i = 0; i < 250; i++) all.push(stored({ dockerMs: T0 + Math.floor(i / 3), nanos: (i % 3) * 10, message: `m${i}` }));
  db.write(all, []);
  const seen: number[] = [];
  let after: StoreQuery['after'];
  for (;;) {
    const page = db.query(q({ limit: 40, ...(after ? { after } : {}) }));
    seen.push(...page.entries.map((e) => e.seq));
    if (!page.more) break;
    const last = page.entries[page.entries.length - 1]!;
    after = { ms: last.dockerMs, ns: Number(last.dockerTs.slice(23, 29)), seq: last.seq };
  }
  assert.equal(seen, all.map((e) => e.seq).reverse());
});

test('paging a service of several containers (pages merged per source) gives every entry once, in order', () => {
  db.open(dir, T0);
  const all: StoredEntry[] = [];
  for (let i = 0; i < 300; i++) all.push(stored({ containerName: `api-${i % 3}`, dockerMs: T0 + Math.floor(i / 4), nanos: (i % 4) * 7, message: `m${i}` }));
  all.push(stored({ service: 'other', containerName: 'o-1', dockerMs: T0 + 10 }));
  db.write(all, []);
  const seen: number[] = [];
  let after: StoreQuery['after'];
  for (;;) {
    const page = db.query(q({ services: ['api'], limit: 33, ...(after ? { after } : {}) }));
    seen.push(...page.entries.map((e) => e.seq));
    if (!page.more) break;
    const last = page.entries[page.entries.length - 1]!;
    after = { ms: last.dockerMs, ns: Number(last.dockerTs.slice(23, 29)), seq: last.seq };
  }
  const api = all.filter((e) => e.service === 'api');
  const expected = [...api].sort((a, b) => (a.dockerTs < b.dockerTs ? 1 : a.dockerTs > b.dockerTs ? -1 : b.seq - a.seq)).map((e) => e.seq);
  assert.equal(seen, expected);
});

test('a page merged from several sources stops at its byte cap too, and its cursor walks every entry once', () => {
  db.open(dir, T0);
  const all: StoredEntry[] = [];
  for (let i = 0; i < 60; i++) all.push(stored({ service: i % 2 ? 'api' : 'worker', containerName: i % 2 ? 'api-1' : 'worker-1', dockerMs: T0 + i, message: `${i} ${'z'.repeat(10_000)}` }));
  db.write(all, []);
  const cap = 100_000;
  const seen: number[] = [];
  let after: StoreQuery['after'];
  for (;;) {
    const page = db.query(q({ services: ['api', 'worker'], order: 'asc', maxBytes: cap, ...(after ? { after } : {}) }));
    const bytes = page.entries.reduce((n, e) => n + entryJsonBytes(e), 0);
    assert.ok(bytes <= cap - PAGE_ENVELOPE_BYTES, `${page.entries.length} entries, ${bytes} bytes within the cap`);
    assert.ok(page.entries.length > 0);
    seen.push(...page.entries.map((e) => e.seq));
    if (!page.more) break;
    const last = page.entries[page.entries.length - 1]!;
    after = { ms: last.dockerMs, ns: Number(last.dockerTs.slice(23, 29)), seq: last.seq };
  }
  assert.equal(seen, all.map((e) => e.seq));
});

test('filters: service, container, level (WARNING and above through the partial index), stream, keyword, regex, time', () => {
  db.open(dir, T0);
  db.write(
    [
      stored({ service: 'api', containerName: 'api-1', level: Level.ERROR, message: 'Timeout talking to db', dockerMs: T0 }),
      stored({ service: 'api', containerName: 'api-2', level: Level.INFO, message: 'ok user_id=42', dockerMs: T0 + 10 }),
      stored({ service: 'web', containerName: 'web-1', level: Level.WARNING, message: 'slow 100%', stream: 'stderr', dockerMs: T0 + 20 }),
      stored({ service: 'web', containerName: 'web-1', level: Level.CRITICAL, message: 'Ünïcode timeout', dockerMs: T0 + 30 }),
    ],
    [],
  );
  const msgs = (over: Partial<StoreQuery>) => db.query(q(over)).entries.map((e) => e.message);
  assert.equal(msgs({ services: ['api'] }), ['ok user_id=42', 'Timeout talking to db']);
  assert.equal(msgs({ container: 'web-1' }), ['Ünïcode timeout', 'slow 100%']);
  assert.equal(msgs({ container: makeEntry({ containerName: 'api-2' }).containerId.slice(0, 8) }), ['ok user_id=42']);
  assert.equal(msgs({ minLevel: Level.ERROR }), ['Ünïcode timeout', 'Timeout talking to db']);
  assert.equal(msgs({ minLevel: Level.WARNING, services: ['web'] }), ['Ünïcode timeout', 'slow 100%']);
  assert.equal(msgs({ stream: 'stderr' }), ['slow 100%']);
  assert.equal(msgs({ search: 'TIMEOUT' }), ['Ünïcode timeout', 'Timeout talking to db']);
  assert.equal(msgs({ search: '100%' }), ['slow 100%'], 'LIKE wildcards in a keyword are literal');
  assert.equal(msgs({ search: 'ünï' }), ['Ünïcode timeout'], 'a non-ASCII keyword is matched case-insensitively');
  assert.equal(msgs({ regex: 'user_id=\\d+' }), ['ok user_id=42']);
  assert.equal(msgs({ sinceMs: T0 + 10, untilMs: T0 + 20 }), ['slow 100%', 'ok user_id=42'], 'since and until are inclusive');
  assert.equal(msgs({ services: ['nobody'] }), []);
});

test('a scan past its budget answers what it found, marked partial', () => {
  db.open(dir, T0);
  const many: StoredEntry[] = [];
  for (let i = 0; i < 20_000; i++) many.push(stored({ dockerMs: T0 + i, message: `line ${i}` }));
  db.write(many, []);
  const r = db.query(q({ regex: 'never matches (a|b)+c', budgetMs: 0 }));
  assert.ok(r.partial && r.more);
  assert.equal(r.entries, []);
});

test('a scan cut before it found anything says where it stopped, and a query from there goes on past it', () => {
  db.open(dir, T0);
  const many: StoredEntry[] = [];
  for (let i = 0; i < 20_000; i++) many.push(stored({ dockerMs: T0 + i, message: `line ${i}` }));
  db.write(many, []);
  const r = db.query(q({ regex: '^line 0$', budgetMs: 0 }));
  assert.ok(r.partial && r.more);
  assert.equal(r.entries, []);
  // Newest first: it stopped somewhere above line 0, at a row it examined.
  const i = many.findIndex((e) => e.seq === r.scannedTo?.seq);
  assert.ok(i > 1, `scannedTo ${JSON.stringify(r.scannedTo)}`);
  assert.equal(r.scannedTo, { ms: many[i]!.dockerMs, ns: 0, seq: many[i]!.seq });
  const rest = db.query(q({ regex: `^line (0|${i}|${i - 1})$`, after: r.scannedTo! }));
  assert.equal(rest.entries.map((e) => e.message), [`line ${i - 1}`, 'line 0']);
});

test('cursors commit with the entries and come back on the next open, with the sequence and first start', () => {
  db.open(dir, T0);
  const cursor = { containerId: 'c1', positions: { stdout: { ts: '2025-10-25T14:30:00.000000001Z', atTs: 2 } } };
  db.write([stored(), stored()], [cursor]);
  db.close();
  const again = new StoreDb();
  const r = again.open(dir, T0 + 99_999);
  assert.is(r.maxSeq, seq);
  assert.equal(r.cursors, [cursor]);
  assert.is(r.firstStartMs, T0, 'the first start is kept');
  again.close();
});

test('a file from a newer logagg is refused, not touched', () => {
  db.open(dir, T0);
  db.close();
  const raw = new Database(join(dir, DB_FILE));
  raw.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
  raw.close();
  assert.throws(() => new StoreDb().open(dir, T0), (e: unknown) => e instanceof StoreVersionError && /schema version 99/.test((e as Error).message));
  assert.ok(existsSync(join(dir, DB_FILE)));
});

test('a version-1 file is migrated to the current version, its entries kept', () => {
  const raw = new Database(join(dir, DB_FILE));
  raw.pragma('journal_mode = WAL');
  for (const sql of MIGRATIONS[0]!) raw.exec(sql);
  raw.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', '1'), ('first_start_ms', ?)").run(String(T0));
  raw.prepare("INSERT INTO sources (id, container_id, name, service) VALUES (1, 'c', 'n', 's')").run();
  raw.prepare("INSERT INTO entries (seq, t, source, level, flags, docker_ts, message) VALUES (7, 1, 1, 2, 0, '2025-10-25T14:30:00.000000000Z', 'old')").run();
  raw.close();
  const r = db.open(dir, T0);
  assert.is(r.schemaVersion, SCHEMA_VERSION);
  assert.is(r.maxSeq, 7);
  const check = new Database(join(dir, DB_FILE), { readonly: true });
  assert.ok(check.prepare("SELECT 1 FROM sqlite_master WHERE name = 'forward_cursors'").get(), 'version 2 tables exist');
  check.close();
});

test('a corrupted file is moved aside (never deleted) and a fresh database started', () => {
  writeFileSync(join(dir, DB_FILE), Buffer.alloc(8192, 0x5a));
  const r = db.open(dir, T0);
  assert.ok(r.movedAside, 'moved aside');
  assert.ok(readdirSync(dir).some((f) => f.startsWith(`${DB_FILE}.corrupt-`)), readdirSync(dir).join(', '));
  assert.is(r.maxSeq, 0);
  db.write([stored()], []);
  assert.is(db.query(q()).entries.length, 1);
});

test('retention deletes by age, then by size, oldest first, in batches', () => {
  db.open(dir, T0);
  const batch: StoredEntry[] = [];
  for (let i = 0; i < 3000; i++) batch.push(stored({ dockerMs: T0 + i * 1000, message: 'x'.repeat(200) }));
  db.write(batch, []);
  // By age: everything before T0 + 1000 s goes, 500 at a time.
  let r = db.retention(T0 + 1_000_000, 1 << 30, 500);
  assert.equal([r.deletedByAge, r.more], [500, true]);
  while (r.more) r = db.retention(T0 + 1_000_000, 1 << 30, 500);
  assert.is(db.stats().entries, 2000);
  assert.is(db.query(q({ order: 'asc', limit: 1 })).entries[0]!.dockerMs, T0 + 1_000_000);
  // By size: down under the bound, the oldest first.
  const bytes = db.stats().bytes;
  do r = db.retention(0, bytes / 2, 200);
  while (r.more);
  const after = db.stats();
  assert.ok(after.bytes <= bytes / 2, `${after.bytes} <= ${bytes / 2}`);
  assert.ok(after.entries < 2000 && after.entries > 500, `${after.entries} entries left`);
  assert.is(db.query(q({ limit: 1 })).entries[0]!.dockerMs, T0 + 2_999_000, 'the newest are kept');
});

test('a page stops at maxBytes of JSON in the worker, and the cursor continues it: 300 lines of 200 KB', () => {
  db.open(dir, T0);
  const all: StoredEntry[] = [];
  for (let i = 0; i < 300; i++) all.push(stored({ dockerMs: T0 + i, message: `big ${i} ${'x'.repeat(200 * 1024)}` }));
  db.write(all, []);
  const CAP = 8 * 1024 * 1024;
  const seen: number[] = [];
  let after: StoreQuery['after'];
  let pages = 0;
  for (;;) {
    const r = db.query(q({ order: 'asc', maxBytes: CAP, ...(after ? { after } : {}) }));
    pages++;
    const bytes = r.entries.reduce((n, e) => n + entryJsonBytes(e), 0);
    assert.ok(bytes <= CAP - PAGE_ENVELOPE_BYTES, `page of ${bytes} bytes within ${CAP}`);
    seen.push(...r.entries.map((e) => e.seq));
    const last = r.entries.at(-1);
    if (!r.more || !last) break;
    after = { ms: last.dockerMs, ns: 0, seq: last.seq };
  }
  assert.equal(seen, all.map((e) => e.seq));
  assert.is(pages, 8, 'about 40 lines of 200 KB per 8 MB page');
});

test.run();
