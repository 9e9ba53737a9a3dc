import { createQueryId, type Compilable, type QueryId, type QueryResult, type RootOperationNode } from 'kysely';
import type { Db } from './db.js';
import { directOf } from './direct.js';

/** A value the query takes at each call, named: `p('chatId')` where the built query would hold it. */
export type Param = <K extends string>(name: K) => never;

/**
 * A query built and compiled once, run with new values at each call: Kysely builds its tree and compiles it to SQL
 * on every call otherwise, a good part of what a `/qr` costs the main thread (it writes several rows). `build` makes
 * the query once with `p(name)` wherever a value goes; every other value stays as it was built. The SQL is the
 * dialect's own, as Kysely compiles it.
 */
export function compiledOnce<R>(db: Db, build: (p: Param) => Compilable<R>): (values: Readonly<Record<string, unknown>>) => Promise<QueryResult<R>> {
  let compiled: { sql: string; query: RootOperationNode; slots: ReadonlyArray<{ name: string } | { value: unknown }>; queryId: QueryId } | undefined;
  const prepare = () => {
    const marks = new Map<unknown, string>();
    const p: Param = (name) => {
      const mark = Object.freeze({ param: name });
      marks.set(mark, name);
      return mark as never;
    };
    const query = build(p).compile();
    const slots = query.parameters.map((value) => {
      const name = marks.get(value);
      return name === undefined ? { value } : { name };
    });
    // One id for every run: ids tie a plugin's result step to its query step, and these queries have no plugin.
    return { sql: query.sql, query: query.query, slots, queryId: createQueryId() };
  };
  const direct = directOf(db);
  return (values) => {
    compiled ??= prepare();
    const parameters = compiled.slots.map((slot) => ('name' in slot ? values[slot.name] : slot.value));
    const query = { sql: compiled.sql, query: compiled.query, parameters, queryId: compiled.queryId };
    return direct ? direct.run<R>(query) : db.executeQuery<R>(query);
  };
}
