/** Alert state and notifications in the store: SQLite (STORAGE=disk) and memory behave alike. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AlertMemory, MAX_NOTIFICATION_HISTORY, type AlertStoreRequest, type NotificationRow } from '../../actors/store/alert-tables.js';
import { StoreDb } from '../../actors/store/store-db.js';

const test = suite('alert-tables');
let dir = '';
let db: StoreDb | undefined;

test.after.each(() => {
  db?.close();
  db = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

type Run = (req: AlertStoreRequest) => unknown;
const row = (over: Partial<NotificationRow> = {}): Omit<NotificationRow, 'id'> => ({ destination: 'hook', rule: 'critical_line', service: 'api', payload: '{}', state: 'pending', attempts: 0, nextAttemptMs: null, createdMs: 1000, sentMs: null, lastError: null, ...over });

function both(name: string, fn: (run: Run, reopen?: () => Run) => void): void {
  test(`${name} (memory)`, () => {
    const m = new AlertMemory();
    fn((r) => m.run(r));
  });
  test(`${name} (SQLite)`, () => {
    dir = mkdtempSync(join(tmpdir(), 'logagg-alerttables-'));
    db = new StoreDb();
    db.open(dir, 1000);
    fn(
      (r) => db!.alerts.run(r),
      () => {
        db!.close();
        db = new StoreDb();
        db.open(dir, 2000);
        return (r) => db!.alerts.run(r);
      },
    );
  });
}

both('state values are put and read back (and survive a reopen on disk)', (run, reopen) => {
  run({ op: 'alertStatePut', values: { groups: '[]', known: '[["a",1]]' }, nowMs: 1 });
  run({ op: 'alertStatePut', values: { groups: '[["k",{}]]' }, nowMs: 2 });
  assert.equal(run({ op: 'alertStateGet' }), { groups: '[["k",{}]]', known: '[["a",1]]' });
  if (reopen) assert.equal(reopen()({ op: 'alertStateGet' }), { groups: '[["k",{}]]', known: '[["a",1]]' });
});

both('notifications: insert, update, list newest first with filters, pending ones (and after a reopen)', (run, reopen) => {
  const ids = run({ op: 'notificationInsert', rows: [row(), row({ destination: 'am' }), row({ service: 'web', rule: 'container_exit' })], keepAfterMs: 0 }) as number[];
  assert.is(ids.length, 3);
  run({ op: 'notificationUpdate', update: { id: ids[0]!, state: 'sent', attempts: 1, nextAttemptMs: null, sentMs: 1500, lastError: null } });
  run({ op: 'notificationUpdate', update: { id: ids[1]!, state: 'retrying', attempts: 2, nextAttemptMs: 9000, sentMs: null, lastError: 'HTTP 503' } });
  const all = run({ op: 'notificationList', limit: 10 }) as NotificationRow[];
  assert.equal(all.map((r) => r.id), [ids[2], ids[1], ids[0]]);
  assert.equal((run({ op: 'notificationList', service: 'web', limit: 10 }) as NotificationRow[]).map((r) => r.id), [ids[2]]);
  assert.equal((run({ op: 'notificationList', rule: 'critical_line', state: 'sent', limit: 10 }) as NotificationRow[]).map((r) => r.id), [ids[0]]);
  const pending = (reopen ? reopen() : run)({ op: 'notificationPending' }) as NotificationRow[];
  assert.equal(pending.map((r) => [r.id, r.state, r.attempts, r.nextAttemptMs, r.lastError]), [
    [ids[1], 'retrying', 2, 9000, 'HTTP 503'],
    [ids[2], 'pending', 0, null, null],
  ]);
});

both('history is pruned: delivered ones past the retention or beyond the cap; pending ones never', (run) => {
  const old = run({ op: 'notificationInsert', rows: [row({ state: 'sent', createdMs: 10 }), row({ state: 'pending', createdMs: 10 })], keepAfterMs: 0 }) as number[];
  run({ op: 'notificationInsert', rows: [row({ createdMs: 5000 })], keepAfterMs: 100 });
  const left = (run({ op: 'notificationList', limit: 10 }) as NotificationRow[]).map((r) => r.id);
  assert.ok(!left.includes(old[0]!), 'old sent one pruned');
  assert.ok(left.includes(old[1]!), 'old pending one kept');
  run({ op: 'notificationInsert', rows: Array.from({ length: MAX_NOTIFICATION_HISTORY + 5 }, () => row({ state: 'failed', createdMs: 6000 })), keepAfterMs: 100 });
  const failed = run({ op: 'notificationList', state: 'failed', limit: 100_000 }) as NotificationRow[];
  assert.is(failed.length, MAX_NOTIFICATION_HISTORY);
});

test.run();
