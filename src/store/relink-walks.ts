import type { Selectable } from 'kysely';
import { changed, type Db } from './db.js';
import type { Tables } from './schema.js';
import type { RelinkWalk, RelinkWalkStore } from './types.js';

/** A stored list of session ids; anything else reads as none (a hand-edited row cannot break the walk). */
function ids(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

const toWalk = (row: Selectable<Tables['relink_walks']>): RelinkWalk => ({
  chatId: row.chat_id,
  userId: row.user_id,
  messageId: row.message_id,
  sessions: ids(row.sessions),
  position: row.position,
  linked: ids(row.linked),
  skipped: ids(row.skipped),
  state: row.state,
  updatedAt: row.updated_at,
});

export function createRelinkWalkStore(db: Db, now: () => number): RelinkWalkStore {
  return {
    async put(walk) {
      const row = {
        chat_id: walk.chatId,
        user_id: walk.userId,
        message_id: walk.messageId,
        sessions: JSON.stringify(walk.sessions),
        position: walk.position,
        linked: JSON.stringify(walk.linked),
        skipped: JSON.stringify(walk.skipped),
        state: walk.state,
        updated_at: walk.updatedAt,
      };
      const { chat_id: _key, ...rest } = row;
      await db
        .insertInto('relink_walks')
        .values(row)
        .onConflict((oc) => oc.column('chat_id').doUpdateSet(rest))
        .execute();
    },
    async get(chatId) {
      const row = await db.selectFrom('relink_walks').selectAll().where('chat_id', '=', chatId).executeTakeFirst();
      return row === undefined ? undefined : toWalk(row);
    },
    async move(chatId, fromPosition, patch, at = now()) {
      const set: Partial<Tables['relink_walks']> = { updated_at: at };
      if (patch.position !== undefined) set.position = patch.position;
      if (patch.linked !== undefined) set.linked = JSON.stringify(patch.linked);
      if (patch.skipped !== undefined) set.skipped = JSON.stringify(patch.skipped);
      if (patch.state !== undefined) set.state = patch.state;
      if (patch.messageId !== undefined) set.message_id = patch.messageId;
      const result = await db
        .updateTable('relink_walks')
        .set(set)
        .where('chat_id', '=', chatId)
        .where('position', '=', fromPosition)
        .where('state', '=', 'active')
        .executeTakeFirst();
      return changed(result) === 1;
    },
    listActive: async () => (await db.selectFrom('relink_walks').selectAll().where('state', '=', 'active').orderBy('chat_id').execute()).map(toWalk),
  };
}
