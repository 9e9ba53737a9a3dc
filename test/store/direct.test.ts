import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { compiledOnce } from '../../src/store/compiled.js';
import { attachDirect, createDirectSqlite } from '../../src/store/direct.js';
import type { Db } from '../../src/store/db.js';
import { createStore } from '../../src/store/sqlite.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Notes {
  notes: { id: number; text: string };
}

/** A table of its own on an in-memory SQLite, with the app's direct path and group commit. */
function open() {
  const sqlite = new Database(':memory:');
  sqlite.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
  const db = new Kysely<Notes>({ dialect: new SqliteDialect({ database: sqlite }) });
  // The repositories' type of database; these queries name their own table.
  const asDb = db as unknown as Db;
  attachDirect(
    asDb,
    createDirectSqlite(sqlite, (sql) => sqlite.prepare(sql), asDb),
  );
  const add = compiledOnce(asDb, (p) => db.insertInto('notes').values({ id: p('id'), text: p('text') }));
  const all = compiledOnce(asDb, () => db.selectFrom('notes').selectAll().orderBy('id'));
  return { db, add, all };
}

describe('SQLite direct path with group commit', () => {
  let opened: ReturnType<typeof open> | undefined;
  afterEach(async () => {
    await opened?.db.destroy();
    opened = undefined;
  });

  it('writes asked for together are each kept, and one that fails fails alone', async () => {
    opened = open();
    const { add, all } = opened;
    await add({ id: 1, text: 'first' });
    const results = await Promise.allSettled([add({ id: 2, text: 'two' }), add({ id: 1, text: 'again' }), add({ id: 3, text: 'three' })]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect((await all({})).rows).toEqual([
      { id: 1, text: 'first' },
      { id: 2, text: 'two' },
      { id: 3, text: 'three' },
    ]);
  });

  it('a write waits for a transaction made through Kysely, and is not undone by its rollback', async () => {
    opened = open();
    const { db, add, all } = opened;
    let outside: Promise<unknown> | undefined;
    await db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('notes').values({ id: 10, text: 'inside' }).execute();
        outside = add({ id: 11, text: 'outside' });
        // The transaction spans a turn of the event loop, as the app's do.
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await outside;
    expect((await all({})).rows).toEqual([{ id: 11, text: 'outside' }]);
  });

  it('a write asked for just before the store closes is committed, not lost to the close', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'direct-close-'));
    try {
      const path = join(dir, 'bot.sqlite');
      const store = await createStore(path);
      const recorded = store.audit.record({ userId: 7, chatId: 7, action: 'qr', sessionId: 'shop', outcome: 'sent', detail: null });
      await store.close();
      await recorded;
      const again = await createStore(path);
      expect((await again.audit.latest(5)).map((e) => [e.userId, e.action, e.sessionId])).toEqual([[7, 'qr', 'shop']]);
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
