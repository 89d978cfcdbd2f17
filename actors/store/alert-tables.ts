/**
 * What alerting keeps in the store: named state values (`alert_state`: cooldowns, known exception
 * groups, the last line judged per container) and the notifications (`notifications`: pending until
 * delivered, then sent or failed, kept as history for GET /alerts). Two implementations of one
 * request type: SQLite tables in the worker (STORAGE=disk), or plain maps (STORAGE=memory: nothing
 * survives a restart).
 */
import type Database from 'better-sqlite3';

export type NotificationState = 'pending' | 'retrying' | 'sent' | 'failed';

export interface NotificationRow {
  id: number;
  destination: string;
  rule: string;
  service: string | null;
  /** The AlertNotification as JSON. */
  payload: string;
  state: NotificationState;
  attempts: number;
  nextAttemptMs: number | null;
  createdMs: number;
  sentMs: number | null;
  lastError: string | null;
}

export type NotificationUpdate = Pick<NotificationRow, 'id' | 'state' | 'attempts' | 'nextAttemptMs' | 'sentMs' | 'lastError'>;

export type AlertStoreRequest =
  | { op: 'alertStateGet' }
  | { op: 'alertStatePut'; values: Record<string, string>; nowMs: number }
  | { op: 'notificationInsert'; rows: Omit<NotificationRow, 'id'>[]; keepAfterMs: number }
  | { op: 'notificationUpdate'; update: NotificationUpdate }
  | { op: 'notificationList'; service?: string; rule?: string; state?: NotificationState; limit: number }
  | { op: 'notificationPending' };

/** Sent and failed notifications kept at most (the newest); pending ones are never pruned. */
export const MAX_NOTIFICATION_HISTORY = 5000;

interface Row {
  id: number;
  destination: string;
  rule: string;
  service: string | null;
  payload: string;
  state: NotificationState;
  attempts: number;
  next_attempt_ms: number | null;
  created_ms: number;
  sent_ms: number | null;
  last_error: string | null;
}

const fromRow = (r: Row): NotificationRow => ({
  id: r.id,
  destination: r.destination,
  rule: r.rule,
  service: r.service,
  payload: r.payload,
  state: r.state,
  attempts: r.attempts,
  nextAttemptMs: r.next_attempt_ms,
  createdMs: r.created_ms,
  sentMs: r.sent_ms,
  lastError: r.last_error,
});

const DONE = `state IN ('sent', 'failed')`;

export class AlertTables {
  constructor(private readonly db: Database.Database) {}

  run(req: AlertStoreRequest): unknown {
    const db = this.db;
    switch (req.op) {
      case 'alertStateGet': {
        const rows = db.prepare('SELECT key, value FROM alert_state').all() as { key: string; value: string }[];
        return Object.fromEntries(rows.map((r) => [r.key, r.value]));
      }
      case 'alertStatePut': {
        const put = db.prepare('INSERT INTO alert_state (key, value, updated_ms) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms');
        db.transaction(() => {
          for (const [k, v] of Object.entries(req.values)) put.run(k, v, req.nowMs);
        })();
        return null;
      }
      case 'notificationInsert': {
        const ins = db.prepare('INSERT INTO notifications (destination, rule, service, payload, state, attempts, next_attempt_ms, created_ms, sent_ms, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id');
        const ids = db.transaction(() => req.rows.map((r) => (ins.get(r.destination, r.rule, r.service, r.payload, r.state, r.attempts, r.nextAttemptMs, r.createdMs, r.sentMs, r.lastError) as { id: number }).id))();
        db.prepare(`DELETE FROM notifications WHERE ${DONE} AND (created_ms < ? OR id <= (SELECT id FROM notifications WHERE ${DONE} ORDER BY id DESC LIMIT 1 OFFSET ?))`).run(req.keepAfterMs, MAX_NOTIFICATION_HISTORY);
        return ids;
      }
      case 'notificationUpdate': {
        const u = req.update;
        db.prepare('UPDATE notifications SET state = ?, attempts = ?, next_attempt_ms = ?, sent_ms = ?, last_error = ? WHERE id = ?').run(u.state, u.attempts, u.nextAttemptMs, u.sentMs, u.lastError, u.id);
        return null;
      }
      case 'notificationList': {
        const where: string[] = [];
        const params: (string | number)[] = [];
        if (req.service !== undefined) (where.push('service = ?'), params.push(req.service));
        if (req.rule !== undefined) (where.push('rule = ?'), params.push(req.rule));
        if (req.state !== undefined) (where.push('state = ?'), params.push(req.state));
        const sql = `SELECT * FROM notifications ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
        return (db.prepare(sql).all(...params, req.limit) as Row[]).map(fromRow);
      }
      case 'notificationPending':
        return (db.prepare(`SELECT * FROM notifications WHERE state IN ('pending', 'retrying') ORDER BY id`).all() as Row[]).map(fromRow);
    }
  }
}

/** The same in memory (STORAGE=memory): nothing survives a restart. */
export class AlertMemory {
  private readonly state = new Map<string, string>();
  private readonly rows: NotificationRow[] = [];
  private nextId = 1;

  run(req: AlertStoreRequest): unknown {
    switch (req.op) {
      case 'alertStateGet':
        return Object.fromEntries(this.state);
      case 'alertStatePut':
        for (const [k, v] of Object.entries(req.values)) this.state.set(k, v);
        return null;
      case 'notificationInsert': {
        const ids = req.rows.map((r) => {
          const row = { ...r, id: this.nextId++ };
          this.rows.push(row);
          return row.id;
        });
        let done = 0;
        for (let i = this.rows.length - 1; i >= 0; i--) {
          const r = this.rows[i]!;
          if (r.state !== 'sent' && r.state !== 'failed') continue;
          if (++done > MAX_NOTIFICATION_HISTORY || r.createdMs < req.keepAfterMs) this.rows.splice(i, 1);
        }
        return ids;
      }
      case 'notificationUpdate': {
        const r = this.rows.find((x) => x.id === req.update.id);
        if (r) Object.assign(r, req.update);
        return null;
      }
      case 'notificationList': {
        const out: NotificationRow[] = [];
        for (let i = this.rows.length - 1; i >= 0 && out.length < req.limit; i--) {
          const r = this.rows[i]!;
          if ((req.service === undefined || r.service === req.service) && (req.rule === undefined || r.rule === req.rule) && (req.state === undefined || r.state === req.state)) out.push({ ...r });
        }
        return out;
      }
      case 'notificationPending':
        return this.rows.filter((r) => r.state === 'pending' || r.state === 'retrying').map((r) => ({ ...r }));
    }
  }
}
