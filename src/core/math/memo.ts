/**
 * Memoisation for the numerics caches (quadrature is costly; the same arguments recur in every
 * stack): a map that is emptied when it reaches its limit, so it cannot grow without end.
 */

/** The cached value of `key`, computed (and stored) on a miss. */
export function remember<T>(cache: Map<string, T>, key: string, limit: number, compute: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= limit) {
      cache.clear();
    }
    value = compute();
    cache.set(key, value);
  }
  return value;
}
