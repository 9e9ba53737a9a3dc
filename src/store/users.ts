import { sql } from 'kysely';
import { clipGraphemes } from '../shared/display-name.js';
import type { UserStore } from './types.js';
import { PRUNE_EVERY, type Db } from './db.js';

const NAME_CHARS = 64;

/**
 * People without a grant and without a chosen language (strangers who wrote, mostly) kept at most, newest seen
 * first: their names serve `/audit` and `/users <id>`, and a flood of strangers cannot grow the table without end.
 */
const MAX_UNGRANTED_USERS_KEPT = 1_000;

export function createUserStore(db: Db, now: () => number): UserStore {
  // By grapheme: a clip never leaves half an emoji behind.
  const clip = (text: string | undefined, chars: number) => (text === undefined ? null : clipGraphemes(text, chars));
  let notes = 0;
  const prune = () =>
    sql`DELETE FROM users WHERE language IS NULL AND user_id NOT IN (SELECT user_id FROM grants) AND user_id NOT IN (
          SELECT user_id FROM users WHERE language IS NULL AND user_id NOT IN (SELECT user_id FROM grants) ORDER BY seen_at DESC LIMIT ${MAX_UNGRANTED_USERS_KEPT})`.execute(
      db,
    );
  return {
    async note(user, at = now()) {
      if (++notes % PRUNE_EVERY === 0) await prune();
      const seen = {
        first_name: clip(user.firstName, NAME_CHARS),
        username: clip(user.username, 32),
        language_code: clip(user.languageCode, 16),
        seen_at: at,
      };
      await db
        .insertInto('users')
        .values({ user_id: user.userId, language: null, ...seen })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(seen))
        .execute();
    },
    async get(userId) {
      const row = await db.selectFrom('users').selectAll().where('user_id', '=', userId).executeTakeFirst();
      if (row === undefined) return undefined;
      return {
        userId: row.user_id,
        firstName: row.first_name,
        username: row.username,
        languageCode: row.language_code,
        language: row.language,
        seenAt: row.seen_at,
      };
    },
    async setLanguage(userId, language, at = now()) {
      await db
        .insertInto('users')
        .values({ user_id: userId, language, seen_at: at, first_name: null, username: null, language_code: null })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ language }))
        .execute();
    },
  };
}
