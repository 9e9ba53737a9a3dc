import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, runMigrations, schemaVersion } from '../../src/store/migrations.js';
import { useStores, useTempDir } from './temp-dir.js';

const tempDir = useTempDir();
const open = useStores();

describe('health states', () => {
  it('keeps one record per session, replaced by set', () => {
    const store = open(':memory:');
    expect(store.health.get('alpha')).toBeUndefined();

    store.health.set('alpha', { state: 'up', since: 10, lastAlertAt: null });
    store.health.set('beta', { state: 'down', since: 20, lastAlertAt: 20 });
    store.health.set('alpha', { state: 'down', since: 30, lastAlertAt: 30 });

    expect(store.health.get('alpha')).toEqual({ state: 'down', since: 30, lastAlertAt: 30 });
    expect(store.health.get('beta')).toEqual({ state: 'down', since: 20, lastAlertAt: 20 });
  });

  it('writes many records at once', () => {
    const store = open(':memory:');
    store.health.set('alpha', { state: 'down', since: 1, lastAlertAt: 1 });
    store.health.setMany([
      ['alpha', { state: 'up', since: 2, lastAlertAt: 1 }],
      ['beta', { state: 'unknown', since: 3, lastAlertAt: null }],
    ]);
    expect(store.health.get('alpha')).toEqual({ state: 'up', since: 2, lastAlertAt: 1 });
    expect(store.health.get('beta')).toEqual({ state: 'unknown', since: 3, lastAlertAt: null });
    store.health.setMany([]);
    expect(store.health.get('beta')).toEqual({ state: 'unknown', since: 3, lastAlertAt: null });
  });

  it('survives closing and reopening the file', () => {
    const path = join(tempDir(), 'health.sqlite');
    const first = open(path);
    first.health.set('alpha', { state: 'down', since: 1_700_000_000_000, lastAlertAt: 1_700_000_000_500 });
    first.close();

    expect(open(path).health.get('alpha')).toEqual({ state: 'down', since: 1_700_000_000_000, lastAlertAt: 1_700_000_000_500 });
  });

  it('is added to a database created before it existed, keeping the watches', () => {
    const path = join(tempDir(), 'old.sqlite');
    const old = new Database(path);
    runMigrations(old, MIGRATIONS.slice(0, 1));
    old.prepare('INSERT INTO watches (user_id, chat_id, session_id, created_at) VALUES (7, 7, ?, 1)').run('alpha');
    expect(schemaVersion(old)).toBe(1);
    old.close();

    const store = open(path);
    expect(store.watches.listBySession('alpha').map((w) => w.userId)).toEqual([7]);
    expect(store.health.get('alpha')).toBeUndefined();
    store.health.set('alpha', { state: 'up', since: 5, lastAlertAt: null });
    expect(store.health.get('alpha')).toEqual({ state: 'up', since: 5, lastAlertAt: null });
  });
});
