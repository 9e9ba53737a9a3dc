import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compiledOnce, type Param } from '../../src/store/compiled.js';
import type { Db } from '../../src/store/db.js';
import { attachDirect, createDirectSqlite } from '../../src/store/direct.js';
import { createStore } from '../../src/store/sqlite.js';
import { formatRow, measure } from '../lib.js';

const ITERATIONS = 5_000;
/** Writes asked for at once, as a burst of `/qr` asks for them. */
const BURST = 50;
const BURSTS = 100;

/**
 * A /qr writes several rows (its update in the inbox, a photo intent, the live message, an audit entry). Kysely builds
 * and compiles a statement at every call; the store builds its hot statements once (`compiledOnce`). The same audit
 * insert both ways, side by side on one SQLite file with the store's schema (statements prepared once either way).
 * Then the way the store runs them: on better-sqlite3 directly, the writes of one turn of the event loop committed
 * together, alone and in bursts of fifty at once.
 */
export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-store-'));
  const path = join(dir, 'bench.sqlite');
  await (await createStore(path)).close();
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string) => statements.get(sql) ?? statements.set(sql, sqlite.prepare(sql)).get(sql)!;
  const db: Db = new Kysely({
    dialect: new SqliteDialect({
      database: {
        prepare,
        close: () => sqlite.close(),
      },
    }),
  });
  // The store's own way: the same statements, run directly, writes of one turn committed together.
  const direct: Db = new Kysely({ dialect: new SqliteDialect({ database: sqlite }) });
  attachDirect(direct, createDirectSqlite(sqlite, prepare, direct));
  try {
    const entry = () => ({ at: Date.now(), userId: 1001, chatId: 1001, action: 'qr', sessionId: 'demo', outcome: 'sent', detail: null });
    const build = (p: Param | undefined, e: ReturnType<typeof entry>) =>
      db.insertInto('audit_log').values({
        at: p ? p('at') : e.at,
        user_id: p ? p('userId') : e.userId,
        chat_id: p ? p('chatId') : e.chatId,
        action: p ? p('action') : e.action,
        session_id: p ? p('sessionId') : e.sessionId,
        outcome: p ? p('outcome') : e.outcome,
        detail: p ? p('detail') : e.detail,
      });
    const once = compiledOnce(db, (p) => build(p, entry()));
    const eachTime = await measure(() => build(undefined, entry()).execute(), { iterations: ITERATIONS });
    const builtOnce = await measure(() => once(entry()), { iterations: ITERATIONS });
    console.log(`  ${ITERATIONS} audit rows inserted one after another, each way, on one SQLite file (WAL)`);
    console.log(formatRow('audit: Kysely builds each time', eachTime, 'informative'));
    console.log(formatRow('audit: built once', builtOnce, `x${(eachTime.meanMs / builtOnce.meanMs).toFixed(1)} faster (mean)`));
    const onceDirect = compiledOnce(direct, (p) => build(p, entry()));
    const builtDirect = await measure(() => onceDirect(entry()), { iterations: ITERATIONS });
    console.log(
      formatRow('audit: the store (built once, direct)', builtDirect, `x${(eachTime.meanMs / builtDirect.meanMs).toFixed(1)} faster (mean)`),
    );
    const burstOf = (write: () => Promise<unknown>) => () => Promise.all(Array.from({ length: BURST }, write));
    const burstEach = await measure(
      burstOf(() => build(undefined, entry()).execute()),
      { iterations: BURSTS },
    );
    const burstStore = await measure(
      burstOf(() => onceDirect(entry())),
      { iterations: BURSTS },
    );
    console.log(`  ${BURSTS} bursts of ${BURST} audit rows asked for at once (time of the whole burst)`);
    console.log(formatRow('burst: Kysely, a commit per row', burstEach, 'informative'));
    console.log(formatRow('burst: the store, one commit', burstStore, `x${(burstEach.meanMs / burstStore.meanMs).toFixed(1)} faster (mean)`));
    // The widest hot statement: a live message saved (15 columns, and 13 again when the row exists).
    let id = 0;
    const columns = (m: number) => ({
      chat_id: 1,
      message_id: m,
      user_id: 1,
      session_id: `s-${m % 50}`,
      state: 'showing' as const,
      fingerprint: 'f'.repeat(16),
      expires_at: null,
      deadline_at: Date.now() + 600_000,
      created_at: Date.now(),
      updated_at: Date.now(),
      expired_reason: null,
      final_edit_since: null,
      pairing_phone: null,
      pairing_expires_at: null,
      series_index: null,
    });
    const upsert = (row: ReturnType<typeof columns>) => {
      const { chat_id: _c, message_id: _m, ...rest } = row;
      return db
        .insertInto('live_messages')
        .values(row)
        .onConflict((oc) => oc.columns(['chat_id', 'message_id']).doUpdateSet(rest));
    };
    const saveOnce = compiledOnce(db, (p) =>
      upsert(Object.fromEntries(Object.keys(columns(0)).map((k) => [k, p(k)])) as unknown as ReturnType<typeof columns>),
    );
    const saveEach = await measure(() => upsert(columns(++id)).execute(), { iterations: ITERATIONS });
    const saveBuilt = await measure(() => saveOnce(columns(++id)), { iterations: ITERATIONS });
    console.log(formatRow('live message: Kysely each time', saveEach, 'informative'));
    console.log(formatRow('live message: built once', saveBuilt, `x${(saveEach.meanMs / saveBuilt.meanMs).toFixed(1)} faster (mean)`));
  } finally {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}
