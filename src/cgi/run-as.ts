import { accessSync, constants, readFileSync, realpathSync, statSync, type Stats } from "node:fs";
import path from "node:path";

/** A user and group a script runs as. */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

let nobodyCache: RunAs | null = null;

/**
 * Parses `/etc/passwd` text for CPython's `nobody_uid()`: the `nobody`
 * entry, else one more than the largest uid (and gid) listed. Pure.
 */
export function nobodyFromPasswd(passwd: string): RunAs {
  let maxUid = 0;
  let maxGid = 0;
  for (const line of passwd.split("\n")) {
    const f = line.split(":");
    if (f.length < 4) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    if (f[0] === "nobody") return { uid, gid };
    maxUid = Math.max(maxUid, uid);
    maxGid = Math.max(maxGid, gid);
  }
  return { uid: maxUid + 1, gid: maxGid + 1 };
}

/**
 * The user CGI scripts run as when the server runs as root (CPython's
 * `nobody_uid()`), with nobody's group too: CPython keeps gid 0, which
 * leaves the script every file of group root. Null when the server is not
 * root (scripts run as the server's user).
 */
export function cgiRunAs(): RunAs | null {
  if (typeof process.geteuid !== "function" || process.geteuid() !== 0) return null;
  if (nobodyCache) return nobodyCache;
  let passwd = "";
  try {
    passwd = readFileSync("/etc/passwd", "latin1");
  } catch {
    // no passwd file: CPython's fallback is then uid 1 as well
  }
  nobodyCache = nobodyFromPasswd(passwd);
  return nobodyCache;
}

/** The permission bits of `st` that apply to `who` (owner, group or other), as a 3-bit rwx value. */
function bitsFor(st: Stats, who: RunAs): number {
  if (st.uid === who.uid) return (st.mode >> 6) & 7;
  if (st.gid === who.gid) return (st.mode >> 3) & 7;
  return st.mode & 7;
}

/** Whether `who` may pass through `dir` and every directory above it; paths as latin-1 strings of their bytes. */
function searchable(dir: string, who: RunAs): boolean {
  for (let d = dir; ; d = path.posix.dirname(d)) {
    let st: Stats;
    try {
      st = statSync(Buffer.from(d, "latin1"));
    } catch {
      return false;
    }
    if ((bitsFor(st, who) & 1) === 0) return false;
    if (path.posix.dirname(d) === d) return true;
  }
}

/**
 * True when `file` can be executed: by this process (`access(X_OK)`, as
 * CPython's `executable()`), or, when the script is to run as another user,
 * by that user, judged from the permission bits of the file and of every
 * directory above it and above its real path (root's access() would say yes
 * to any x bit).
 */
export function canExecute(file: string | Buffer, who: RunAs | null): boolean {
  if (who === null) {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }
  try {
    // Work on the name's bytes (as latin-1 text) so names that are not UTF-8 survive.
    const bytes = typeof file === "string" ? Buffer.from(file, "utf8") : file;
    const name = path.posix.resolve(bytes.toString("latin1"));
    const real = realpathSync(bytes, { encoding: "buffer" }).toString("latin1");
    const st = statSync(bytes);
    return st.isFile() && (bitsFor(st, who) & 1) === 1 && searchable(path.posix.dirname(name), who) && searchable(path.posix.dirname(real), who);
  } catch {
    return false;
  }
}

const pathCache = new Map<string, string | null>();

/**
 * The first `name` on `searchPath` (a PATH value) that the script's user can
 * execute, or null. Cached per PATH and user: a server's PATH does not change.
 */
export function findExecutable(name: string, searchPath: string, who: RunAs | null): string | null {
  const key = `${who ? `${who.uid}:${who.gid}` : "-"}\0${searchPath}\0${name}`;
  const cached = pathCache.get(key);
  if (cached !== undefined) return cached;
  let found: string | null = null;
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.resolve(dir, name);
    if (canExecute(candidate, who)) {
      found = candidate;
      break;
    }
  }
  pathCache.set(key, found);
  return found;
}
