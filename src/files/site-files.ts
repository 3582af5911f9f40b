import { readFileSync, realpathSync, statSync } from "node:fs";
import { fsDecode, fsEncode } from "./fs-encoding.js";
import { joinPath } from "./translate-path.js";

/** The real path of each served directory, found once. */
const realRoots = new Map<string, string | null>();

function realpathOf(path: string): string | null {
  try {
    return fsDecode(realpathSync(fsEncode(path) as string, { encoding: "buffer" as unknown as "utf8" }) as unknown as Buffer);
  } catch {
    return null;
  }
}

/**
 * The real path of `path` (every symbolic link resolved) when it lies inside
 * the real path of `root`, else null (outside, or not there). Checked on the
 * real path, not by comparing strings of the request: `a/../../x` and a link
 * to `/etc` are both caught.
 */
export function confinedPath(root: string, path: string): string | null {
  let realRoot = realRoots.get(root);
  if (realRoot === undefined) {
    realRoot = realpathOf(root);
    realRoots.set(root, realRoot);
  }
  if (realRoot === null) return null;
  const real = realpathOf(path);
  if (real === null) return null;
  if (real === realRoot || real.startsWith(realRoot.endsWith("/") ? realRoot : realRoot + "/")) {
    return path.endsWith("/") && !real.endsWith("/") ? real + "/" : real;
  }
  return null;
}

/**
 * The bytes of `name` under `root` when it is a regular file of at most 1
 * MiB (and, unless `followLinks`, really inside `root`), else null: the 404
 * page then falls back to CPython's.
 */
export function readNotFoundPage(root: string, name: string, followLinks = true): Buffer | null {
  const path = followLinks ? joinPath(root, name) : confinedPath(root, joinPath(root, name));
  if (path === null) return null;
  const file = fsEncode(path);
  try {
    const st = statSync(file);
    if (!st.isFile() || st.size > 1024 * 1024) return null;
    return readFileSync(file);
  } catch {
    return null;
  }
}
