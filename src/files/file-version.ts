/**
 * What tells one version of a file (or directory) from another, for the
 * caches that keep something derived from it (its `stat`, its bytes, its
 * compressed copies, its listing): device and inode (replaced, renamed over),
 * size and mtime (written), ctime (anything else about the inode: a chmod, a
 * link, a write that restored the mtime). `Stats` is one.
 */
export interface FileVersion {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

/** True when `a` and `b` describe the same version. */
export function sameVersion(a: FileVersion, b: FileVersion): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

/** The version `st` describes, to keep beside what was derived from it (not the whole `Stats`). */
export function versionOf(st: FileVersion): FileVersion {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
}
