import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase as KyselySqliteDatabase } from 'kysely';
import { LRUCache } from 'lru-cache';
import { createCheckpointer } from './checkpointer.js';
import { attachDirect, createDirectSqlite } from './direct.js';
import { MIGRATIONS, NewerSchemaError, runMigrations } from './migrations.js';
import { createRepositories, type RepositoryOptions } from './repositories.js';
import type { Tables } from './schema.js';
import type { Store } from './types.js';

/** Options of {@link createStore}. */
export interface StoreOptions extends RepositoryOptions {
  /** How long a statement waits for another connection's lock before failing, ms. Default 5000. */
  readonly busyTimeoutMs?: number;
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

/**
 * Opens (creating it and its directory when missing) the SQLite database at `path` (`:memory:` for tests),
 * brings its schema up to date and returns the {@link Store} on it. Throws {@link StoreOpenError} when the file
 * is locked by another process, is not a database or is damaged, cannot be written, or has a newer schema.
 */
export async function createStore(path: string, options: StoreOptions = {}): Promise<Store> {
  const sqlite = openFile(path, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
  const prepare = statementCache(sqlite);
  const database: KyselySqliteDatabase = { prepare, close: () => void sqlite.close() };
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database }) });
  // A file's log is folded back on a thread of its own (checkpointer.ts); should that thread fail, here again.
  const checkpointer =
    path === ':memory:'
      ? undefined
      : createCheckpointer(path, { onFailure: () => sqlite.open && sqlite.pragma(`wal_autocheckpoint = ${OWN_CHECKPOINT_PAGES}`) });
  const direct = createDirectSqlite(sqlite, prepare, db, () => checkpointer?.committed());
  attachDirect(db, direct);
  try {
    await runMigrations(db, 'sqlite', MIGRATIONS);
    const ping = sqlite.prepare('SELECT 1');
    let closing: Promise<void> | undefined;
    return await createRepositories(db, 'sqlite', {
      ...options,
      ping: async () => {
        try {
          return sqlite.open && ping.get() !== undefined;
        } catch {
          return false;
        }
      },
      // A write asked for in this very turn is committed before the file closes, not failed by the close.
      close: () => {
        if (closing === undefined) direct.flush();
        // The thread's connection first: the last connection to close folds the log in and removes it.
        return (closing ??= (checkpointer?.close() ?? Promise.resolve()).then(() => db.destroy()));
      },
    });
  } catch (error) {
    await checkpointer?.close();
    await db.destroy().catch(() => undefined);
    throw toOpenError(error, path);
  }
}

/** Pages of log (4 KiB each) after which a connection checkpoints itself: without the thread, and with it. */
const OWN_CHECKPOINT_PAGES = 256;
const BACKSTOP_CHECKPOINT_PAGES = 512;

/** Statements kept prepared, by their SQL: the repositories' queries are a few dozen shapes. */
const STATEMENTS_KEPT = 500;

/**
 * Prepares each distinct SQL once: Kysely asks for `prepare` on every query, and preparing costs more than running
 * these small statements (the bench's `/qr` burst spent its CPU there).
 */
function statementCache(sqlite: SqliteDatabase): (sql: string) => Statement {
  const statements = new LRUCache<string, Statement>({ max: STATEMENTS_KEPT });
  return (sql) => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = sqlite.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}

function openFile(path: string, busyTimeoutMs: number): SqliteDatabase {
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
    // The write-ahead log is folded into the file by the checkpoint thread (checkpointer.ts) about every 1 MB, and
    // cut back to 1 MB after: a burst of writes (a flood) leaves a small log behind, not one as large as the burst.
    // This connection folds it itself only past 2 MB (a log the thread did not keep up with, or writes it does not
    // count), or every 1 MB should the thread fail.
    db.pragma(`wal_autocheckpoint = ${inMemory ? OWN_CHECKPOINT_PAGES : BACKSTOP_CHECKPOINT_PAGES}`);
    db.pragma('journal_size_limit = 1048576');
    db.pragma('foreign_keys = ON');
    const check = db.pragma('quick_check(1)', { simple: true });
    if (check !== 'ok') throw new StoreOpenError('corrupt', path, corruptMessage(path));
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
    `Database file ${path} is not a valid SQLite database (corrupt or another kind of file). ` + 'Move it away to start fresh, or restore a backup.'
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
