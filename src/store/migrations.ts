import type { Database } from 'better-sqlite3';

/** One schema step. `version` is what `PRAGMA user_version` holds once `up` has run. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (db: Database) => void;
}

/** Thrown by {@link runMigrations} when the database was written by a newer version of the code. */
export class NewerSchemaError extends Error {
  override readonly name = 'NewerSchemaError';
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(`database schema version ${found} is newer than the newest this code knows (${known})`);
  }
}

/** The schema, in order. Append only: never edit a migration that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    up: (db) =>
      db.exec(`
        CREATE TABLE grants (
          user_id    INTEGER NOT NULL,
          session_id TEXT    NOT NULL,
          granted_by INTEGER NOT NULL,
          granted_at INTEGER NOT NULL,
          PRIMARY KEY (user_id, session_id)
        ) WITHOUT ROWID;
        CREATE INDEX grants_by_session ON grants (session_id, user_id);

        CREATE TABLE invites (
          token_hash BLOB    PRIMARY KEY,
          session_id TEXT    NOT NULL,
          created_by INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL,
          used_at    INTEGER,
          used_by    INTEGER
        );

        CREATE TABLE live_messages (
          chat_id     INTEGER NOT NULL,
          message_id  INTEGER NOT NULL,
          user_id     INTEGER NOT NULL,
          session_id  TEXT    NOT NULL,
          state       TEXT    NOT NULL
                      CHECK (state IN ('showing', 'connected', 'expired', 'cancelled', 'retired', 'gone')),
          fingerprint TEXT,
          expires_at  INTEGER,
          deadline_at INTEGER NOT NULL,
          created_at  INTEGER NOT NULL,
          updated_at  INTEGER NOT NULL,
          PRIMARY KEY (chat_id, message_id)
        ) WITHOUT ROWID;
        CREATE INDEX live_messages_by_state ON live_messages (state, session_id);

        CREATE TABLE audit_log (
          id         INTEGER PRIMARY KEY AUTOINCREMENT,
          at         INTEGER NOT NULL,
          user_id    INTEGER,
          chat_id    INTEGER,
          action     TEXT    NOT NULL,
          session_id TEXT,
          outcome    TEXT    NOT NULL,
          detail     TEXT
        );

        CREATE TABLE watches (
          user_id    INTEGER NOT NULL,
          chat_id    INTEGER NOT NULL,
          session_id TEXT    NOT NULL,
          created_at INTEGER NOT NULL,
          PRIMARY KEY (user_id, session_id)
        ) WITHOUT ROWID;
        CREATE INDEX watches_by_session ON watches (session_id, user_id);
      `),
  },
  {
    version: 2,
    name: 'health states',
    up: (db) =>
      db.exec(`
        CREATE TABLE health_states (
          session_id    TEXT    PRIMARY KEY,
          state         TEXT    NOT NULL CHECK (state IN ('up', 'down', 'unknown')),
          since         INTEGER NOT NULL,
          last_alert_at INTEGER
        ) WITHOUT ROWID;
      `),
  },
  {
    version: 3,
    name: 'pending final edits of live messages',
    up: (db) =>
      db.exec(`
        ALTER TABLE live_messages ADD COLUMN expired_reason TEXT
          CHECK (expired_reason IN ('codes_ran_out', 'failed', 'timed_out', 'stopped'));
        ALTER TABLE live_messages ADD COLUMN final_edit_since INTEGER;
        CREATE INDEX live_messages_final_pending ON live_messages (final_edit_since) WHERE final_edit_since IS NOT NULL;
      `),
  },
  {
    version: 4,
    name: 'Wasend webhook event ids seen',
    up: (db) =>
      db.exec(`
        CREATE TABLE webhook_events (
          id      TEXT    PRIMARY KEY,
          seen_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX webhook_events_by_age ON webhook_events (seen_at);
      `),
  },
  {
    version: 5,
    name: 'QR photos being sent',
    up: (db) =>
      db.exec(`
        CREATE TABLE photo_intents (
          id               INTEGER PRIMARY KEY,
          chat_id          INTEGER NOT NULL,
          after_message_id INTEGER NOT NULL,
          session_id       TEXT    NOT NULL,
          created_at       INTEGER NOT NULL
        );
      `),
  },
  {
    version: 6,
    name: 'live messages showing a pairing code',
    up: (db) =>
      db.exec(`
        ALTER TABLE live_messages ADD COLUMN pairing_phone TEXT;
        ALTER TABLE live_messages ADD COLUMN pairing_expires_at INTEGER;
      `),
  },
  {
    version: 7,
    name: 'people the bot has seen, and their language',
    up: (db) =>
      db.exec(`
        CREATE TABLE users (
          user_id       INTEGER PRIMARY KEY,
          first_name    TEXT,
          username      TEXT,
          language_code TEXT,
          language      TEXT,
          seen_at       INTEGER NOT NULL
        );
        CREATE INDEX audit_log_by_session ON audit_log (session_id, id);
        CREATE INDEX audit_log_by_user ON audit_log (user_id, id);
      `),
  },
];

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database up to the newest migration in `migrations` (sorted by version). Each step runs in its own
 * `BEGIN IMMEDIATE` transaction together with the `user_version` bump, so a step is applied exactly once even
 * when two processes open the file together, and a failing step leaves the previous version intact.
 * Always takes the write lock at least once, so a file another process holds locked fails here, at open.
 * Throws {@link NewerSchemaError} when the file's version is beyond the newest known one.
 */
export function runMigrations(db: Database, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  const known = migrations.at(-1)?.version ?? 0;
  const from = schemaVersion(db);
  const step = db.transaction((): boolean => {
    const current = schemaVersion(db);
    if (current > known) throw new NewerSchemaError(current, known);
    const next = migrations.find((migration) => migration.version > current);
    if (next === undefined) return false;
    next.up(db);
    db.pragma(`user_version = ${next.version}`);
    return true;
  });
  while (step.immediate()) {
    // one migration per transaction
  }
  return { from, to: schemaVersion(db) };
}
