import { realpathSync, watch, type FSWatcher, type Stats } from "node:fs";
import { fsEncode } from "./fs-encoding.js";
import { sameVersion } from "./file-version.js";
import { statNow } from "./stat-now.js";

/** Limits of a StatCache. */
export interface StatCacheLimits {
  /** Paths kept (the oldest is dropped past it). */
  readonly maxEntries: number;
  /** Directories watched at once; a path whose directories cannot all be watched is stat'ed every time. */
  readonly maxWatches: number;
  /**
   * Longest time a kept stat is trusted without a `stat`, in milliseconds:
   * the bound on staleness where no change event comes (a network file
   * system, a write through a hard link in another directory, a lost event).
   */
  readonly validityMs: number;
}

/** A kept stat: what `stat` gave, when, and whether the path leads through a symbolic link (then never trusted). */
interface Entry {
  readonly stat: Stats;
  at: number;
  readonly viaLink: boolean;
}

/** A watched directory: the kept paths directly inside it and the watched directories directly below it. */
interface Watch {
  readonly watcher: FSWatcher;
  readonly files: Set<string>;
  readonly dirs: Set<string>;
}

const parentOf = (path: string): string => {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
};
const childOf = (dir: string, name: string): string => (dir === "/" ? "/" + name : dir + "/" + name);

let settling: Promise<void> | null = null;
const settle = (resolve: () => void): void => {
  setImmediate(() => {
    settling = null;
    resolve();
  });
};

/**
 * `stat` results of served paths kept between requests and dropped when the
 * file system says they changed, so an unchanged file costs no system call
 * (nginx's `open_file_cache`, without its staleness window).
 *
 * Every directory from `/` down to a kept path is watched (inotify through
 * `fs.watch`). The kernel queues a change's event during the system call that
 * makes it, so a request sent after a file was edited, replaced (renamed
 * over), deleted, touched or chmod'ed, or after a directory on its way was
 * renamed, reaches the server in the same poll of the event loop as that
 * event or a later one. The poll hands its events over in no set order (epoll
 * lists a busy socket first), so whoever serves a request awaits `settled()`
 * first: then the entry is already dropped, and an edited file is served fresh
 * at once, as with a `stat` per request. The watches are set before the
 * `stat` they protect.
 *
 * Where no event comes, `validityMs` bounds the staleness. Paths through a
 * symbolic link (whose target's directories are not watched), names that
 * are not UTF-8, relative paths and missing files (a flood of random names
 * must not grow the cache) are stat'ed every time, as before.
 */
export class StatCache {
  readonly limits: StatCacheLimits;
  readonly #entries = new Map<string, Entry>();
  readonly #watches = new Map<string, Watch>();

  constructor(limits: StatCacheLimits = { maxEntries: 10_000, maxWatches: 1_024, validityMs: 250 }) {
    this.limits = limits;
  }

  /** Paths kept. */
  get size(): number {
    return this.#entries.size;
  }

  /** Directories watched. */
  get watching(): number {
    return this.#watches.size;
  }

  /** The stat of `path` (statNow's answer: null when nothing usable is there), kept or fresh. A bound function: pass it as is. */
  readonly stat = (path: string): Stats | null => {
    const e = this.#entries.get(path);
    if (e === undefined) return this.#fill(path);
    if (e.viaLink) return statNow(path);
    const now = Date.now();
    if (now - e.at < this.limits.validityMs) return e.stat;
    const st = statNow(path);
    if (st !== null && sameVersion(st, e.stat)) {
      e.at = now;
      return e.stat; // the same object: what is derived from it (ETag, cached bytes) stays valid
    }
    this.#drop(path);
    return st;
  };

  /**
   * Resolves once the event loop's current poll phase is over, so that every
   * file-system event queued before the call has been taken in: await it
   * after a request arrived and before its first `stat`. One immediate per
   * turn of the loop, shared by every caller.
   */
  settled(): Promise<void> {
    return (settling ??= new Promise(settle));
  }

  /** Forgets every path and closes every watch. */
  clear(): void {
    for (const w of this.#watches.values()) w.watcher.close();
    this.#watches.clear();
    this.#entries.clear();
  }

  #fill(path: string): Stats | null {
    if (path.charCodeAt(0) !== 0x2f || typeof fsEncode(path) !== "string") return statNow(path);
    const dir = parentOf(path);
    // Watch first: a change after the stat below is then seen.
    if (!this.#watchDown(dir)) return statNow(path);
    let st = statNow(path);
    if (st === null) return null;
    if (st.isDirectory()) {
      // A directory's own stat (its mtime) changes with what is inside: watch it too, then stat again.
      if (!this.#watchDown(path)) return st;
      st = statNow(path);
      if (st === null) return null;
    }
    let viaLink: boolean;
    try {
      viaLink = realpathSync.native(path) !== path;
    } catch {
      return st;
    }
    if (this.#entries.size >= this.limits.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#drop(oldest.value);
    }
    this.#entries.set(path, { stat: st, at: Date.now(), viaLink });
    this.#watches.get(dir)?.files.add(path);
    return st;
  }

  /** Watches `dir` and every directory above it; false when one cannot be watched. */
  #watchDown(dir: string): boolean {
    const missing: string[] = [];
    for (let d = dir; !this.#watches.has(d); d = parentOf(d)) {
      missing.push(d);
      if (d === "/") break;
    }
    if (this.#watches.size + missing.length > this.limits.maxWatches) return false;
    for (let i = missing.length - 1; i >= 0; i--) if (!this.#watch(missing[i] as string)) return false;
    return true;
  }

  #watch(dir: string): boolean {
    let watcher: FSWatcher;
    try {
      // persistent: false: the watches never keep the process alive.
      watcher = watch(dir, { persistent: false }, (_event, name) => this.#changed(dir, name));
    } catch {
      return false; // no permission, gone, out of inotify watches: stat every time below it
    }
    watcher.on("error", () => this.#unwatch(dir));
    this.#watches.set(dir, { watcher, files: new Set(), dirs: new Set() });
    if (dir !== "/") this.#watches.get(parentOf(dir))?.dirs.add(dir);
    return true;
  }

  /** Something in `dir` changed: the entry `name`, or (no usable name) anything. */
  #changed(dir: string, name: string | Buffer | null): void {
    const w = this.#watches.get(dir);
    if (w === undefined) return;
    this.#drop(dir); // the directory's own mtime changed with it
    if (typeof name !== "string" || name === "" || name.includes("\uFFFD")) {
      for (const path of [...w.files]) this.#drop(path);
      for (const sub of [...w.dirs]) this.#unwatch(sub);
      return;
    }
    const child = childOf(dir, name);
    this.#drop(child);
    // A directory renamed, replaced or removed: its watch follows the old one; watch afresh when next needed.
    if (this.#watches.has(child)) this.#unwatch(child);
  }

  /** Stops watching `dir` and forgets everything kept below it. */
  #unwatch(dir: string): void {
    const w = this.#watches.get(dir);
    if (w === undefined) return;
    this.#watches.delete(dir);
    w.watcher.close();
    this.#watches.get(parentOf(dir))?.dirs.delete(dir);
    this.#drop(dir);
    for (const path of w.files) this.#entries.delete(path);
    for (const sub of [...w.dirs]) this.#unwatch(sub);
  }

  #drop(path: string): void {
    if (this.#entries.delete(path)) this.#watches.get(parentOf(path))?.files.delete(path);
  }
}

/** The cache SimpleHTTPRequestHandler uses unless its `statCache` is replaced (null: a `stat` per request). */
export const defaultStatCache = new StatCache();
