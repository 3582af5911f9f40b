/** The column a listing is sorted by. */
export type ListingSortKey = "name" | "size" | "mtime";

/** How a listing is asked for: its order, and HTML or JSON. */
export interface ListingView {
  readonly sort: ListingSortKey;
  readonly order: "asc" | "desc";
  readonly format: "html" | "json";
}

/** Name, ascending, HTML: what a listing is without a query. */
export const DEFAULT_VIEW: ListingView = Object.freeze({ sort: "name", order: "asc", format: "html" });

const SORT_KEYS: Readonly<Record<string, ListingSortKey>> = { name: "name", size: "size", mtime: "mtime", date: "mtime", modified: "mtime" };

/**
 * Reads a listing's query (`?sort=size&order=desc`, `?format=json`) and
 * `Accept` (a JSON listing for `application/json` preferred over HTML).
 * Unknown parameters and values are ignored: a listing is never an error.
 */
export function listingView(query: string, accept: string | undefined): ListingView {
  let sort: ListingSortKey = "name";
  let order: "asc" | "desc" = "asc";
  let format: "html" | "json" = acceptsJsonFirst(accept) ? "json" : "html";
  if (query !== "") {
    for (const pair of query.split("&")) {
      const eq = pair.indexOf("=");
      const key = eq < 0 ? pair : pair.slice(0, eq);
      const value = (eq < 0 ? "" : pair.slice(eq + 1)).toLowerCase();
      if (key === "sort" && SORT_KEYS[value] !== undefined) sort = SORT_KEYS[value];
      else if (key === "order" && (value === "asc" || value === "desc")) order = value;
      else if (key === "format" && (value === "json" || value === "html")) format = value;
    }
  }
  return sort === "name" && order === "asc" && format === "html" ? DEFAULT_VIEW : { sort, order, format };
}

/**
 * True when `Accept` ranks `application/json` above `text/html` (RFC 9110
 * 12.5.1 q-values; a type absent counts 0, `*` wildcards count for both).
 * A browser's `text/html,...,*\/*;q=0.8` stays HTML; `application/json` alone is JSON.
 */
export function acceptsJsonFirst(accept: string | undefined): boolean {
  if (accept === undefined || !accept.includes("json")) return false;
  let json = 0;
  let html = 0;
  for (const part of accept.split(",")) {
    const [range = "", ...params] = part.split(";");
    const type = range.trim().toLowerCase();
    let q = 1;
    for (const p of params) {
      const [k, v] = p.split("=");
      if (k?.trim().toLowerCase() === "q") q = Number(v?.trim() ?? "1");
    }
    if (!Number.isFinite(q)) continue;
    if (type === "application/json") json = Math.max(json, q);
    else if (type === "text/html") html = Math.max(html, q);
    else if (type === "*/*") {
      json = Math.max(json, q * 0.999); // a wildcard is less specific than a named type
      html = Math.max(html, q * 0.999);
    } else if (type === "application/*") json = Math.max(json, q * 0.999);
    else if (type === "text/*") html = Math.max(html, q * 0.999);
  }
  return json > html;
}
