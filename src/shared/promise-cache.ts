/** Any map-like cache of promises (a `Map`, an `LRUCache`). */
export interface PromiseCache<K, V> {
  get(key: K): Promise<V> | undefined;
  set(key: K, value: Promise<V>): unknown;
  delete(key: K): unknown;
}

/**
 * The promise cached for `key`, or `make()` cached under it: callers asking while it is pending share it, and a
 * rejection is forgotten so that the next caller tries again.
 */
export function cachedPromise<K, V>(cache: PromiseCache<K, V>, key: K, make: () => Promise<V>): Promise<V> {
  let pending = cache.get(key);
  if (pending === undefined) {
    pending = make();
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}
