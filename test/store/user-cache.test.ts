import { describe, expect, it } from 'vitest';
import type { KnownUser, UserStore } from '../../src/store/types.js';
import { withUserCache } from '../../src/store/user-cache.js';

/** A user store that counts its reads. */
function countingUsers(): UserStore & { reads: number } {
  const rows = new Map<number, KnownUser>();
  const users = {
    reads: 0,
    async get(userId: number) {
      users.reads += 1;
      return rows.get(userId);
    },
    async note(user: { userId: number; firstName?: string; username?: string; languageCode?: string }, at = 0) {
      const old = rows.get(user.userId);
      rows.set(user.userId, {
        userId: user.userId,
        firstName: user.firstName ?? null,
        username: user.username ?? null,
        languageCode: user.languageCode ?? null,
        language: old?.language ?? null,
        seenAt: at,
      });
    },
    async setLanguage(userId: number, language: string | null, at = 0) {
      const old = rows.get(userId);
      rows.set(userId, {
        userId,
        firstName: old?.firstName ?? null,
        username: old?.username ?? null,
        languageCode: old?.languageCode ?? null,
        language,
        seenAt: old?.seenAt ?? at,
      });
    },
  };
  return users;
}

describe('withUserCache', () => {
  it('reads a person once for many captions, and sees a change made through it at once', async () => {
    const inner = countingUsers();
    const users = withUserCache(inner);
    await users.note({ userId: 7, firstName: 'Ana', languageCode: 'pt-br' });
    for (let i = 0; i < 20; i++) expect((await users.get(7))?.languageCode).toBe('pt-br');
    expect(inner.reads).toBe(1);
    await users.setLanguage(7, 'es');
    expect((await users.get(7))?.language).toBe('es');
    expect(await users.get(8)).toBeUndefined();
    expect(await users.get(8)).toBeUndefined();
    expect(inner.reads).toBe(3);
  });

  it('reads again once its time is up (a change made on another instance)', async () => {
    const inner = countingUsers();
    const users = withUserCache(inner, { ttlMs: 1 });
    await inner.setLanguage(7, 'id');
    expect((await users.get(7))?.language).toBe('id');
    await inner.setLanguage(7, 'es');
    await expect.poll(async () => (await users.get(7))?.language).toBe('es');
  });
});
