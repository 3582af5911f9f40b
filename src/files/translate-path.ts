import { unquote } from "../python/url-quote.js";

/** Python's `posixpath.normpath`. */
export function normpath(path: string): string {
  if (path === "") return ".";
  let initial = path.startsWith("/") ? 1 : 0;
  if (initial && path.startsWith("//") && !path.startsWith("///")) initial = 2;
  const out: string[] = [];
  for (const comp of path.split("/")) {
    if (comp === "" || comp === ".") continue;
    if (comp !== ".." || (!initial && out.length === 0) || (out.length > 0 && out[out.length - 1] === "..")) out.push(comp);
    else if (out.length > 0) out.pop();
  }
  const joined = "/".repeat(initial) + out.join("/");
  return joined === "" ? "." : joined;
}

const PLAIN_PATH = /^(?:\/[A-Za-z0-9_~-][A-Za-z0-9_.~-]*)+\/?$/;

/**
 * Maps a request path to a file under `directory` as CPython 3.14+ does:
 * query and fragment dropped, percent-decoded (`%2f` is a `/`), `.` and `..`
 * resolved without ever climbing above `directory`, and a trailing `/`
 * (before or after decoding: gh-134098) kept as the directory marker. Undecodable
 * bytes come back as lone surrogates (see fs-encoding.ts).
 */
export function translatePath(path: string, directory: string): string {
  // The common case, "/dir/file.ext" with nothing to decode or resolve
  // (no "%", "?", "#", "//", and no segment starting with "."), maps directly.
  if (PLAIN_PATH.test(path)) return directory.endsWith("/") ? directory + path.slice(1) : directory + path;
  let p = path;
  const hash = p.indexOf("#");
  if (hash >= 0) p = p.slice(0, hash);
  const q = p.indexOf("?");
  if (q >= 0) p = p.slice(0, q);
  p = unquote(p);
  const trailingSlash = p.endsWith("/");
  let result = directory;
  for (const word of normpath(p).split("/")) {
    if (word === "" || word === "." || word === "..") continue;
    result = result.endsWith("/") ? result + word : result + "/" + word;
  }
  if (trailingSlash) result += "/";
  return result;
}

/** `dir` + `/` + `name`, without doubling a trailing slash of `dir` (`os.path.join` for one plain name). */
export function joinPath(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : dir + "/" + name;
}
