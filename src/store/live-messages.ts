import { type Selectable } from 'kysely';
import type { Tables } from './schema.js';
import type { LiveMessage, LiveMessageStore, PhotoIntentStore } from './types.js';
import { compiledOnce } from './compiled.js';
import { changed, type Db } from './db.js';

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

/** Every column of a row, as a query built once takes it (see {@link compiledOnce}). */
const LIVE_COLUMNS = Object.keys(
  toLiveRow({
    chatId: 0,
    messageId: 0,
    userId: 0,
    sessionId: '',
    state: 'showing',
    fingerprint: null,
    expiresAt: null,
    deadlineAt: 0,
    createdAt: 0,
    updatedAt: 0,
  }),
) as Array<keyof LiveMessageRow>;

export function createLiveMessageStore(db: Db, now: () => number): LiveMessageStore {
  const live = () => db.selectFrom('live_messages').selectAll().where('state', '=', 'showing');
  // The two statements every /qr runs, built once (the others are rarer).
  const save = compiledOnce(db, (p) => {
    const row = Object.fromEntries(LIVE_COLUMNS.map((column) => [column, p(column)])) as unknown as LiveMessageRow;
    const { chat_id: _chat, message_id: _message, ...rest } = row;
    return db
      .insertInto('live_messages')
      .values(row)
      .onConflict((oc) => oc.columns(['chat_id', 'message_id']).doUpdateSet(rest));
  });
  const liveByChat = compiledOnce<LiveMessageRow>(db, (p) => live().where('chat_id', '=', p('chatId')).orderBy('created_at').orderBy('message_id'));
  return {
    async save(message) {
      await save(toLiveRow(message));
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
    listLiveByChat: async (chatId) => (await liveByChat({ chatId })).rows.map(toLiveMessage),
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

export function createPhotoIntentStore(db: Db): PhotoIntentStore {
  // Each /qr records one and clears it: built once.
  const add = compiledOnce<{ id: number }>(db, (p) =>
    db
      .insertInto('photo_intents')
      .values({
        chat_id: p('chatId'),
        after_message_id: p('afterMessageId'),
        session_id: p('sessionId'),
        created_at: p('createdAt'),
        holder: p('holder'),
      })
      .returning('id'),
  );
  const clear = compiledOnce(db, (p) => db.deleteFrom('photo_intents').where('id', '=', p('id')));
  return {
    async add(i) {
      const [row] = (await add({ ...i, holder: i.holder ?? null })).rows;
      if (row === undefined) throw new Error('photo intent not recorded');
      return Number(row.id);
    },
    clear: async (id) => changed(await clear({ id })) === 1,
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
