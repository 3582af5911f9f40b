/**
 * The least-recently-used eviction step shared by FileCache and ListingCache.
 * Both keep their entries in a Map whose insertion order is the LRU order (a
 * hit is deleted and re-inserted, so the first key is the oldest); this
 * module holds the one copy of the loop that trims such a Map back under its
 * byte and entry budgets.
 */

/** The budgets `evict` trims to. */
export interface EvictLimits {
  /** Total size of the entries kept, as measured by `sizeOf`. */
  readonly maxBytes: number;
  /** Number of entries kept (default: unbounded). */
  readonly maxEntries?: number;
}

/**
 * Deletes the oldest entries of `entries` (first inserted first) until it
 * holds at most `limits.maxEntries` entries and their sizes add up to at most
 * `limits.maxBytes`, and returns the bytes still held. `bytes` is the total
 * size of `entries` on entry and `sizeOf` measures one value. Touches nothing
 * but `entries`.
 */
export function evict<K, V>(entries: Map<K, V>, bytes: number, sizeOf: (value: V) => number, limits: EvictLimits): number {
  const maxEntries = limits.maxEntries ?? Infinity;
  while (entries.size > maxEntries || bytes > limits.maxBytes) {
    const oldest = entries.entries().next();
    if (oldest.done === true) break;
    const [key, value] = oldest.value;
    entries.delete(key);
    bytes -= sizeOf(value);
  }
  return bytes;
}
