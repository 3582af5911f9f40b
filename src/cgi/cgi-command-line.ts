import { unquote } from "../python/url-quote.js";

/**
 * The script's arguments from the query (RFC 3875 section 4.4, the
 * ISINDEX-style "search string"): a query without an unencoded `=` is
 * passed as one argument, `+` read as a space (as CPython does on Unix),
 * then percent-decoded (as section 4.4 asks; CPython leaves `%xx` as sent).
 *
 * No argument for an empty query (CPython passes `''`), and none when the
 * decoded text holds a NUL, which no argument vector can carry (section
 * 4.4: "If the server cannot create any part of the argument list, then the
 * server MUST NOT generate any command line information").
 */
export function queryArguments(query: string): string[] {
  if (query === "" || query.includes("=")) return [];
  const arg = unquote(query.replace(/\+/g, " "));
  return arg.includes("\0") ? [] : [arg];
}

/** Python's `os.path.splitext(path)[1]`: the extension of the last segment, leading dots not counting. */
export function pathExtension(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return "";
  // ".bashrc" and "..py" have no extension: everything before the dot is dots.
  if (/^\.+$/.test(name.slice(0, dot))) return "";
  return name.slice(dot);
}

/** True for the names CPython runs with the Python interpreter: `.py` and `.pyw`, any case. */
export function isPythonScriptName(path: string): boolean {
  const ext = pathExtension(path).toLowerCase();
  return ext === ".py" || ext === ".pyw";
}
