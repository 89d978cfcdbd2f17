/**
 * The store's worker thread: runs StoreDb's synchronous SQLite calls one request at a time, off the
 * event loop that collects and serves. Every request gets exactly one reply, success or failure,
 * with SQLite's error code so that the StoreActor can tell a full disk from a corrupted file.
 */
import { parentPort } from 'node:worker_threads';
import { StoreDb, StoreVersionError } from './store-db.js';
import type { StoreReply, StoreRequest } from './store-protocol.js';

const db = new StoreDb();

function run(req: StoreRequest): unknown {
  switch (req.op) {
    case 'open':
      return db.open(req.dir, req.nowMs, req.moveAside === true);
    case 'openReader':
      return db.openReader(req.dir);
    case 'write':
      return db.write(req.entries, req.cursors);
    case 'query':
      return db.query(req.query);
    case 'stats':
      return db.stats();
    case 'retention':
      return db.retention(req.cutoffMs, req.maxBytes, req.batch);
    case 'scan':
      return db.scan(req.afterSeq, req.sinceMs, req.limit);
    case 'readAfter':
      return db.readAfter(req.afterSeq, req.upToSeq, req.limit);
    case 'around':
      return db.around(req.seq, req.before, req.after, req.sinceMs);
    case 'forwardCursor':
      return db.forwardCursor(req.sink);
    case 'commitForwardCursor':
      return db.commitForwardCursor(req.sink, req.seq, req.dropped, req.nowMs);
    case 'close':
      return db.close();
    case 'alertStateGet':
    case 'alertStatePut':
    case 'notificationInsert':
    case 'notificationUpdate':
    case 'notificationList':
    case 'notificationPending':
      return db.alerts.run(req);
    default: {
      const never: never = req;
      throw new Error(`unknown store request ${JSON.stringify(never)}`);
    }
  }
}

parentPort!.on('message', ({ id, req }: { id: number; req: StoreRequest }) => {
  let reply: StoreReply;
  try {
    reply = { id, ok: true, result: run(req) ?? null };
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    const code = error instanceof StoreVersionError ? 'LOGAGG_VERSION' : typeof e.code === 'string' ? e.code : undefined;
    reply = { id, ok: false, error: { ...(code ? { code } : {}), message: String(e.message ?? error) } };
  }
  parentPort!.postMessage(reply);
});
