import { createHash, randomBytes } from 'node:crypto';
import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import { clipGraphemes } from '../shared/display-name.js';
import { createPendingActionStore } from './pending-actions.js';
import type { Dialect, Tables } from './schema.js';
import type {
  AuditStore,
  GrantStore,
  HealthStateStore,
  InviteStore,
  Lease,
  LeaseStore,
  LiveMessage,
  LiveMessageStore,
  PhotoIntentStore,
  RedeemResult,
  Store,
  TelegramUpdateStore,
  UserStore,
  Watch,
  WatchStore,
  WebhookEventStore,
} from './types.js';

/** Options of the repositories, whichever engine holds them. */
export interface RepositoryOptions {
  /** Clock for every `now` a caller leaves out, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * The audit log keeps this many newest refusals and this many newest other entries (pruned at open and every
   * tenth of it in inserts). Default 10000.
   */
  readonly auditMaxRows?: number;
  /**
   * Refusals kept at most (strangers write them: a flood of them stays this small). Default the smaller of 2000 and
   * `auditMaxRows`.
   */
  readonly auditMaxRefusals?: number;
}

type Db = Kysely<Tables>;

const DEFAULT_AUDIT_MAX_ROWS = 10_000;
const DEFAULT_AUDIT_MAX_REFUSALS = 2_000;
const MAX_DETAIL_CHARS = 2000;
const INVITE_TOKEN_BYTES = 32;

/**
 * Every store on one Kysely database, written once for SQLite and PostgreSQL: each change that must be atomic
 * across instances is one statement (`INSERT ... ON CONFLICT`, `UPDATE ... RETURNING`) or one transaction.
 */
export async function createRepositories(
  db: Db,
  dialect: Dialect,
  options: RepositoryOptions & { ping: () => Promise<boolean>; close: () => Promise<void> },
): Promise<Store> {
  const now = options.now ?? Date.now;
  const maxRows = Math.max(1, options.auditMaxRows ?? DEFAULT_AUDIT_MAX_ROWS);
  const audit = createAuditStore(db, now, maxRows, Math.max(1, options.auditMaxRefusals ?? Math.min(maxRows, DEFAULT_AUDIT_MAX_REFUSALS)));
  await audit.prune();
  return {
    dialect,
    telegramUpdates: createTelegramUpdateStore(db, now),
    leases: createLeaseStore(db, now),
    grants: createGrantStore(db, now),
    users: createUserStore(db, now),
    invites: createInviteStore(db, now),
    liveMessages: createLiveMessageStore(db, now),
    audit: audit.store,
    webhookEvents: createWebhookEventStore(db),
    photoIntents: createPhotoIntentStore(db),
    watches: createWatchStore(db, now),
    health: createHealthStateStore(db),
    pendingActions: createPendingActionStore(db, now),
    ping: options.ping,
    close: options.close,
  };
}

const changed = (result: { numAffectedRows?: bigint; numUpdatedRows?: bigint; numDeletedRows?: bigint; numInsertedOrUpdatedRows?: bigint }) =>
  Number(result.numAffectedRows ?? result.numUpdatedRows ?? result.numDeletedRows ?? result.numInsertedOrUpdatedRows ?? 0n);

