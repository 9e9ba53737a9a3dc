import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, NewerSchemaError, runMigrations, schemaVersion } from '../../src/store/migrations.js';
import type { Migration } from '../../src/store/migrations.js';
import { createStore } from '../../src/store/sqlite.js';
import { useTempDir } from './temp-dir.js';

const tempDir = useTempDir();

function withDb<T>(path: string, use: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    return use(db);
  } finally {
    db.close();
  }
}

const tables = (db: Database.Database) =>
  db
    .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all();

describe('runMigrations', () => {
  it('applies pending migrations in order, each exactly once across reopens', () => {
    const path = join(tempDir(), 'm.sqlite');
    const applied: number[] = [];
    const step = (version: number): Migration => ({
      version,
      name: `step ${version}`,
      up: (db) => {
        applied.push(version);
        db.exec(`CREATE TABLE t${version} (x)`);
      },
    });

    expect(withDb(path, (db) => runMigrations(db, [step(1), step(2)]))).toEqual({ from: 0, to: 2 });
    expect(withDb(path, (db) => runMigrations(db, [step(1), step(2)]))).toEqual({ from: 2, to: 2 });
    expect(withDb(path, (db) => runMigrations(db, [step(1), step(2), step(3)]))).toEqual({ from: 2, to: 3 });
    expect(applied).toEqual([1, 2, 3]);
    expect(withDb(path, tables)).toEqual(['t1', 't2', 't3']);
  });

  it('rolls a failing migration back completely and keeps the earlier ones', () => {
    const path = join(tempDir(), 'm.sqlite');
    const migrations: Migration[] = [
      { version: 1, name: 'ok', up: (db) => db.exec('CREATE TABLE good (x)') },
      {
        version: 2,
        name: 'fails halfway',
        up: (db) => {
          db.exec('CREATE TABLE half (x)');
          throw new Error('boom');
        },
      },
    ];
    expect(() => withDb(path, (db) => runMigrations(db, migrations))).toThrow('boom');
    withDb(path, (db) => {
      expect(schemaVersion(db)).toBe(1);
      expect(tables(db)).toEqual(['good']);
    });
  });

  it('throws NewerSchemaError for a version beyond the newest known', () => {
    withDb(':memory:', (db) => {
      db.pragma('user_version = 5');
      expect(() => runMigrations(db, [{ version: 1, name: 'one', up: () => {} }])).toThrow(NewerSchemaError);
    });
  });
});

describe('store schema', () => {
  it('is created on first open and left alone on later opens', () => {
    const path = join(tempDir(), 'store.sqlite');
    createStore(path).close();
    const newest = MIGRATIONS.at(-1)!.version;
    const first = withDb(path, (db) => ({ version: schemaVersion(db), tables: tables(db) }));
    expect(first).toEqual({
      version: newest,
      tables: ['audit_log', 'grants', 'health_states', 'invites', 'live_messages', 'photo_intents', 'users', 'watches', 'webhook_events'],
    });

    createStore(path).close();
    expect(withDb(path, (db) => ({ version: schemaVersion(db), tables: tables(db) }))).toEqual(first);
  });
});
