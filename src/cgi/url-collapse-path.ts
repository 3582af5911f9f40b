import { unquote } from "../python/url-quote.js";

/**
 * CPython's `http.server._url_collapse_path`: the request path percent-decoded,
 * with empty and `.` segments dropped and `..` applied, always starting with
 * `/`; the last segment stays apart (`/a/b/` keeps its trailing slash). A
 * query (after the first `?`) is appended undecoded. `isCgi()` matches CGI
 * directories against this form, so `/cgi-bin%2fx.py`, `/x/../cgi-bin/y.sh`
 * and `cgi-bin/y.sh` are all recognised.
 *
 * Returns null where CPython raises IndexError: the path climbs above the root
 * (`/..`, `/a/../..`); such a request must not reach any script.
 */
export function urlCollapsePath(path: string): string | null {
  const q = path.indexOf("?");
  const query = q >= 0 ? path.slice(q + 1) : "";
  const parts = unquote(q >= 0 ? path.slice(0, q) : path).split("/");
  const head: string[] = [];
  // String.split always yields at least one element, so the tail exists.
  let tail = parts.pop() as string;
  for (const part of parts) {
    if (part === "..") {
      if (head.length === 0) return null;
      head.pop();
    } else if (part !== "" && part !== ".") head.push(part);
  }
  if (tail === "..") {
    if (head.length === 0) return null;
    head.pop();
    tail = "";
  } else if (tail === ".") tail = "";
  if (query) tail += "?" + query;
  return "/" + head.join("/") + "/" + tail;
}
