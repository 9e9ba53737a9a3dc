import type { CompiledQuery, QueryResult } from 'kysely';
import type { Db } from './db.js';

/** Runs SQL a query compiled once made (see `compiled.ts`) without Kysely's driver in between. */
export interface DirectSql {
  run<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
  /** Commits the writes still waiting for the end of the turn now (before the database closes). */
  flush(): void;
}

const directs = new WeakMap<Db, DirectSql>();

/** Gives `db` its direct path: queries compiled once run on it (SQLite). */
export function attachDirect(db: Db, direct: DirectSql): void {
  directs.set(db, direct);
}

/** The direct path of `db`, when it has one (PostgreSQL has none: its pool is the path). */
export function directOf(db: Db): DirectSql | undefined {
  return directs.get(db);
}

/** The part of a better-sqlite3 statement this uses. */
interface Statement {
  readonly readonly: boolean;
  readonly reader: boolean;
  all(parameters: readonly unknown[]): unknown[];
  run(parameters: readonly unknown[]): { changes: number; lastInsertRowid: number | bigint };
}

/** The part of a better-sqlite3 database this uses. */
interface Sqlite {
  readonly inTransaction: boolean;
  transaction(fn: (work: () => void) => void): (work: () => void) => void;
}

interface Waiting {
  readonly statement: Statement;
  readonly query: CompiledQuery;
  readonly resolve: (result: QueryResult<never>) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * SQLite's direct path, with group commit. A read runs at once. A write waits for the end of the current turn of
 * the event loop, and every write asked for in that turn is committed in one transaction: a commit writes its
 * pages to the write-ahead log, and a burst of `/qr` wrote about seven rows each, one commit per row. Each write
 * still succeeds or fails on its own (SQLite undoes only the failed statement); a failure that ends the whole
 * transaction fails the rest of the batch. `onCommit` hears of each commit (the checkpointer counts them). While a
 * transaction made through Kysely is open (it spans awaits on the one connection), statements take Kysely's way,
 * which waits for it.
 */
export function createDirectSqlite(sqlite: Sqlite, prepare: (sql: string) => Statement, db: Db, onCommit: () => void = () => undefined): DirectSql {
  let waiting: Waiting[] = [];
  const inOne = sqlite.transaction((work) => work());

  const flush = () => {
    const batch = waiting;
    waiting = [];
    if (batch.length === 0) return;
    if (sqlite.inTransaction) {
      for (const w of batch) db.executeQuery<never>(w.query).then(w.resolve, w.reject);
      return;
    }
    const results: Array<{ ok: true; value: QueryResult<never> } | { ok: false; error: unknown }> = [];
    const work = () => {
      for (const w of batch) {
        try {
          results.push({ ok: true, value: execute(w.statement, w.query.parameters) });
        } catch (error) {
          // The statement alone was undone, unless SQLite ended the transaction: then nothing of it holds.
          if (batch.length > 1 && !sqlite.inTransaction) throw error;
          results.push({ ok: false, error });
        }
      }
    };
    try {
      if (batch.length === 1) work();
      else inOne(work);
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    onCommit();
    batch.forEach((w, i) => {
      const result = results[i]!;
      if (result.ok) w.resolve(result.value);
      else w.reject(result.error);
    });
  };

  return {
    flush: () => {
      if (waiting.length > 0) flush();
    },
    run<R>(query: CompiledQuery<R>): Promise<QueryResult<R>> {
      if (sqlite.inTransaction) return db.executeQuery<R>(query);
      const statement = prepare(query.sql);
      if (statement.readonly) {
        try {
          return Promise.resolve<QueryResult<R>>(execute(statement, query.parameters));
        } catch (error) {
          return Promise.reject(error instanceof Error ? error : new Error(String(error)));
        }
      }
      return new Promise<QueryResult<R>>((resolve, reject) => {
        if (waiting.length === 0) setImmediate(flush);
        waiting.push({ statement, query, resolve, reject });
      });
    },
  };
}

/** Kysely's result shape, as its SQLite driver makes it. */
function execute(statement: Statement, parameters: readonly unknown[]): QueryResult<never> {
  if (statement.reader) return { rows: statement.all(parameters) as never[] };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
}
