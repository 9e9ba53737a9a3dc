import { type Selectable } from 'kysely';
import type { Tables } from './schema.js';
import type { HealthStateStore, Watch, WatchStore } from './types.js';
import { changed, type Db } from './db.js';

export function createWatchStore(db: Db, now: () => number): WatchStore {
  const toWatch = (row: Selectable<Tables['watches']>): Watch => ({
    userId: row.user_id,
    chatId: row.chat_id,
    sessionId: row.session_id,
    createdAt: row.created_at,
  });
  return {
    add: async ({ userId, chatId, sessionId, now: at = now() }) =>
      (await db
        .insertInto('watches')
        .values({ user_id: userId, chat_id: chatId, session_id: sessionId, created_at: at })
        .onConflict((oc) => oc.doNothing())
        .returning('user_id')
        .executeTakeFirst()) !== undefined,
    remove: async (userId, sessionId) =>
      changed(await db.deleteFrom('watches').where('user_id', '=', userId).where('session_id', '=', sessionId).executeTakeFirst()) === 1,
    listBySession: async (sessionId) =>
      (await db.selectFrom('watches').selectAll().where('session_id', '=', sessionId).orderBy('user_id').execute()).map(toWatch),
    listByUser: async (userId) =>
      (await db.selectFrom('watches').selectAll().where('user_id', '=', userId).orderBy('session_id').execute()).map(toWatch),
    sessions: async () => (await db.selectFrom('watches').select('session_id').distinct().orderBy('session_id').execute()).map((r) => r.session_id),
  };
}

export function createHealthStateStore(db: Db): HealthStateStore {
  const upsert = (trx: Db, sessionId: string, record: { state: Tables['health_states']['state']; since: number; lastAlertAt: number | null }) =>
    trx
      .insertInto('health_states')
      .values({ session_id: sessionId, state: record.state, since: record.since, last_alert_at: record.lastAlertAt })
      .onConflict((oc) => oc.column('session_id').doUpdateSet({ state: record.state, since: record.since, last_alert_at: record.lastAlertAt }))
      .execute();
  return {
    async get(sessionId) {
      const row = await db.selectFrom('health_states').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
      return row === undefined ? undefined : { state: row.state, since: row.since, lastAlertAt: row.last_alert_at };
    },
    set: async (sessionId, record) => void (await upsert(db, sessionId, record)),
    setMany: (entries) =>
      db.transaction().execute(async (trx) => {
        for (const [sessionId, record] of entries) await upsert(trx, sessionId, record);
      }),
  };
}
