import { sql, type Selectable } from 'kysely';
import type { Tables } from './schema.js';
import { compiledOnce } from './compiled.js';
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
  // Read for every person's first update and written when what Telegram says of them changes: built once.
  const byId = compiledOnce<Selectable<Tables['users']>>(db, (p) => db.selectFrom('users').selectAll().where('user_id', '=', p('userId')));
  const upsert = compiledOnce(db, (p) =>
    db
      .insertInto('users')
      .values({
        user_id: p('userId'),
        language: null,
        first_name: p('firstName'),
        username: p('username'),
        language_code: p('languageCode'),
        seen_at: p('at'),
      })
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet({ first_name: p('firstName'), username: p('username'), language_code: p('languageCode'), seen_at: p('at') }),
      ),
  );
  const prune = () =>
    sql`DELETE FROM users WHERE language IS NULL AND user_id NOT IN (SELECT user_id FROM grants) AND user_id NOT IN (
          SELECT user_id FROM users WHERE language IS NULL AND user_id NOT IN (SELECT user_id FROM grants) ORDER BY seen_at DESC LIMIT ${MAX_UNGRANTED_USERS_KEPT})`.execute(
      db,
    );
  return {
    async note(user, at = now()) {
      if (++notes % PRUNE_EVERY === 0) await prune();
      await upsert({
        userId: user.userId,
        firstName: clip(user.firstName, NAME_CHARS),
        username: clip(user.username, 32),
        languageCode: clip(user.languageCode, 16),
        at,
      });
    },
    async get(userId) {
      const [row] = (await byId({ userId })).rows;
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
