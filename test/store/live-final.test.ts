import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { LiveMessage } from '../../src/store/types.js';
import { makeOldDatabase, useStores, useTempDir } from './temp-dir.js';

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
  it('are kept across a reopen with their reason, listed until settled, and not live', async () => {
    const path = join(tempDir(), 'store.sqlite');
    const first = await open(path);
    await first.liveMessages.save(row);
    await first.liveMessages.save({ ...row, messageId: 2 });
    await first.liveMessages.update(100, 1, { state: 'expired', expiredReason: 'timed_out', finalEditSince: 1_700_000_001_000 });
    await first.close();

    const store = await open(path);
    expect(await store.liveMessages.listFinalPending()).toEqual([
      expect.objectContaining({ messageId: 1, state: 'expired', expiredReason: 'timed_out', finalEditSince: 1_700_000_001_000 }),
    ]);
    expect((await store.liveMessages.listLive()).map((m) => m.messageId)).toEqual([2]);

    await store.liveMessages.update(100, 1, { finalEditSince: null });
    expect(await store.liveMessages.listFinalPending()).toEqual([]);
    expect(await store.liveMessages.get(100, 1)).toMatchObject({ state: 'expired', expiredReason: 'timed_out' });
  });

  it('are added to a database created before them, keeping its live messages', async () => {
    const path = join(tempDir(), 'old.sqlite');
    await makeOldDatabase(path, 2);
    const old = new Database(path);
    old
      .prepare(
        `INSERT INTO live_messages (chat_id, message_id, user_id, session_id, state, fingerprint, expires_at, deadline_at, created_at, updated_at)
         VALUES (100, 1, 7, 'alpha', 'showing', 'fp-1', NULL, 1700000600000, 1700000000000, 1700000000000)`,
      )
      .run();
    expect(old.pragma('user_version', { simple: true })).toBe(2);
    old.close();

    const store = await open(path);
    expect(await store.liveMessages.get(100, 1)).toEqual(row);
    expect(await store.liveMessages.listFinalPending()).toEqual([]);
    await store.liveMessages.update(100, 1, { state: 'cancelled', finalEditSince: 5 });
    expect((await store.liveMessages.listFinalPending()).map((m) => m.messageId)).toEqual([1]);
  });
});
