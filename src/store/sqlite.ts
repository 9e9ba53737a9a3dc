import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { MIGRATIONS, NewerSchemaError, runMigrations } from './migrations.js';
import type {
  AuditEntry,
  AuditStore,
  Grant,
  GrantStore,
  HealthRecord,
  HealthState,
  HealthStateStore,
  InviteStore,
  LiveExpiredReason,
  LiveMessage,
  LiveMessageState,
  LiveMessageStore,
  RedeemResult,
  PhotoIntentStore,
  Store,
  UserStore,
  WebhookEventStore,
  Watch,
  WatchStore,
} from './types.js';

/** Options of {@link createStore}. */
export interface StoreOptions {
  /** Clock for every `now` a caller leaves out, epoch ms. Default `Date.now`. */
  now?: () => number;
  /** How long a statement waits for another connection's lock before failing, ms. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * The audit log keeps this many newest refusals and this many newest other entries (pruned at open and every
   * tenth of it in inserts). Default 10000.
   */
  auditMaxRows?: number;
}

export type StoreOpenErrorReason = 'locked' | 'corrupt' | 'unwritable' | 'newer_schema';

/** Thrown by {@link createStore} when the database file cannot be used; `message` names the file and what to do. */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
  constructor(
    readonly reason: StoreOpenErrorReason,
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const DEFAULT_AUDIT_MAX_ROWS = 10_000;
const MAX_DETAIL_CHARS = 2000;
const INVITE_TOKEN_BYTES = 32;

/**
 * Opens (creating it and its directory when missing) the SQLite database at `path` (`:memory:` for tests),
 * brings its schema up to date and returns the {@link Store} on it. Throws {@link StoreOpenError} when the file
 * is locked by another process, is not a database or is damaged, cannot be written, or has a newer schema.
 */
export function createStore(path: string, options: StoreOptions = {}): Store {
  const now = options.now ?? Date.now;
  const auditMaxRows = Math.max(1, options.auditMaxRows ?? DEFAULT_AUDIT_MAX_ROWS);
  const db = openDatabase(path, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
  try {
    const ping = db.prepare('SELECT 1');
    return {
      grants: createGrantStore(db, now),
      users: createUserStore(db, now),
      invites: createInviteStore(db, now),
      liveMessages: createLiveMessageStore(db, now),
      audit: createAuditStore(db, now, auditMaxRows),
      webhookEvents: createWebhookEventStore(db),
      photoIntents: createPhotoIntentStore(db),
      watches: createWatchStore(db, now),
      health: createHealthStateStore(db),
      ping() {
        try {
          return db.open && ping.get() !== undefined;
        } catch {
          return false;
        }
      },
      close() {
        if (db.open) db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

function openDatabase(path: string, busyTimeoutMs: number): SqliteDatabase {
  const inMemory = path === ':memory:';
  if (!inMemory) {
    try {
      // A directory we create holds grants, user ids and the audit log: its owner alone may list it.
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new StoreOpenError(
        'unwritable',
        path,
        `Cannot create the directory for database file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}). ` +
          'Set DATABASE_PATH to a file in a directory this process can write.',
        { cause: error },
      );
    }
  }
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(path, { timeout: busyTimeoutMs });
    // Owner-only before the first write: SQLite gives the -wal and -shm files the database file's mode.
    if (!inMemory) restrictToOwner(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    const check = db.pragma('quick_check(1)', { simple: true });
    if (check !== 'ok') throw new StoreOpenError('corrupt', path, corruptMessage(path));
    runMigrations(db, MIGRATIONS);
    return db;
  } catch (error) {
    db?.close();
    throw toOpenError(error, path);
  }
}

/** Makes the database file and its companions readable by their owner only (best effort on odd filesystems). */
function restrictToOwner(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

function corruptMessage(path: string): string {
  return (
    `Database file ${path} is not a valid SQLite database (corrupt or another kind of file). ` +
    'Move it away to start fresh, or restore a backup.'
  );
}

function toOpenError(error: unknown, path: string): unknown {
  if (error instanceof StoreOpenError) return error;
  if (error instanceof NewerSchemaError) {
    return new StoreOpenError(
      'newer_schema',
      path,
      `Database file ${path} has schema version ${error.found}, but this version of the bot knows only up to ` +
        `${error.known}. It was written by a newer version: run that version, or restore a backup made by this one.`,
      { cause: error },
    );
  }
  const code = error instanceof Database.SqliteError ? error.code : undefined;
  if (code === undefined) return error;
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StoreOpenError('corrupt', path, corruptMessage(path), { cause: error });
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreOpenError(
      'locked',
      path,
      `Database file ${path} is locked by another process. Another copy of the bot may be running with the same ` +
        'database: stop it, or give this one its own DATABASE_PATH.',
      { cause: error },
    );
  }
  if (
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_PERM') ||
    code.startsWith('SQLITE_IOERR') ||
    code === 'SQLITE_FULL'
  ) {
    return new StoreOpenError(
      'unwritable',
      path,
      `Cannot open database file ${path} for writing (${code}). Check that the file and its directory are writable ` +
        'by this process and the disk is not full, or set DATABASE_PATH elsewhere.',
      { cause: error },
    );
  }
  return error;
}

interface GrantRow {
  user_id: number;
  session_id: string;
  granted_by: number;
  granted_at: number;
}

const toGrant = (row: GrantRow): Grant => ({
  userId: row.user_id,
  sessionId: row.session_id,
  grantedBy: row.granted_by,
  grantedAt: row.granted_at,
});

/** Parameters: user id, session id, granted by, granted at. A grant that exists already is kept as it is. */
const INSERT_GRANT = 'INSERT INTO grants (user_id, session_id, granted_by, granted_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING';

function createGrantStore(db: SqliteDatabase, now: () => number): GrantStore {
  const insert = db.prepare<[number, string, number, number]>(INSERT_GRANT);
  const remove = db.prepare<[number, string]>('DELETE FROM grants WHERE user_id = ? AND session_id = ?');
  const has = db.prepare<[number, string], 1>('SELECT 1 FROM grants WHERE user_id = ? AND session_id = ?').pluck();
  const sessionsOf = db
    .prepare<[number], string>('SELECT session_id FROM grants WHERE user_id = ? ORDER BY session_id')
    .pluck();
  const listAll = db.prepare<[], GrantRow>('SELECT * FROM grants ORDER BY session_id, user_id');
  const listOne = db.prepare<[string], GrantRow>('SELECT * FROM grants WHERE session_id = ? ORDER BY user_id');
  return {
    grant: (userId, sessionId, grantedBy, at = now()) => insert.run(userId, sessionId, grantedBy, at).changes === 1,
    revoke: (userId, sessionId) => remove.run(userId, sessionId).changes === 1,
    has: (userId, sessionId) => has.get(userId, sessionId) !== undefined,
    sessionsOf: (userId) => sessionsOf.all(userId),
    list: (sessionId) => (sessionId === undefined ? listAll.all() : listOne.all(sessionId)).map(toGrant),
  };
}

interface InviteRow {
  session_id: string;
  created_by: number;
  expires_at: number;
  used_at: number | null;
}

const hashToken = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** Hex digits of a token's hash that name an invite in /invites and /uninvite. */
const INVITE_ID_HEX = 8;

function createInviteStore(db: SqliteDatabase, now: () => number): InviteStore {
  const insert = db.prepare<[Buffer, string, number, number, number]>(
    'INSERT INTO invites (token_hash, session_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
  );
  const find = db.prepare<[Buffer], InviteRow>(
    'SELECT session_id, created_by, expires_at, used_at FROM invites WHERE token_hash = ?',
  );
  const markUsed = db.prepare<[number, number, Buffer]>(
    'UPDATE invites SET used_at = ?, used_by = ? WHERE token_hash = ? AND used_at IS NULL',
  );
  const grant = db.prepare<[number, string, number, number]>(INSERT_GRANT);
  const redeem = db.transaction((hash: Buffer, userId: number, at: number): RedeemResult => {
    const invite = find.get(hash);
    if (invite === undefined) return { ok: false, reason: 'unknown' };
    if (invite.used_at !== null) return { ok: false, reason: 'used' };
    if (at >= invite.expires_at) return { ok: false, reason: 'expired' };
    if (markUsed.run(at, userId, hash).changes !== 1) return { ok: false, reason: 'used' };
    const added = grant.run(userId, invite.session_id, invite.created_by, at).changes === 1;
    return { ok: true, sessionId: invite.session_id, alreadyGranted: !added };
  });
  const listOpen = db.prepare<[number, string | null, string | null], { id: string; session_id: string; created_by: number; created_at: number; expires_at: number }>(
    `SELECT lower(substr(hex(token_hash), 1, ${INVITE_ID_HEX})) AS id, session_id, created_by, created_at, expires_at FROM invites
     WHERE used_at IS NULL AND expires_at > ? AND (? IS NULL OR session_id = ?) ORDER BY created_at`,
  );
  const voidOne = db.prepare<[string, number]>(
    `DELETE FROM invites WHERE lower(substr(hex(token_hash), 1, ${INVITE_ID_HEX})) = ? AND used_at IS NULL AND expires_at > ?`,
  );
  const voidSession = db.prepare<[string, number]>('DELETE FROM invites WHERE session_id = ? AND used_at IS NULL AND expires_at > ?');
  const purge = db.prepare<[number, number]>('DELETE FROM invites WHERE used_at < ? OR expires_at < ?');
  return {
    create({ sessionId, createdBy, ttlMs, now: at = now() }) {
      const token = randomBytes(INVITE_TOKEN_BYTES).toString('base64url');
      const expiresAt = at + ttlMs;
      insert.run(hashToken(token), sessionId, createdBy, at, expiresAt);
      return { token, expiresAt };
    },
    listOpen: (sessionId, at = now()) =>
      listOpen.all(at, sessionId ?? null, sessionId ?? null).map((row) => ({
        id: row.id,
        sessionId: row.session_id,
        createdBy: row.created_by,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      })),
    void: (id, at = now()) => /^[0-9a-f]+$/.test(id) && voidOne.run(id.toLowerCase(), at).changes === 1,
    voidSession: (sessionId, at = now()) => voidSession.run(sessionId, at).changes,
    purge: (olderThanMs, at = now()) => purge.run(at - olderThanMs, at - olderThanMs).changes,
    // IMMEDIATE takes the write lock before the read, so two processes redeeming one token cannot both see it unused.
    redeem: (token, userId, at = now()) => redeem.immediate(hashToken(token), userId, at),
  };
}

interface LiveMessageRow {
  chat_id: number;
  message_id: number;
  user_id: number;
  session_id: string;
  state: LiveMessageState;
  fingerprint: string | null;
  expires_at: number | null;
  deadline_at: number;
  created_at: number;
  updated_at: number;
  expired_reason: LiveExpiredReason | null;
  final_edit_since: number | null;
  pairing_phone: string | null;
  pairing_expires_at: number | null;
}

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
  ...(row.pairing_phone !== null && row.pairing_expires_at !== null ? { pairing: { phone: row.pairing_phone, expiresAt: row.pairing_expires_at } } : {}),
});

function createLiveMessageStore(db: SqliteDatabase, now: () => number): LiveMessageStore {
  const upsert = db.prepare<[LiveMessageRow]>(`
    INSERT OR REPLACE INTO live_messages
      (chat_id, message_id, user_id, session_id, state, fingerprint, expires_at, deadline_at, created_at, updated_at,
       expired_reason, final_edit_since, pairing_phone, pairing_expires_at)
    VALUES
      (@chat_id, @message_id, @user_id, @session_id, @state, @fingerprint, @expires_at, @deadline_at, @created_at, @updated_at,
       @expired_reason, @final_edit_since, @pairing_phone, @pairing_expires_at)
  `);
  const get = db.prepare<[number, number], LiveMessageRow>(
    'SELECT * FROM live_messages WHERE chat_id = ? AND message_id = ?',
  );
  const listLive = db.prepare<[], LiveMessageRow>(
    "SELECT * FROM live_messages WHERE state = 'showing' ORDER BY created_at, chat_id, message_id",
  );
  const listLiveBySession = db.prepare<[string], LiveMessageRow>(
    "SELECT * FROM live_messages WHERE state = 'showing' AND session_id = ? ORDER BY created_at, chat_id, message_id",
  );
  const listLiveByChat = db.prepare<[number], LiveMessageRow>(
    "SELECT * FROM live_messages WHERE state = 'showing' AND chat_id = ? ORDER BY created_at, message_id",
  );
  const listFinalPending = db.prepare<[], LiveMessageRow>(
    'SELECT * FROM live_messages WHERE final_edit_since IS NOT NULL ORDER BY final_edit_since, chat_id, message_id',
  );
  const toRow = (message: LiveMessage): LiveMessageRow => ({
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
  });
  const update = db.transaction(
    (chatId: number, messageId: number, patch: Partial<LiveMessage>, at: number): LiveMessage | undefined => {
      const row = get.get(chatId, messageId);
      if (row === undefined) return undefined;
      const current = toLiveMessage(row);
      const next: LiveMessage = {
        ...current,
        state: patch.state ?? current.state,
        fingerprint: patch.fingerprint !== undefined ? patch.fingerprint : current.fingerprint,
        expiresAt: patch.expiresAt !== undefined ? patch.expiresAt : current.expiresAt,
        deadlineAt: patch.deadlineAt ?? current.deadlineAt,
        userId: patch.userId ?? current.userId,
        expiredReason: patch.expiredReason !== undefined ? patch.expiredReason : current.expiredReason,
        finalEditSince: patch.finalEditSince !== undefined ? patch.finalEditSince : current.finalEditSince,
        pairing: patch.pairing !== undefined ? patch.pairing : current.pairing,
        updatedAt: at,
      };
      upsert.run(toRow(next));
      return next;
    },
  );
  return {
    save: (message) => void upsert.run(toRow(message)),
    get: (chatId, messageId) => {
      const row = get.get(chatId, messageId);
      return row === undefined ? undefined : toLiveMessage(row);
    },
    update: (chatId, messageId, patch, at = now()) => update(chatId, messageId, patch, at),
    listLive: () => listLive.all().map(toLiveMessage),
    listLiveBySession: (sessionId) => listLiveBySession.all(sessionId).map(toLiveMessage),
    listLiveByChat: (chatId) => listLiveByChat.all(chatId).map(toLiveMessage),
    listFinalPending: () => listFinalPending.all().map(toLiveMessage),
  };
}

interface AuditRow {
  id: number;
  at: number;
  user_id: number | null;
  chat_id: number | null;
  action: string;
  session_id: string | null;
  outcome: string;
  detail: string | null;
}

function createPhotoIntentStore(db: SqliteDatabase): PhotoIntentStore {
  const insert = db.prepare<[number, number, string, number]>(
    'INSERT INTO photo_intents (chat_id, after_message_id, session_id, created_at) VALUES (?, ?, ?, ?)',
  );
  const remove = db.prepare<[number]>('DELETE FROM photo_intents WHERE id = ?');
  const all = db.prepare<[], { id: number; chat_id: number; after_message_id: number; session_id: string; created_at: number }>(
    'SELECT * FROM photo_intents ORDER BY id',
  );
  return {
    add: (i) => Number(insert.run(i.chatId, i.afterMessageId, i.sessionId, i.createdAt).lastInsertRowid),
    clear: (id) => void remove.run(id),
    list: () =>
      all.all().map((r) => ({ id: r.id, chatId: r.chat_id, afterMessageId: r.after_message_id, sessionId: r.session_id, createdAt: r.created_at })),
  };
}

/** Ids older than the replay window are deleted every this many inserts (the table stays small and bounded). */
const WEBHOOK_PRUNE_EVERY = 100;

function createWebhookEventStore(db: SqliteDatabase): WebhookEventStore {
  const insert = db.prepare<[string, number]>('INSERT OR IGNORE INTO webhook_events (id, seen_at) VALUES (?, ?)');
  const seenAt = db.prepare<[string], { seen_at: number }>('SELECT seen_at FROM webhook_events WHERE id = ?');
  const refresh = db.prepare<[number, string]>('UPDATE webhook_events SET seen_at = ? WHERE id = ?');
  const prune = db.prepare<[number]>('DELETE FROM webhook_events WHERE seen_at < ?');
  let inserts = 0;
  const firstSeen = db.transaction((id: string, at: number, ttlMs: number): boolean => {
    if (insert.run(id, at).changes === 1) {
      if (++inserts % WEBHOOK_PRUNE_EVERY === 0) prune.run(at - ttlMs);
      return true;
    }
    const earlier = seenAt.get(id)?.seen_at ?? at;
    if (at - earlier < ttlMs) return false;
    refresh.run(at, id);
    return true;
  });
  return { firstSeen: (id, at, ttlMs) => firstSeen.immediate(id, at, ttlMs) };
}

function createAuditStore(db: SqliteDatabase, now: () => number, maxRows: number): AuditStore {
  const insert = db.prepare<[Omit<AuditRow, 'id'>]>(`
    INSERT INTO audit_log (at, user_id, chat_id, action, session_id, outcome, detail)
    VALUES (@at, @user_id, @chat_id, @action, @session_id, @outcome, @detail)
  `);
  const latest = db.prepare<[number], AuditRow>('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?');
  const latestOfSession = db.prepare<[string, number], AuditRow>('SELECT * FROM audit_log WHERE session_id = ? ORDER BY id DESC LIMIT ?');
  const latestOfUser = db.prepare<[number, number], AuditRow>('SELECT * FROM audit_log WHERE user_id = ? ORDER BY id DESC LIMIT ?');
  // Refusals and everything else are kept apart, each pruned back to its own maxRows newest rows: a flood of
  // refused strangers can never push grants, revokes, invites and QR entries out of the log.
  const pruneRefusals = db.prepare<[number]>(
    "DELETE FROM audit_log WHERE action = 'denied' AND id < (SELECT id FROM audit_log WHERE action = 'denied' ORDER BY id DESC LIMIT 1 OFFSET ?)",
  );
  const pruneOthers = db.prepare<[number]>(
    "DELETE FROM audit_log WHERE action <> 'denied' AND id < (SELECT id FROM audit_log WHERE action <> 'denied' ORDER BY id DESC LIMIT 1 OFFSET ?)",
  );
  const prune = { run: (offset: number) => (pruneRefusals.run(offset), pruneOthers.run(offset)) };
  const pruneEvery = Math.max(1, Math.floor(maxRows / 10));
  let sincePrune = 0;
  prune.run(maxRows - 1);
  return {
    record(entry) {
      insert.run({
        at: entry.at ?? now(),
        user_id: entry.userId,
        chat_id: entry.chatId,
        action: entry.action,
        session_id: entry.sessionId,
        outcome: entry.outcome,
        detail: entry.detail === null ? null : entry.detail.slice(0, MAX_DETAIL_CHARS),
      });
      sincePrune += 1;
      if (sincePrune >= pruneEvery) {
        sincePrune = 0;
        prune.run(maxRows - 1);
      }
    },
    latest: (limit, filter = {}) => {
      const count = Math.max(0, Math.floor(limit));
      const rows =
        filter.sessionId !== undefined
          ? latestOfSession.all(filter.sessionId, count)
          : filter.userId !== undefined
            ? latestOfUser.all(filter.userId, count)
            : latest.all(count);
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
}

interface UserRow {
  user_id: number;
  first_name: string | null;
  username: string | null;
  language_code: string | null;
  language: string | null;
  seen_at: number;
}

const NAME_CHARS = 64;

function createUserStore(db: SqliteDatabase, now: () => number): UserStore {
  const upsert = db.prepare<[{ user_id: number; first_name: string | null; username: string | null; language_code: string | null; seen_at: number }]>(`
    INSERT INTO users (user_id, first_name, username, language_code, seen_at)
    VALUES (@user_id, @first_name, @username, @language_code, @seen_at)
    ON CONFLICT (user_id) DO UPDATE SET
      first_name = excluded.first_name, username = excluded.username, language_code = excluded.language_code, seen_at = excluded.seen_at
  `);
  const setLanguage = db.prepare<[number, string | null, number]>(`
    INSERT INTO users (user_id, language, seen_at) VALUES (?, ?, ?)
    ON CONFLICT (user_id) DO UPDATE SET language = excluded.language
  `);
  const get = db.prepare<[number], UserRow>('SELECT * FROM users WHERE user_id = ?');
  const clip = (text: string | undefined, chars: number) => (text === undefined ? null : text.slice(0, chars));
  return {
    note(user, at = now()) {
      upsert.run({
        user_id: user.userId,
        first_name: clip(user.firstName, NAME_CHARS),
        username: clip(user.username, 32),
        language_code: clip(user.languageCode, 16),
        seen_at: at,
      });
    },
    get(userId) {
      const row = get.get(userId);
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
    setLanguage(userId, language, at = now()) {
      setLanguage.run(userId, language, at);
    },
  };
}

interface WatchRow {
  user_id: number;
  chat_id: number;
  session_id: string;
  created_at: number;
}

const toWatch = (row: WatchRow): Watch => ({
  userId: row.user_id,
  chatId: row.chat_id,
  sessionId: row.session_id,
  createdAt: row.created_at,
});

function createWatchStore(db: SqliteDatabase, now: () => number): WatchStore {
  const insert = db.prepare<[number, number, string, number]>(
    'INSERT INTO watches (user_id, chat_id, session_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const remove = db.prepare<[number, string]>('DELETE FROM watches WHERE user_id = ? AND session_id = ?');
  const bySession = db.prepare<[string], WatchRow>('SELECT * FROM watches WHERE session_id = ? ORDER BY user_id');
  const byUser = db.prepare<[number], WatchRow>('SELECT * FROM watches WHERE user_id = ? ORDER BY session_id');
  const sessions = db.prepare<[], string>('SELECT DISTINCT session_id FROM watches ORDER BY session_id').pluck();
  return {
    add: ({ userId, chatId, sessionId, now: at = now() }) => insert.run(userId, chatId, sessionId, at).changes === 1,
    remove: (userId, sessionId) => remove.run(userId, sessionId).changes === 1,
    listBySession: (sessionId) => bySession.all(sessionId).map(toWatch),
    listByUser: (userId) => byUser.all(userId).map(toWatch),
    sessions: () => sessions.all(),
  };
}

interface HealthRow {
  state: HealthState;
  since: number;
  last_alert_at: number | null;
}

function createHealthStateStore(db: SqliteDatabase): HealthStateStore {
  const get = db.prepare<[string], HealthRow>('SELECT state, since, last_alert_at FROM health_states WHERE session_id = ?');
  const upsert = db.prepare<[string, HealthState, number, number | null]>(
    'INSERT OR REPLACE INTO health_states (session_id, state, since, last_alert_at) VALUES (?, ?, ?, ?)',
  );
  const setMany = db.transaction((entries: ReadonlyArray<readonly [string, HealthRecord]>) => {
    for (const [sessionId, record] of entries) upsert.run(sessionId, record.state, record.since, record.lastAlertAt);
  });
  return {
    get(sessionId): HealthRecord | undefined {
      const row = get.get(sessionId);
      return row === undefined ? undefined : { state: row.state, since: row.since, lastAlertAt: row.last_alert_at };
    },
    set: (sessionId, record) => void upsert.run(sessionId, record.state, record.since, record.lastAlertAt),
    setMany: (entries) => setMany(entries),
  };
}
