/**
 * The eviction step shared by FileCache, ListingCache and EncodedCache (CLOCK,
 * an approximation of least-recently-used): the one copy of the loop that
 * trims such a cache's Map back under its byte and entry budgets.
 */

/** The budgets `evict` trims to. */
export interface EvictLimits {
  /** Total size of the entries kept, as measured by `sizeOf`. */
  readonly maxBytes: number;
  /** Number of entries kept (default: unbounded). */
  readonly maxEntries?: number;
}

/**
 * What an entry carries for `evict`: its cache sets `used` on every hit
 * instead of moving the entry to the end of the Map. A delete and re-insert
 * per hit made V8 rebuild the Map's hash table every few requests, and a
 * long-lived Map's new table is allocated in the old generation: about 25
 * MB/s of old-space garbage at 55k req/s, and a full mark-compact every
 * second.
 */
export interface Recency {
  used: boolean;
}

/**
 * Deletes the least recently used entries of `entries` until it holds at
 * most `limits.maxEntries` entries and their sizes add up to at most
 * `limits.maxBytes`, and returns the bytes still held. The Map's order is
 * insertion order; an entry used since it was last passed gets a second
 * chance (the CLOCK approximation of LRU): its flag is cleared and it moves
 * to the end. `keep` (the entry just inserted, which is unused yet) is not
 * evicted unless it is the only one left. `bytes` is the total size of
 * `entries` on entry and `sizeOf` measures one value. Touches nothing but
 * `entries` and the flags.
 */
export function evict<K, V extends Recency>(entries: Map<K, V>, bytes: number, sizeOf: (value: V) => number, limits: EvictLimits, keep?: K): number {
  const maxEntries = limits.maxEntries ?? Infinity;
  while (entries.size > maxEntries || bytes > limits.maxBytes) {
    const oldest = entries.entries().next();
    if (oldest.done === true) break;
    const [key, value] = oldest.value;
    entries.delete(key);
    if ((value.used || key === keep) && entries.size > 0) {
      // Each flag is cleared once, and `keep` is followed by an unused entry: the loop ends.
      value.used = false;
      entries.set(key, value);
      continue;
    }
    bytes -= sizeOf(value);
  }
  return bytes;
}
