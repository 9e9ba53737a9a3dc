import Database from 'better-sqlite3';
import type { Config } from '../../src/config/config.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';

/**
 * The SQLite store the config names, behind a disk that can fail: while `failing`, every call of every repository
 * (and `ping`) rejects with the error better-sqlite3 gives for an unreadable file (`SQLITE_IOERR`). The tests run as
 * root, to whom no file can be made unreadable; this is the same failure, from where the app sees it.
 */
export function failingDisk(): { open: (config: Config) => Promise<Store>; fail(): void; heal(): void } {
  let failing = false;
  const broken = () => Promise.reject(new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_READ'));
  const guard = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, key, receiver) {
        const value: unknown = Reflect.get(object, key, receiver);
        if (typeof value !== 'function' || key === 'close') return value;
        return (...args: unknown[]) => (failing ? broken() : (value as (...a: unknown[]) => unknown).apply(object, args));
      },
    });
  return {
    async open(config) {
      const store = await openStore(config);
      const wrapped: Record<string, unknown> = { ...store };
      for (const [key, value] of Object.entries(store)) {
        if (value !== null && typeof value === 'object' && key !== 'postgres') wrapped[key] = guard(value as object);
      }
      wrapped['ping'] = () => (failing ? broken() : store.ping());
      return wrapped as unknown as Store;
    },
    fail() {
      failing = true;
    },
    heal() {
      failing = false;
    },
  };
}
