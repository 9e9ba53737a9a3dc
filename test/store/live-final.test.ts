import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, runMigrations, schemaVersion } from '../../src/store/migrations.js';
import type { LiveMessage } from '../../src/store/types.js';
import { useStores, useTempDir } from './temp-dir.js';

const tempDir = useTempDir();
const open = useStores();

const row: LiveMessage = {
  chatId: 100,
  messageId: 1,
  userId: 7,
  sessionId: 'alpha',
  state: 'showing',
  fingerprint: 'fp-1',
  expiresAt: null,
  deadlineAt: 1_700_000_600_000,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000,
};

describe('pending final views of live messages', () => {
  it('are kept across a reopen with their reason, listed until settled, and not live', () => {
    const path = join(tempDir(), 'store.sqlite');
    const first = open(path);
    first.liveMessages.save(row);
    first.liveMessages.save({ ...row, messageId: 2 });
    first.liveMessages.update(100, 1, { state: 'expired', expiredReason: 'timed_out', finalEditSince: 1_700_000_001_000 });
    first.close();

    const store = open(path);
    expect(store.liveMessages.listFinalPending()).toEqual([
      expect.objectContaining({ messageId: 1, state: 'expired', expiredReason: 'timed_out', finalEditSince: 1_700_000_001_000 }),
    ]);
    expect(store.liveMessages.listLive().map((m) => m.messageId)).toEqual([2]);

    store.liveMessages.update(100, 1, { finalEditSince: null });
    expect(store.liveMessages.listFinalPending()).toEqual([]);
    expect(store.liveMessages.get(100, 1)).toMatchObject({ state: 'expired', expiredReason: 'timed_out' });
  });

  it('are added to a database created before them, keeping its live messages', () => {
    const path = join(tempDir(), 'old.sqlite');
    const old = new Database(path);
    runMigrations(old, MIGRATIONS.slice(0, 2));
    old
      .prepare(
        `INSERT INTO live_messages (chat_id, message_id, user_id, session_id, state, fingerprint, expires_at, deadline_at, created_at, updated_at)
         VALUES (100, 1, 7, 'alpha', 'showing', 'fp-1', NULL, 1700000600000, 1700000000000, 1700000000000)`,
      )
      .run();
    expect(schemaVersion(old)).toBe(2);
    old.close();

    const store = open(path);
    expect(store.liveMessages.get(100, 1)).toEqual(row);
    expect(store.liveMessages.listFinalPending()).toEqual([]);
    store.liveMessages.update(100, 1, { state: 'cancelled', finalEditSince: 5 });
    expect(store.liveMessages.listFinalPending().map((m) => m.messageId)).toEqual([1]);
  });
});
