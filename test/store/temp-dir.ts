import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createStore, type StoreOptions } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/types.js';

/** A fresh directory under the OS temp dir per call, removed after each test. */
export function useTempDir(): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasend-store-'));
    made.push(dir);
    return dir;
  };
}

/** `open(path, options)` opens a store; every store it opened is closed after each test. */
export function useStores(): (path: string, options?: StoreOptions) => Store {
  const opened: Store[] = [];
  afterEach(() => {
    for (const store of opened.splice(0)) store.close();
  });
  return (path, options) => {
    const store = createStore(path, options);
    opened.push(store);
    return store;
  };
}
