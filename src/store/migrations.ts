import { sql } from 'kysely';
import type { Dialect } from './schema.js';
import { MIGRATIONS, type Migration, type SchemaDb } from './schema-steps.js';

export { MIGRATIONS, type Migration, type SchemaDb };

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

/** PostgreSQL: the advisory lock key every instance takes before reading or changing the schema version. */
export const MIGRATION_LOCK_KEY = 727_100_1;

/**
 * Brings the database up to the newest migration in `migrations` (sorted by version), one step per transaction
 * together with its version bump, so a failing step leaves the previous version intact. Several processes opening
 * one database at once apply each step exactly once: SQLite takes the write lock first (`BEGIN IMMEDIATE`),
 * PostgreSQL an advisory transaction lock. Throws {@link NewerSchemaError} when the database is beyond the newest
 * known version.
 */
export async function runMigrations(
  db: SchemaDb,
  dialect: Dialect,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<{ from: number; to: number }> {
  const known = migrations.at(-1)?.version ?? 0;
  const from = await schemaVersion(db, dialect);
  for (;;) {
    const applied = await inStepTransaction(db, dialect, async (trx) => {
      const current = await schemaVersion(trx, dialect);
      if (current > known) throw new NewerSchemaError(current, known);
      const next = migrations.find((migration) => migration.version > current);
      if (next === undefined) return false;
      await next.up(trx, dialect);
      await setSchemaVersion(trx, dialect, next.version);
      return true;
    });
    if (!applied) break;
  }
  return { from, to: await schemaVersion(db, dialect) };
}
async function inStepTransaction<T>(db: SchemaDb, dialect: Dialect, step: (trx: SchemaDb) => Promise<T>): Promise<T> {
  if (dialect === 'postgres') {
    return db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
      await sql`CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)`.execute(trx);
      return step(trx);
    });
  }
  // Kysely's SQLite transactions begin DEFERRED; IMMEDIATE takes the write lock before the version is read.
  return db.connection().execute(async (conn) => {
    await sql`BEGIN IMMEDIATE`.execute(conn);
    try {
      const result = await step(conn);
      await sql`COMMIT`.execute(conn);
      return result;
    } catch (error) {
      await sql`ROLLBACK`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}

/** The version the database records (0 for a new one). */
export async function schemaVersion(db: SchemaDb, dialect: Dialect): Promise<number> {
  if (dialect === 'sqlite') {
    const { rows } = await sql<{ user_version: number }>`PRAGMA user_version`.execute(db);
    return rows[0]?.user_version ?? 0;
  }
  const exists = await sql<{ found: string | null }>`SELECT to_regclass('schema_version')::text AS found`.execute(db);
  if (!exists.rows[0]?.found) return 0;
  const { rows } = await sql<{ version: number }>`SELECT version FROM schema_version`.execute(db);
  return rows[0]?.version ?? 0;
}
async function setSchemaVersion(db: SchemaDb, dialect: Dialect, version: number): Promise<void> {
  if (dialect === 'sqlite') {
    await sql.raw(`PRAGMA user_version = ${Math.trunc(version)}`).execute(db);
    return;
  }
  await sql`DELETE FROM schema_version`.execute(db);
  await sql`INSERT INTO schema_version (version) VALUES (${version})`.execute(db);
}
