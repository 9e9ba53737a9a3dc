import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { MIGRATION_LOCK_KEY, MIGRATIONS, NewerSchemaError, runMigrations } from './migrations.js';
import { createRepositories, type RepositoryOptions } from './repositories.js';
import type { Tables } from './schema.js';
import type { Store } from './types.js';

/** Options of {@link createPostgresStore}. */
export interface PostgresStoreOptions extends RepositoryOptions {
  /** Connections in the pool. Default 10. */
  readonly poolSize?: number;
  /** How long to wait for a connection (and for the first answer at open), ms. Default 10000. */
  readonly connectTimeoutMs?: number;
  /** How long one query may wait for its answer, ms. Default 10000. */
  readonly queryTimeoutMs?: number;
  /** Schema to use (created when missing; tests give each run its own). Default the server's `search_path`. */
  readonly schema?: string;
}

/** Thrown by {@link createPostgresStore} when the database cannot be used; `message` says what to do and never holds the URL. */
export class PostgresOpenError extends Error {
  override readonly name = 'PostgresOpenError';
}

/** PostgreSQL's `int8` (our times and Telegram ids) as JavaScript numbers: every value we store is below 2^53. */
const INT8_OID = 20;
const builtInParser = pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => (value: string) => unknown;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : builtInParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * Connects to PostgreSQL at `url`, brings the schema up to date (several instances starting together migrate once)
 * and returns the {@link Store} on it. Throws {@link PostgresOpenError} naming host and database, never the password.
 */
export async function createPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const where = describeUrl(url);
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new PostgresOpenError(`Schema name ${JSON.stringify(schema)} is not a plain identifier.`);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    // A server that stops answering (a network cut without a reset) fails a query within seconds, not minutes:
    // a person is then told that access cannot be checked instead of waiting in silence.
    query_timeout: options.queryTimeoutMs ?? 10_000,
    types,
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle connection that the server drops (restart, failover) is an error on the pool, not a crash.
  pool.on('error', () => undefined);
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (schema !== undefined) {
      // IF NOT EXISTS still races between instances starting together: the same lock as the migrations orders them.
      await db.transaction().execute(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
        await trx.schema.createSchema(schema).ifNotExists().execute();
      });
    }
    await runMigrations(db, 'postgres', MIGRATIONS);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    if (error instanceof NewerSchemaError) {
      throw new PostgresOpenError(
        `The database ${where} has schema version ${error.found}, but this version of the bot knows only up to ${error.known}. ` +
          'A newer version wrote it: run that version.',
        { cause: error },
      );
    }
    throw new PostgresOpenError(
      `Could not open the PostgreSQL database ${where} (${reasonOf(error)}). Check DATABASE_URL and that the server runs.`,
      {
        cause: error,
      },
    );
  }
  // The schema every table lives in: it also names this database's LISTEN/NOTIFY channel and budget table.
  const current = schema ?? (await pool.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]?.schema ?? 'public';
  let closing: Promise<void> | undefined;
  const store = await createRepositories(db, 'postgres', {
    ...options,
    ping: async () => {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    close: () => (closing ??= db.destroy()),
  });
  return { ...store, postgres: { pool, url, schema: current } };
}

/** `host:port/database` of a URL, without user or password. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname}`;
  } catch {
    return '(unreadable DATABASE_URL)';
  }
}

function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code !== '') return code;
  return error instanceof Error ? error.message.replace(/postgres(ql)?:\/\/\S+/g, '(url)').slice(0, 200) : 'error';
}
