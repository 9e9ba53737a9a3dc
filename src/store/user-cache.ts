import { LRUCache } from 'lru-cache';
import type { KnownUser, UserStore } from './types.js';

/** Options of {@link withUserCache}. */
export interface UserCacheOptions {
  /** How long a read is trusted, ms (a change made on another instance shows after at most this). Default 30000. */
  readonly ttlMs?: number;
  /** People kept. Default 10000. */
  readonly max?: number;
}

/**
 * The people store with its reads kept for a while: their language is read for every caption of every edit, and
 * a day of rotations would read it thousands of times. A change through this store is seen here at once.
 */
export function withUserCache(users: UserStore, options: UserCacheOptions = {}): UserStore {
  const cache = new LRUCache<number, { user: KnownUser | undefined }>({ max: options.max ?? 10_000, ttl: options.ttlMs ?? 30_000 });
  return {
    async get(userId) {
      const cached = cache.get(userId);
      if (cached !== undefined) return cached.user;
      const user = await users.get(userId);
      cache.set(userId, { user });
      return user;
    },
    async note(user, at) {
      cache.delete(user.userId);
      await users.note(user, at);
      cache.delete(user.userId);
    },
    async setLanguage(userId, language, at) {
      cache.delete(userId);
      await users.setLanguage(userId, language, at);
      cache.delete(userId);
    },
  };
}
