import { createHash, randomBytes } from 'node:crypto';
import { type Selectable } from 'kysely';
import type { Tables } from './schema.js';
import type { GrantStore, InviteStore, RedeemResult } from './types.js';
import { changed, type Db } from './db.js';
import { compiledOnce } from './compiled.js';

const INVITE_TOKEN_BYTES = 32;
export function createGrantStore(db: Db, now: () => number): GrantStore {
  const sessionsOf = compiledOnce<{ session_id: string }>(db, (p) =>
    db.selectFrom('grants').select('session_id').where('user_id', '=', p('userId')).orderBy('session_id'),
  );
  const hasOne = compiledOnce<{ user_id: number }>(db, (p) =>
    db.selectFrom('grants').select('user_id').where('user_id', '=', p('userId')).where('session_id', '=', p('sessionId')),
  );
  const toGrant = (row: Selectable<Tables['grants']>) => ({
    userId: row.user_id,
    sessionId: row.session_id,
    grantedBy: row.granted_by,
    grantedAt: row.granted_at,
  });
  return {
    grant: async (userId, sessionId, grantedBy, at = now()) => await insertGrant(db, userId, sessionId, grantedBy, at),
    revoke: async (userId, sessionId) =>
      changed(await db.deleteFrom('grants').where('user_id', '=', userId).where('session_id', '=', sessionId).executeTakeFirst()) === 1,
    // Read at every moment of action, and for every update a person sends (their access): built once.
    has: async (userId, sessionId) => (await hasOne({ userId, sessionId })).rows.length > 0,
    sessionsOf: async (userId) => (await sessionsOf({ userId })).rows.map((r) => r.session_id),
    list: async (sessionId) => {
      let query = db.selectFrom('grants').selectAll();
      query = sessionId === undefined ? query.orderBy('session_id').orderBy('user_id') : query.where('session_id', '=', sessionId).orderBy('user_id');
      return (await query.execute()).map(toGrant);
    },
  };
}

/** A grant that exists already is kept as it is; true when this one is new. */
async function insertGrant(db: Db, userId: number, sessionId: string, grantedBy: number, at: number): Promise<boolean> {
  const inserted = await db
    .insertInto('grants')
    .values({ user_id: userId, session_id: sessionId, granted_by: grantedBy, granted_at: at })
    .onConflict((oc) => oc.doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

const hashToken = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** Hex digits of a token's hash that name an invite in /invites and /uninvite. */
const INVITE_ID_HEX = 8;
const inviteId = (hash: Buffer) => hash.toString('hex').slice(0, INVITE_ID_HEX);

export function createInviteStore(db: Db, now: () => number): InviteStore {
  const open = (at: number, sessionId?: string) => {
    let query = db.selectFrom('invites').selectAll().where('used_at', 'is', null).where('expires_at', '>', at);
    if (sessionId !== undefined) query = query.where('session_id', '=', sessionId);
    return query.orderBy('created_at').execute();
  };
  return {
    async create({ sessionId, createdBy, ttlMs, now: at = now() }) {
      const token = randomBytes(INVITE_TOKEN_BYTES).toString('base64url');
      const expiresAt = at + ttlMs;
      await db
        .insertInto('invites')
        .values({
          token_hash: hashToken(token),
          session_id: sessionId,
          created_by: createdBy,
          created_at: at,
          expires_at: expiresAt,
          used_at: null,
          used_by: null,
        })
        .execute();
      return { token, expiresAt };
    },
    async listOpen(sessionId, at = now()) {
      return (await open(at, sessionId)).map((row) => ({
        id: inviteId(row.token_hash),
        sessionId: row.session_id,
        createdBy: row.created_by,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      }));
    },
    async void(id, at = now()) {
      if (!/^[0-9a-f]+$/i.test(id)) return false;
      const matches = (await open(at)).filter((row) => inviteId(row.token_hash) === id.toLowerCase());
      if (matches.length !== 1) return false;
      const result = await db.deleteFrom('invites').where('token_hash', '=', matches[0]!.token_hash).where('used_at', 'is', null).executeTakeFirst();
      return changed(result) === 1;
    },
    voidSession: async (sessionId, at = now()) =>
      changed(
        await db
          .deleteFrom('invites')
          .where('session_id', '=', sessionId)
          .where('used_at', 'is', null)
          .where('expires_at', '>', at)
          .executeTakeFirst(),
      ),
    purge: async (olderThanMs, at = now()) =>
      changed(
        await db
          .deleteFrom('invites')
          .where((eb) => eb.or([eb('used_at', '<', at - olderThanMs), eb('expires_at', '<', at - olderThanMs)]))
          .executeTakeFirst(),
      ),
    // One UPDATE claims the invite: of two instances redeeming one token at once, exactly one gets the row back.
    redeem: (token, userId, at = now()) =>
      db.transaction().execute(async (trx): Promise<RedeemResult> => {
        const hash = hashToken(token);
        const claimed = await trx
          .updateTable('invites')
          .set({ used_at: at, used_by: userId })
          .where('token_hash', '=', hash)
          .where('used_at', 'is', null)
          .where('expires_at', '>', at)
          .returning(['session_id', 'created_by'])
          .executeTakeFirst();
        if (claimed === undefined) {
          const invite = await trx.selectFrom('invites').select(['used_at']).where('token_hash', '=', hash).executeTakeFirst();
          if (invite === undefined) return { ok: false, reason: 'unknown' };
          return { ok: false, reason: invite.used_at !== null ? 'used' : 'expired' };
        }
        const added = await insertGrant(trx, userId, claimed.session_id, claimed.created_by, at);
        return { ok: true, sessionId: claimed.session_id, alreadyGranted: !added };
      }),
  };
}
