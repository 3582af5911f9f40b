import { urlCollapsePath } from "./url-collapse-path.js";

/** A request path under a CGI directory: CPython's `cgi_info`, and the query split off. */
export interface CgiPath {
  /** `[dir, rest]`: the CGI directory, and the rest of the path with `?query` kept (CPython's `cgi_info`). */
  readonly info: [dir: string, rest: string];
  /** The query, split off before decoding, so a `%3F` in the path is not taken for its start. */
  readonly query: string;
}

/**
 * CPython's `is_cgi()`: the path, percent-decoded and collapsed
 * (`_url_collapse_path`), is under one of `dirs` when it starts with one of
 * them followed by `/`. Null when it is not; throws RangeError when the path
 * climbs above the root.
 */
export function splitCgiPath(raw: string, dirs: readonly string[]): CgiPath | null {
  const q = raw.indexOf("?");
  const query = q >= 0 ? raw.slice(q + 1) : "";
  const collapsed = urlCollapsePath(q >= 0 ? raw.slice(0, q) : raw);
  if (collapsed === null) throw new RangeError("the path climbs above the root");
  let sep = collapsed.indexOf("/", 1);
  while (sep > 0 && !dirs.includes(collapsed.slice(0, sep))) sep = collapsed.indexOf("/", sep + 1);
  if (sep <= 0) return null;
  return { info: [collapsed.slice(0, sep), collapsed.slice(sep + 1) + (query ? "?" + query : "")], query };
}
