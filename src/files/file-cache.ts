import { closeSync, fstatSync, openSync, type Stats } from "node:fs";
import { readFullySync } from "./read-fully.js";
import { evict, type Recency } from "./evict.js";
import { sameVersion, versionOf, type FileVersion } from "./file-version.js";

/** What a cached file was when it was read; a `stat` that differs in any of these makes the entry stale. */
interface Entry extends Recency {
  readonly data: Buffer;
  readonly version: FileVersion;
}

const entrySize = (e: Entry): number => e.data.length;

/** Limits of a FileCache. */
export interface FileCacheLimits {
  /** Largest file kept, in bytes. */
  readonly maxFileSize: number;
  /** Total bytes of all entries. */
  readonly maxBytes: number;
}

/**
 * A bounded LRU cache of small files' contents, validated on every use
 * against a fresh `stat` (device, inode, size, mtime and ctime): an edited,
 * replaced or deleted file is never served stale, while an unchanged one
 * costs a stat instead of open + read + close.
 */
export class FileCache {
  readonly limits: FileCacheLimits;
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;

  constructor(limits: FileCacheLimits = { maxFileSize: 256 * 1024, maxBytes: 64 * 1024 * 1024 }) {
    this.limits = limits;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The contents of the file at `path`, which `st` (a stat taken for this
   * request) describes; read and cached when absent or stale. Returns null
   * for files over `maxFileSize`, or when the file changed while being read.
   */
  get(path: string | Buffer, st: Stats): Buffer | null {
    if (st.size > this.limits.maxFileSize) return null;
    const key = typeof path === "string" ? path : path.toString("latin1") + "\0b";
    const hit = this.#entries.get(key);
    if (hit && sameVersion(hit.version, st)) {
      hit.used = true; // for evict(): no Map change per hit
      return hit.data;
    }
    if (hit) this.#remove(key, hit);
    const entry = this.#read(path, st);
    if (entry === null) return null;
    this.#entries.set(key, entry);
    this.#bytes += entry.data.length;
    this.#bytes = evict(this.#entries, this.#bytes, entrySize, { maxBytes: this.limits.maxBytes }, key);
    return entry.data;
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  #remove(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#bytes -= entry.data.length;
  }

  #read(path: string | Buffer, st: Stats): Entry | null {
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch {
      return null;
    }
    try {
      const before = fstatSync(fd);
      if (!before.isFile() || before.ino !== st.ino || before.size !== st.size || before.mtimeMs !== st.mtimeMs) return null;
      const data = Buffer.allocUnsafeSlow(st.size);
      if (!readFullySync(fd, data, 0)) return null; // shrank while reading
      const after = fstatSync(fd);
      // Written to while we read: do not keep (or serve) a torn copy.
      if (after.size !== before.size || after.mtimeMs !== before.mtimeMs || after.ctimeMs !== before.ctimeMs) return null;
      return { data, version: versionOf(after), used: false }; // the same ino, size and mtime as st (checked above)
    } catch {
      return null;
    } finally {
      closeSync(fd);
    }
  }
}

/** The cache SimpleHTTPRequestHandler uses unless its `fileCache` is replaced (null disables caching). */
export const defaultFileCache = new FileCache();
