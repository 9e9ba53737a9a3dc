import { createPostgresStore, type PostgresStoreOptions } from './postgres.js';
import { createStore } from './sqlite.js';
import type { Store } from './types.js';

/** Where the data lives: PostgreSQL when `databaseUrl` is set, else the SQLite file at `databasePath`. */
export interface StoreTarget {
  readonly databasePath: string;
  readonly databaseUrl?: string;
}

/** Opens the store the configuration names (see {@link StoreTarget}). */
export function openStore(target: StoreTarget, options: PostgresStoreOptions = {}): Promise<Store> {
  return target.databaseUrl !== undefined ? createPostgresStore(target.databaseUrl, options) : createStore(target.databasePath, options);
}
