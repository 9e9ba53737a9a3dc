import { join } from 'node:path';
import BetterSqlite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, NewerSchemaError, runMigrations, schemaVersion, type Migration, type SchemaDb } from '../../src/store/migrations.js';
import { createPostgresStore } from '../../src/store/postgres.js';
import type { Dialect } from '../../src/store/schema.js';
import { createStore } from '../../src/store/sqlite.js';
import { describePostgres, POSTGRES_URL, postgresAnswers, useSchemas } from '../support/postgres.js';
import { useTempDir } from './temp-dir.js';

const tempDir = useTempDir();
const newSchema = useSchemas();

/** A connection to a fresh database of `dialect`: a SQLite file, or a new PostgreSQL schema. */
function database(dialect: Dialect): () => SchemaDb {
  if (dialect === 'sqlite') {
    const path = join(tempDir(), 'm.sqlite');
    return () => new Kysely({ dialect: new SqliteDialect({ database: new BetterSqlite(path) }) });
  }
  const schema = newSchema();
  return () => {
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` });
    const db: SchemaDb = new Kysely({ dialect: new PostgresDialect({ pool }) });
    return db;
  };
}

async function withDb<T>(open: () => SchemaDb, use: (db: SchemaDb) => Promise<T>): Promise<T> {
  const db = open();
  try {
    return await use(db);
  } finally {
    await db.destroy();
  }
}

async function tables(db: SchemaDb, dialect: Dialect): Promise<string[]> {
  const { rows } =
    dialect === 'sqlite'
      ? await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`.execute(db)
      : await sql<{
          name: string;
        }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> 'schema_version' ORDER BY table_name`.execute(
          db,
        );
  return rows.map((row) => row.name);
}

const dialects: Dialect[] = postgresAnswers || process.env['REQUIRE_POSTGRES'] === '1' ? ['sqlite', 'postgres'] : ['sqlite'];

describe.each(dialects)('runMigrations on %s', (dialect) => {
  it('applies pending migrations in order, each exactly once across reopens', async () => {
    const open = database(dialect);
    const applied: number[] = [];
    const step = (version: number): Migration => ({
      version,
      name: `step ${version}`,
      up: async (db) => {
        applied.push(version);
        await db.schema.createTable(`t${version}`).addColumn('x', 'integer').execute();
      },
    });
    await createSchemaIfPostgres(open);
    expect(await withDb(open, (db) => runMigrations(db, dialect, [step(1), step(2)]))).toEqual({ from: 0, to: 2 });
    expect(await withDb(open, (db) => runMigrations(db, dialect, [step(1), step(2)]))).toEqual({ from: 2, to: 2 });
    expect(await withDb(open, (db) => runMigrations(db, dialect, [step(1), step(2), step(3)]))).toEqual({ from: 2, to: 3 });
    expect(applied).toEqual([1, 2, 3]);
    expect(await withDb(open, (db) => tables(db, dialect))).toEqual(['t1', 't2', 't3']);
  });

  // One process cannot hold three SQLite connections waiting on each other (better-sqlite3 waits synchronously).
  it.skipIf(dialect === 'sqlite')('applies each step once when three connections migrate at the same moment', async () => {
    const open = database(dialect);
    await createSchemaIfPostgres(open);
    const applied: number[] = [];
    const migrations: Migration[] = [1, 2, 3].map((version) => ({
      version,
      name: `step ${version}`,
      up: async (db) => {
        applied.push(version);
        await db.schema.createTable(`t${version}`).addColumn('x', 'integer').execute();
      },
    }));
    const dbs = [open(), open(), open()];
    try {
      await Promise.all(dbs.map((db) => runMigrations(db, dialect, migrations)));
    } finally {
      await Promise.all(dbs.map((db) => db.destroy()));
    }
    expect(applied).toEqual([1, 2, 3]);
  });

  it('rolls a failing migration back completely and keeps the earlier ones', async () => {
    const open = database(dialect);
    await createSchemaIfPostgres(open);
    const migrations: Migration[] = [
      { version: 1, name: 'ok', up: async (db) => void (await db.schema.createTable('good').addColumn('x', 'integer').execute()) },
      {
        version: 2,
        name: 'fails halfway',
        up: async (db) => {
          await db.schema.createTable('half').addColumn('x', 'integer').execute();
          throw new Error('boom');
        },
      },
    ];
    await expect(withDb(open, (db) => runMigrations(db, dialect, migrations))).rejects.toThrow('boom');
    await withDb(open, async (db) => {
      expect(await schemaVersion(db, dialect)).toBe(1);
      expect(await tables(db, dialect)).toEqual(['good']);
    });
  });

  it('throws NewerSchemaError for a version beyond the newest known', async () => {
    const open = database(dialect);
    await createSchemaIfPostgres(open);
    const five = Array.from({ length: 5 }, (_, i): Migration => ({ version: i + 1, name: String(i), up: async () => undefined }));
    await withDb(open, (db) => runMigrations(db, dialect, five));
    await expect(withDb(open, (db) => runMigrations(db, dialect, five.slice(0, 1)))).rejects.toBeInstanceOf(NewerSchemaError);
  });

  /** PostgreSQL: the schema of `database('postgres')` exists before its first use. */
  async function createSchemaIfPostgres(open: () => SchemaDb): Promise<void> {
    if (dialect !== 'postgres') return;
    await withDb(open, async (db) => {
      const { rows } = await sql<{ path: string }>`SELECT current_setting('search_path') AS path`.execute(db);
      await db.schema.createSchema(rows[0]!.path).ifNotExists().execute();
    });
  }
});

const ALL_TABLES = [
  'audit_log',
  'grants',
  'health_states',
  'invites',
  'leases',
  'live_messages',
  'pending_actions',
  'photo_intents',
  'rate_limits',
  'relink_walks',
  'telegram_updates',
  'users',
  'watches',
  'webhook_events',
];

describe('store schema on SQLite', () => {
  it('is created on first open and left alone on later opens', async () => {
    const path = join(tempDir(), 'store.sqlite');
    await (await createStore(path)).close();
    const open = () => new Kysely({ dialect: new SqliteDialect({ database: new BetterSqlite(path) }) }) as SchemaDb;
    const newest = MIGRATIONS.at(-1)!.version;
    const first = await withDb(open, async (db) => ({ version: await schemaVersion(db, 'sqlite'), tables: await tables(db, 'sqlite') }));
    expect(first).toEqual({ version: newest, tables: ALL_TABLES });
    await (await createStore(path)).close();
    expect(await withDb(open, async (db) => ({ version: await schemaVersion(db, 'sqlite'), tables: await tables(db, 'sqlite') }))).toEqual(first);
  });

  it('opens a file written before the schema was written with Kysely (raw SQL, user_version 7) and adds only what is new', async () => {
    const path = join(tempDir(), 'v7.sqlite');
    const old = new BetterSqlite(path);
    old.exec(`
      CREATE TABLE grants (user_id INTEGER NOT NULL, session_id TEXT NOT NULL, granted_by INTEGER NOT NULL, granted_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, session_id)) WITHOUT ROWID;
      CREATE TABLE invites (token_hash BLOB PRIMARY KEY, session_id TEXT NOT NULL, created_by INTEGER NOT NULL, created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL, used_at INTEGER, used_by INTEGER);
      CREATE TABLE live_messages (chat_id INTEGER NOT NULL, message_id INTEGER NOT NULL, user_id INTEGER NOT NULL, session_id TEXT NOT NULL,
        state TEXT NOT NULL, fingerprint TEXT, expires_at INTEGER, deadline_at INTEGER NOT NULL, created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL, expired_reason TEXT, final_edit_since INTEGER, pairing_phone TEXT, pairing_expires_at INTEGER,
        PRIMARY KEY (chat_id, message_id)) WITHOUT ROWID;
      CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, user_id INTEGER, chat_id INTEGER, action TEXT NOT NULL,
        session_id TEXT, outcome TEXT NOT NULL, detail TEXT);
      CREATE TABLE watches (user_id INTEGER NOT NULL, chat_id INTEGER NOT NULL, session_id TEXT NOT NULL, created_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, session_id)) WITHOUT ROWID;
      CREATE TABLE health_states (session_id TEXT PRIMARY KEY, state TEXT NOT NULL, since INTEGER NOT NULL, last_alert_at INTEGER) WITHOUT ROWID;
      CREATE TABLE webhook_events (id TEXT PRIMARY KEY, seen_at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE photo_intents (id INTEGER PRIMARY KEY, chat_id INTEGER NOT NULL, after_message_id INTEGER NOT NULL, session_id TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE users (user_id INTEGER PRIMARY KEY, first_name TEXT, username TEXT, language_code TEXT, language TEXT, seen_at INTEGER NOT NULL);
      INSERT INTO grants VALUES (42, 'demo', 1, 1700000000000);
      PRAGMA user_version = 7;
    `);
    old.close();
    const store = await createStore(path);
    try {
      expect(await store.grants.has(42, 'demo')).toBe(true);
      expect(await store.telegramUpdates.take({ updateId: 1, payload: '{}' }, 'a', 60_000)).toBe(true);
      expect(await store.telegramUpdates.take({ updateId: 1, payload: '{}' }, 'b', 60_000)).toBe(false);
    } finally {
      await store.close();
    }
  });
});

describePostgres('store schema on PostgreSQL', () => {
  it('is created on first open by one of three instances starting together, with the same tables as SQLite', async () => {
    const schema = newSchema();
    const stores = await Promise.all([1, 2, 3].map(() => createPostgresStore(POSTGRES_URL, { schema })));
    await Promise.all(stores.map((store) => store.close()));
    const db: SchemaDb = new Kysely({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` }) }),
    });
    try {
      expect(await schemaVersion(db, 'postgres')).toBe(MIGRATIONS.at(-1)!.version);
      expect(await tables(db, 'postgres')).toEqual(ALL_TABLES);
    } finally {
      await db.destroy();
    }
  });
});
