import { sql } from 'kysely';
import type { AuditStore } from './types.js';
import type { Db } from './db.js';
import { compiledOnce } from './compiled.js';

const MAX_DETAIL_CHARS = 2000;
export function createAuditStore(db: Db, now: () => number, maxRows: number, maxRefusals: number): { store: AuditStore; prune: () => Promise<void> } {
  // Refusals and everything else are kept apart, each pruned back to its own cap of newest rows: a flood of
  // refused strangers can never push grants, revokes, invites and QR entries out of the log.
  const prune = async () => {
    await sql`DELETE FROM audit_log WHERE action = 'denied' AND id < (SELECT id FROM audit_log WHERE action = 'denied' ORDER BY id DESC LIMIT 1 OFFSET ${maxRefusals - 1})`.execute(
      db,
    );
    await sql`DELETE FROM audit_log WHERE action <> 'denied' AND id < (SELECT id FROM audit_log WHERE action <> 'denied' ORDER BY id DESC LIMIT 1 OFFSET ${maxRows - 1})`.execute(
      db,
    );
  };
  const pruneEvery = Math.max(1, Math.floor(Math.min(maxRows, maxRefusals) / 10));
  let sincePrune = 0;
  // Every command writes one: built once.
  const insert = compiledOnce(db, (p) =>
    db.insertInto('audit_log').values({
      at: p('at'),
      user_id: p('userId'),
      chat_id: p('chatId'),
      action: p('action'),
      session_id: p('sessionId'),
      outcome: p('outcome'),
      detail: p('detail'),
    }),
  );
  const store: AuditStore = {
    async record(entry) {
      await insert({
        at: entry.at ?? now(),
        userId: entry.userId,
        chatId: entry.chatId,
        action: entry.action,
        sessionId: entry.sessionId,
        outcome: entry.outcome,
        detail: entry.detail === null ? null : entry.detail.slice(0, MAX_DETAIL_CHARS),
      });
      sincePrune += 1;
      if (sincePrune >= pruneEvery) {
        sincePrune = 0;
        await prune();
      }
    },
    async latest(limit, filter = {}) {
      let query = db.selectFrom('audit_log').selectAll();
      if (filter.sessionId !== undefined) query = query.where('session_id', '=', filter.sessionId);
      else if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
      const rows = await query
        .orderBy('id', 'desc')
        .limit(Math.max(0, Math.floor(limit)))
        .execute();
      return rows.map((row) => ({
        id: row.id,
        at: row.at,
        userId: row.user_id,
        chatId: row.chat_id,
        action: row.action,
        sessionId: row.session_id,
        outcome: row.outcome,
        detail: row.detail,
      }));
    },
  };
  return { store, prune };
}
