import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { makeOldDatabase, useStores, useTempDir } from './temp-dir.js';

const tempDir = useTempDir();
const open = useStores();

describe('health states', () => {
  it('keeps one record per session, replaced by set', async () => {
    const store = await open(':memory:');
    expect(await store.health.get('alpha')).toBeUndefined();

    await store.health.set('alpha', { state: 'up', since: 10, lastAlertAt: null });
    await store.health.set('beta', { state: 'down', since: 20, lastAlertAt: 20 });
    await store.health.set('alpha', { state: 'down', since: 30, lastAlertAt: 30 });

    expect(await store.health.get('alpha')).toEqual({ state: 'down', since: 30, lastAlertAt: 30 });
    expect(await store.health.get('beta')).toEqual({ state: 'down', since: 20, lastAlertAt: 20 });
  });

  it('writes many records at once', async () => {
    const store = await open(':memory:');
    await store.health.set('alpha', { state: 'down', since: 1, lastAlertAt: 1 });
    await store.health.setMany([
      ['alpha', { state: 'up', since: 2, lastAlertAt: 1 }],
      ['beta', { state: 'unknown', since: 3, lastAlertAt: null }],
    ]);
    expect(await store.health.get('alpha')).toEqual({ state: 'up', since: 2, lastAlertAt: 1 });
    expect(await store.health.get('beta')).toEqual({ state: 'unknown', since: 3, lastAlertAt: null });
    await store.health.setMany([]);
    expect(await store.health.get('beta')).toEqual({ state: 'unknown', since: 3, lastAlertAt: null });
  });

  it('survives closing and reopening the file', async () => {
    const path = join(tempDir(), 'health.sqlite');
    const first = await open(path);
    await first.health.set('alpha', { state: 'down', since: 1_700_000_000_000, lastAlertAt: 1_700_000_000_500 });
    await first.close();

    expect(await (await open(path)).health.get('alpha')).toEqual({ state: 'down', since: 1_700_000_000_000, lastAlertAt: 1_700_000_000_500 });
  });

  it('is added to a database created before it existed, keeping the watches', async () => {
    const path = join(tempDir(), 'old.sqlite');
    await makeOldDatabase(path, 1);
    const old = new Database(path);
    old.prepare('INSERT INTO watches (user_id, chat_id, session_id, created_at) VALUES (7, 7, ?, 1)').run('alpha');
    expect(old.pragma('user_version', { simple: true })).toBe(1);
    old.close();

    const store = await open(path);
    expect((await store.watches.listBySession('alpha')).map((w) => w.userId)).toEqual([7]);
    expect(await store.health.get('alpha')).toBeUndefined();
    await store.health.set('alpha', { state: 'up', since: 5, lastAlertAt: null });
    expect(await store.health.get('alpha')).toEqual({ state: 'up', since: 5, lastAlertAt: null });
  });
});
