import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { StoreOpenError, createStore } from '../../src/store/sqlite.js';
import { useTempDir } from './temp-dir.js';

const tempDir = useTempDir();

async function openError(path: string, options?: Parameters<typeof createStore>[1]): Promise<StoreOpenError> {
  try {
    await (await createStore(path, options)).close();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreOpenError);
    return error as StoreOpenError;
  }
  throw new Error(`await createStore(${path}) opened without an error`);
}

describe('createStore open errors', () => {
  it('reports a file that is not a database as corrupt, naming the file and what to do', async () => {
    const path = join(tempDir(), 'x.sqlite');
    writeFileSync(path, Buffer.from('this is a text file, not a database\n'.repeat(200)));
    const error = await openError(path);
    expect(error.name).toBe('StoreOpenError');
    expect(error.reason).toBe('corrupt');
    expect(error.message).toBe(
      `Database file ${path} is not a valid SQLite database (corrupt or another kind of file). ` +
        'Move it away to start fresh, or restore a backup.',
    );
    expect(readFileSync(path, 'utf8')).toMatch(/^this is a text file/);
  });

  it('reports a database with damaged pages as corrupt', async () => {
    const path = join(tempDir(), 'damaged.sqlite');
    const store = await createStore(path);
    for (let i = 0; i < 500; i += 1) {
      await store.audit.record({ userId: i, chatId: i, action: 'qr', sessionId: `s${i}`, outcome: 'ok', detail: 'x'.repeat(100) });
    }
    await store.close();
    const bytes = readFileSync(path);
    expect(bytes.length).toBeGreaterThan(4096 * 8);
    bytes.fill(0x41, 4096, 4096 * 2); // page 2: the first table's root page
    bytes.fill(0x42, 4096 * 4, 4096 * 6);
    writeFileSync(path, bytes);
    expect((await openError(path)).reason).toBe('corrupt');
  });

  it('reports a file another connection holds an exclusive lock on as locked', async () => {
    const path = join(tempDir(), 'locked.sqlite');
    const other = new Database(path);
    try {
      other.exec('CREATE TABLE other_app (x)');
      other.exec('BEGIN EXCLUSIVE');
      other.exec('INSERT INTO other_app VALUES (1)');
      const error = await openError(path, { busyTimeoutMs: 20 });
      expect(error.reason).toBe('locked');
      expect(error.message).toContain(path);
      expect(error.message).toMatch(/another copy of the bot may be running/i);
    } finally {
      other.close();
    }
  });

  it('reports a store file another bot is writing to (WAL mode) as locked, and opens once it is released', async () => {
    const path = join(tempDir(), 'busy.sqlite');
    await (await createStore(path)).close();
    const other = new Database(path);
    try {
      other.exec('BEGIN EXCLUSIVE');
      other.exec('DELETE FROM grants');
      expect((await openError(path, { busyTimeoutMs: 20 })).reason).toBe('locked');
      other.exec('COMMIT');
      const store = await createStore(path, { busyTimeoutMs: 20 });
      expect(await store.ping()).toBe(true);
      await store.close();
    } finally {
      other.close();
    }
  });

  it('reports a path whose directory cannot be created as unwritable', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'plain-file'), 'not a directory');
    const path = join(dir, 'plain-file', 'bot.sqlite');
    const error = await openError(path);
    expect(error.reason).toBe('unwritable');
    expect(error.message).toContain(path);
  });

  it.skipIf(process.getuid?.() === 0)('reports a read-only directory as unwritable', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o500);
    try {
      expect((await openError(join(dir, 'bot.sqlite'))).reason).toBe('unwritable');
    } finally {
      chmodSync(dir, 0o700);
    }
  });

  it('refuses a database written by a newer version of the schema, leaving it untouched', async () => {
    const path = join(tempDir(), 'future.sqlite');
    await (await createStore(path)).close();
    const newer = MIGRATIONS.at(-1)!.version + 1;
    const raw = new Database(path);
    raw.pragma(`user_version = ${newer}`);
    raw.close();

    const error = await openError(path);
    expect(error.reason).toBe('newer_schema');
    expect(error.message).toContain(path);
    expect(error.message).toContain(`schema version ${newer}`);

    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(newer);
    check.close();
  });
});
