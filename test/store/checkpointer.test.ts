import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createCheckpointer, type Checkpointer } from '../../src/store/checkpointer.js';
import { eventually } from '../support/wait.js';
import { useStores, useTempDir } from './temp-dir.js';

const tempDir = useTempDir();
const open = useStores();

/** Rows of `table` the database file itself holds: a copy of the file alone, without its log, is read. */
function rowsInFileAlone(path: string, dir: string, table = 'notes'): number {
  const copy = join(dir, `alone-${Math.random().toString(36).slice(2)}.sqlite`);
  copyFileSync(path, copy);
  const db = new Database(copy, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** A WAL database whose own connection never checkpoints, with the table `notes` in the file. */
function walDatabase(dir: string) {
  const path = join(dir, 'log.sqlite');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('wal_autocheckpoint = 0');
  return { path, db, insert: db.prepare('INSERT INTO notes (text) VALUES (?)') };
}

describe('the checkpoint thread', () => {
  it('folds the log into the file every `everyCommits` commits, though the connection that commits never checkpoints', async () => {
    const dir = tempDir();
    const { path, db, insert } = walDatabase(dir);
    let checkpointer: Checkpointer | undefined;
    try {
      const failures: Error[] = [];
      checkpointer = createCheckpointer(path, { everyCommits: 10, onFailure: (error) => failures.push(error) });
      for (let i = 0; i < 9; i++) {
        insert.run(`note ${i}`);
        checkpointer.committed();
      }
      // Nine commits: not asked yet, and nothing of them is in the file.
      expect(rowsInFileAlone(path, dir)).toBe(0);
      insert.run('note 9');
      checkpointer.committed();
      await eventually(() => checkpointer!.done >= 1, 'a checkpoint by the thread');
      expect(rowsInFileAlone(path, dir)).toBe(10);
      expect(failures).toEqual([]);
    } finally {
      await checkpointer?.close();
      db.close();
    }
  });

  it('tells when its thread cannot work (here: no such file), so the connection checkpoints itself again', async () => {
    const failures: Error[] = [];
    const checkpointer = createCheckpointer(join(tempDir(), 'missing.sqlite'), { everyCommits: 1, onFailure: (error) => failures.push(error) });
    checkpointer.committed();
    await eventually(() => failures.length === 1, 'the failure reported');
    expect(failures[0]?.message).toMatch(/SQLITE_CANTOPEN/);
    // Once failed, commits ask nothing more of it.
    checkpointer.committed();
    expect(checkpointer.done).toBe(0);
    await checkpointer.close();
  });
});

describe('a SQLite store', () => {
  it('keeps its log folded in by the thread under a stream of writes, and leaves no log behind when closed', async () => {
    const dir = tempDir();
    const path = join(dir, 'bot.sqlite');
    const store = await open(path);
    for (let i = 0; i < 66; i++) {
      await store.audit.record({ userId: i, chatId: i, action: 'qr', sessionId: 'demo', outcome: 'ok', detail: '/qr' });
    }
    // 66 commits, a few pages each: far from the 512 pages past which the store's own connection folds the log in
    // (and from the 256 it folded at before the thread), so rows in the file alone were put there by the thread.
    await eventually(() => rowsInFileAlone(path, dir, 'audit_log') >= 64, 'audit rows in the database file itself');
    await store.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.startsWith('bot.sqlite'))).toEqual(['bot.sqlite']);
  });
});
