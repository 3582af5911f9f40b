import type { Stats } from "node:fs";
import { evict, type Recency } from "./evict.js";
import { sameVersion, versionOf, type FileVersion } from "./file-version.js";

interface Entry extends Recency {
  readonly body: Buffer;
  readonly version: FileVersion;
  /** When it was rendered. */
  readonly at: number;
}

const entrySize = (e: Entry): number => e.body.length;

/**
 * Rendered directory listings, keyed by directory and displayed path and
 * valid while the directory is the same version (`sameVersion`: adding,
 * removing or renaming an entry changes them). Listings are not kept when
 * they show a symlink (its target can change type without touching the
 * directory), nor while the directory changed within the last two seconds
 * (a second change within the file system's timestamp granularity would go
 * unseen). Bounded in entries and bytes, least recently used out first.
 */
export class ListingCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(maxEntries = 256, maxBytes = 16 * 1024 * 1024) {
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
  }

  /** Entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * A listing rendered for this directory state, or null; with `maxAgeMs`,
   * only if rendered that recently (a listing showing sizes and dates goes
   * stale when a file changes, which does not touch the directory).
   */
  get(key: string, dir: Stats, maxAgeMs = Infinity, now = Date.now()): Buffer | null {
    const e = this.#entries.get(key);
    if (!e) return null;
    if (!sameVersion(e.version, dir) || now - e.at > maxAgeMs) {
      this.#delete(key, e);
      return null;
    }
    e.used = true; // for evict(): no Map change per hit
    return e.body;
  }

  /** Keeps a rendered listing, if it is safe to (see the class comment). */
  set(key: string, dir: Stats, body: Buffer, hasSymlinks: boolean, now = Date.now()): void {
    if (hasSymlinks || now - Math.max(dir.mtimeMs, dir.ctimeMs) < 2000 || body.length > this.#maxBytes / 4) return;
    const old = this.#entries.get(key);
    if (old) this.#delete(key, old);
    this.#entries.set(key, { body, version: versionOf(dir), at: now, used: false });
    this.#bytes += body.length;
    this.#bytes = evict(this.#entries, this.#bytes, entrySize, { maxEntries: this.#maxEntries, maxBytes: this.#maxBytes }, key);
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  #delete(key: string, e: Entry): void {
    this.#entries.delete(key);
    this.#bytes -= e.body.length;
  }
}

/** The cache SimpleHTTPRequestHandler uses unless its `listingCache` is replaced (null disables it). */
export const defaultListingCache = new ListingCache();
