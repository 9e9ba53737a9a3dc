import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import BetterSqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { MIGRATIONS, runMigrations } from '../../src/store/migrations.js';
import { createStore, type StoreOptions } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/types.js';

/** A fresh directory under the OS temp dir per call, removed after each test. */
export function useTempDir(): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasend-store-'));
    made.push(dir);
    return dir;
  };
}

/** `open(path, options)` opens a store; every store it opened is closed after each test. */
export function useStores(): (path: string, options?: StoreOptions) => Promise<Store> {
  const opened: Store[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  return async (path, options) => {
    const store = await createStore(path, options);
    opened.push(store);
    return store;
  };
}

/** Makes a SQLite file as an older version of the bot left it: the first `version` migrations only. */
export async function makeOldDatabase(path: string, version: number): Promise<void> {
  const db = new Kysely({ dialect: new SqliteDialect({ database: new BetterSqlite(path) }) });
  try {
    await runMigrations(db, 'sqlite', MIGRATIONS.slice(0, version));
  } finally {
    await db.destroy();
  }
}
