import type { Kysely } from 'kysely';
import type { Tables } from './schema.js';

/** The database every repository writes to, SQLite or PostgreSQL. */
export type Db = Kysely<Tables>;

/** Rows a write touched, whichever field the dialect fills. */
export const changed = (result: { numAffectedRows?: bigint; numUpdatedRows?: bigint; numDeletedRows?: bigint; numInsertedOrUpdatedRows?: bigint }) =>
  Number(result.numAffectedRows ?? result.numUpdatedRows ?? result.numDeletedRows ?? result.numInsertedOrUpdatedRows ?? 0n);

/** Stores that sweep old rows do it at every this many writes. */
export const PRUNE_EVERY = 100;