function createGrantStore(db: Db, now: () => number): GrantStore {
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
    has: async (userId, sessionId) =>
      (await db.selectFrom('grants').select('user_id').where('user_id', '=', userId).where('session_id', '=', sessionId).executeTakeFirst()) !==
      undefined,
    sessionsOf: async (userId) =>
      (await db.selectFrom('grants').select('session_id').where('user_id', '=', userId).orderBy('session_id').execute()).map((r) => r.session_id),
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

function createInviteStore(db: Db, now: () => number): InviteStore {
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

type LiveMessageRow = Selectable<Tables['live_messages']>;

const toLiveMessage = (row: LiveMessageRow): LiveMessage => ({
  chatId: row.chat_id,
  messageId: row.message_id,
  userId: row.user_id,
  sessionId: row.session_id,
  state: row.state,
  fingerprint: row.fingerprint,
  expiresAt: row.expires_at,
  deadlineAt: row.deadline_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  ...(row.expired_reason !== null ? { expiredReason: row.expired_reason } : {}),
  ...(row.final_edit_since !== null ? { finalEditSince: row.final_edit_since } : {}),
  ...(row.pairing_phone !== null && row.pairing_expires_at !== null
    ? { pairing: { phone: row.pairing_phone, expiresAt: row.pairing_expires_at } }
    : {}),
  ...(row.series_index !== null ? { seriesIndex: row.series_index } : {}),
});

const toLiveRow = (message: LiveMessage): LiveMessageRow => ({
  chat_id: message.chatId,
  message_id: message.messageId,
  user_id: message.userId,
  session_id: message.sessionId,
  state: message.state,
  fingerprint: message.fingerprint,
  expires_at: message.expiresAt,
  deadline_at: message.deadlineAt,
  created_at: message.createdAt,
  updated_at: message.updatedAt,
  expired_reason: message.expiredReason ?? null,
  final_edit_since: message.finalEditSince ?? null,
  pairing_phone: message.pairing?.phone ?? null,
  pairing_expires_at: message.pairing?.expiresAt ?? null,
  series_index: message.seriesIndex ?? null,
});

function createLiveMessageStore(db: Db, now: () => number): LiveMessageStore {
  const live = () => db.selectFrom('live_messages').selectAll().where('state', '=', 'showing');
  return {
    async save(message) {
      const row = toLiveRow(message);
      const { chat_id: _chat, message_id: _message, ...rest } = row;
      await db
        .insertInto('live_messages')
        .values(row)
        .onConflict((oc) => oc.columns(['chat_id', 'message_id']).doUpdateSet(rest))
        .execute();
    },
    async get(chatId, messageId) {
      const row = await db
        .selectFrom('live_messages')
        .selectAll()
        .where('chat_id', '=', chatId)
        .where('message_id', '=', messageId)
        .executeTakeFirst();
      return row === undefined ? undefined : toLiveMessage(row);
    },
    async update(chatId, messageId, patch, at = now()) {
      const set: Partial<LiveMessageRow> = { updated_at: at };
      if (patch.state !== undefined) set.state = patch.state;
      if (patch.fingerprint !== undefined) set.fingerprint = patch.fingerprint;
      if (patch.expiresAt !== undefined) set.expires_at = patch.expiresAt;
      if (patch.deadlineAt !== undefined) set.deadline_at = patch.deadlineAt;
      if (patch.userId !== undefined) set.user_id = patch.userId;
      if (patch.expiredReason !== undefined) set.expired_reason = patch.expiredReason;
      if (patch.finalEditSince !== undefined) set.final_edit_since = patch.finalEditSince;
      if (patch.seriesIndex !== undefined) set.series_index = patch.seriesIndex;
      if (patch.pairing !== undefined) {
        set.pairing_phone = patch.pairing?.phone ?? null;
        set.pairing_expires_at = patch.pairing?.expiresAt ?? null;
      }
      const row = await db
        .updateTable('live_messages')
        .set(set)
        .where('chat_id', '=', chatId)
        .where('message_id', '=', messageId)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toLiveMessage(row);
    },
    listLive: async () => (await live().orderBy('created_at').orderBy('chat_id').orderBy('message_id').execute()).map(toLiveMessage),
    listLiveBySession: async (sessionId) =>
      (await live().where('session_id', '=', sessionId).orderBy('created_at').orderBy('chat_id').orderBy('message_id').execute()).map(toLiveMessage),
    listLiveByChat: async (chatId) =>
      (await live().where('chat_id', '=', chatId).orderBy('created_at').orderBy('message_id').execute()).map(toLiveMessage),
    sessionsWithWork: async () =>
      (
        await db
          .selectFrom('live_messages')
          .select('session_id')
          .distinct()
          .where((eb) => eb.or([eb('state', '=', 'showing'), eb('final_edit_since', 'is not', null)]))
          .orderBy('session_id')
          .execute()
      ).map((row) => row.session_id),
    listFinalPending: async () =>
      (
        await db
          .selectFrom('live_messages')
          .selectAll()
          .where('final_edit_since', 'is not', null)
          .orderBy('final_edit_since')
          .orderBy('chat_id')
          .orderBy('message_id')
          .execute()
      ).map(toLiveMessage),
  };
}

function createPhotoIntentStore(db: Db): PhotoIntentStore {
  return {
    add: async (i) =>
      (
        await db
          .insertInto('photo_intents')
          .values({
            chat_id: i.chatId,
            after_message_id: i.afterMessageId,
            session_id: i.sessionId,
            created_at: i.createdAt,
            holder: i.holder ?? null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    clear: async (id) => changed(await db.deleteFrom('photo_intents').where('id', '=', id).executeTakeFirst()) === 1,
    list: async () =>
      (await db.selectFrom('photo_intents').selectAll().orderBy('id').execute()).map((r) => ({
        id: r.id,
        chatId: r.chat_id,
        afterMessageId: r.after_message_id,
        sessionId: r.session_id,
        createdAt: r.created_at,
        holder: r.holder,
      })),
  };
}

/** Ids older than their window are deleted every this many inserts (the tables stay small and bounded). */
const PRUNE_EVERY = 100;

function createWebhookEventStore(db: Db): WebhookEventStore {
  let inserts = 0;
  return {
    // One statement: a new id is inserted, an id seen longer than ttlMs ago is refreshed, a replay changes nothing.
    async firstSeen(id, at, ttlMs) {
      const taken = await db
        .insertInto('webhook_events')
        .values({ id, seen_at: at })
        .onConflict((oc) =>
          oc
            .column('id')
            .doUpdateSet({ seen_at: at })
            .where('webhook_events.seen_at', '<=', at - ttlMs),
        )
        .returning('id')
        .executeTakeFirst();
      if (taken !== undefined && ++inserts % PRUNE_EVERY === 0)
        await db
          .deleteFrom('webhook_events')
          .where('seen_at', '<', at - ttlMs)
          .execute();
      return taken !== undefined;
    },
  };
}

/**
 * Handled updates kept against a redelivery, at most (besides the 24 h age limit). Telegram delivers again within
 * seconds to minutes; this many is hours of a busy bot, and about 1 MB.
 */
const MAX_HANDLED_UPDATES_KEPT = 10_000;

function createTelegramUpdateStore(db: Db, now: () => number): TelegramUpdateStore {
  let inserts = 0;
  return {
    async take({ updateId, payload, started = false }, holder, keepMs, at = now()) {
      const taken = await db
        .insertInto('telegram_updates')
        .values({ update_id: updateId, received_at: at, holder, payload, started_at: started ? at : null, done_at: null })
        .onConflict((oc) => oc.doNothing())
        .returning('update_id')
        .executeTakeFirst();
      if (taken !== undefined && ++inserts % PRUNE_EVERY === 0) {
        await db
          .deleteFrom('telegram_updates')
          .where('received_at', '<', at - keepMs)
          .where('done_at', 'is not', null)
          .execute();
        // And by count: a flood (of strangers, say) is kept to the newest handled updates, however many come.
        await sql`DELETE FROM telegram_updates WHERE done_at IS NOT NULL AND update_id < (SELECT update_id FROM telegram_updates WHERE done_at IS NOT NULL ORDER BY update_id DESC LIMIT 1 OFFSET ${MAX_HANDLED_UPDATES_KEPT - 1})`.execute(
          db,
        );
      }
      return taken !== undefined;
    },
    async start(updateId, at = now()) {
      await db.updateTable('telegram_updates').set({ started_at: at }).where('update_id', '=', updateId).execute();
    },
    async done(updateId, at = now()) {
      await db.updateTable('telegram_updates').set({ done_at: at, payload: null }).where('update_id', '=', updateId).execute();
    },
    // One UPDATE per call moves the rows: of two instances reclaiming at once, each row goes to exactly one.
    async reclaim(holder, alive, graceMs, at = now()) {
      const orphaned = (eb: ExpressionBuilder<Tables, 'telegram_updates'>) =>
        eb.and([
          eb('done_at', 'is', null),
          eb('received_at', '<', at - graceMs),
          eb.or([eb('holder', 'is', null), eb('holder', 'not in', alive.length > 0 ? [...alive] : [holder])]),
        ]);
      const cutShort = await db
        .updateTable('telegram_updates')
        .set({ done_at: at, payload: null })
        .where(orphaned)
        .where('started_at', 'is not', null)
        .returning('update_id')
        .execute();
      const updates = await db
        .updateTable('telegram_updates')
        .set({ holder })
        .where(orphaned)
        .where('started_at', 'is', null)
        .where('payload', 'is not', null)
        .returning(['update_id', 'payload'])
        .execute();
      return {
        updates: updates.map((row) => ({ updateId: row.update_id, payload: row.payload ?? '' })).sort((a, b) => a.updateId - b.updateId),
        cutShort: cutShort.map((row) => row.update_id).sort((a, b) => a - b),
      };
    },
  };
}

function createLeaseStore(db: Db, now: () => number): LeaseStore {
  const toLease = (row: Selectable<Tables['leases']>): Lease => ({ name: row.name, holder: row.holder, fence: row.fence, expiresAt: row.expires_at });
  const prefixed = (prefix: string) => sql<boolean>`substr(name, 1, ${prefix.length}) = ${prefix}`;
  return {
    // One upsert decides: a free or expired lease changes hands (fence + 1), the holder's own is renewed in place,
    // anyone else's running lease is left alone (no row comes back). PostgreSQL's row lock orders racing takers.
    async acquire(name, holder, ttlMs, at = now()) {
      const row = await db
        .insertInto('leases')
        .values({ name, holder, fence: 1, expires_at: at + ttlMs })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({
              fence: sql`CASE WHEN leases.holder = ${holder} AND leases.expires_at > ${at} THEN leases.fence ELSE leases.fence + 1 END`,
              holder,
              expires_at: at + ttlMs,
            })
            .where((eb) => eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<=', at)])),
        )
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toLease(row);
    },
    renew: async (holder, prefix, ttlMs, at = now()) =>
      (
        await db
          .updateTable('leases')
          .set({ expires_at: at + ttlMs })
          .where('holder', '=', holder)
          .where('expires_at', '>', at)
          .where(prefixed(prefix))
          .returningAll()
          .execute()
      ).map(toLease),
    holds: async (name, holder, fence, at = now()) =>
      (await db
        .selectFrom('leases')
        .select('name')
        .where('name', '=', name)
        .where('holder', '=', holder)
        .where('fence', '=', fence)
        .where('expires_at', '>', at)
        .executeTakeFirst()) !== undefined,
    release: async (name, holder, fence) =>
      void (await db
        .updateTable('leases')
        .set({ expires_at: 0 })
        .where('name', '=', name)
        .where('holder', '=', holder)
        .where('fence', '=', fence)
        .execute()),
    list: async (prefix, at = now()) =>
      (await db.selectFrom('leases').selectAll().where(prefixed(prefix)).where('expires_at', '>', at).orderBy('name').execute()).map(toLease),
  };
}

function createAuditStore(db: Db, now: () => number, maxRows: number, maxRefusals: number): { store: AuditStore; prune: () => Promise<void> } {
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
  const store: AuditStore = {
    async record(entry) {
      await db
        .insertInto('audit_log')
        .values({
          at: entry.at ?? now(),
          user_id: entry.userId,
          chat_id: entry.chatId,
          action: entry.action,
          session_id: entry.sessionId,
          outcome: entry.outcome,
          detail: entry.detail === null ? null : entry.detail.slice(0, MAX_DETAIL_CHARS),
        })
        .execute();
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

const NAME_CHARS = 64;

/**
 * People without a grant and without a chosen language (strangers who wrote, mostly) kept at most, newest seen
 * first: their names serve `/audit` and `/users <id>`, and a flood of strangers cannot grow the table without end.
 */
const MAX_UNGRANTED_USERS_KEPT = 1_000;

function createUserStore(db: Db, now: () => number): UserStore {
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

function createWatchStore(db: Db, now: () => number): WatchStore {
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

function createHealthStateStore(db: Db): HealthStateStore {
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
