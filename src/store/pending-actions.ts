import type { Kysely, Selectable } from 'kysely';
import type { Tables } from './schema.js';
import { PRUNE_EVERY } from './db.js';
import type { PendingAction, PendingActionStore } from './types.js';

const fromRow = (row: Selectable<Tables['pending_actions']>): PendingAction => ({
  key: row.key,
  userId: row.user_id,
  payload: row.payload,
  expiresAt: row.expires_at,
});

/**
 * Questions waiting for an answer, one row a key (a new question replaces the old one of the same key), so the
 * table holds at most one per person and chat and kind plus the open `/delete` confirms of admins.
 */
export function createPendingActionStore(db: Kysely<Tables>, now: () => number): PendingActionStore {
  let puts = 0;
  return {
    async put(action, at = now()) {
      const values = { key: action.key, user_id: action.userId, payload: action.payload, expires_at: action.expiresAt };
      await db
        .insertInto('pending_actions')
        .values(values)
        .onConflict((oc) => oc.column('key').doUpdateSet({ user_id: values.user_id, payload: values.payload, expires_at: values.expires_at }))
        .execute();
      if (++puts % PRUNE_EVERY === 0) await db.deleteFrom('pending_actions').where('expires_at', '<=', at).execute();
    },
    async get(key, at = now()) {
      const row = await db.selectFrom('pending_actions').selectAll().where('key', '=', key).where('expires_at', '>', at).executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },
    async take(key, at = now()) {
      // One statement: of two instances taking the same key, one gets the row.
      const row = await db.deleteFrom('pending_actions').where('key', '=', key).returningAll().executeTakeFirst();
      return row === undefined || row.expires_at <= at ? undefined : fromRow(row);
    },
  };
}
