import { escapeHtml } from "../python/html-escape.js";
import { quote, unquote } from "../python/url-quote.js";
import { compareNames, type ListingEntry } from "./directory-listing.js";
import { fsEncode } from "./fs-encoding.js";
import type { ListingView } from "./listing-query.js";
import { LISTING_SCRIPT, LISTING_STYLE } from "./rich-listing-assets.js";

/** A listing entry with what the rich listing shows beyond its name. */
export interface RichListingEntry extends ListingEntry {
  /** Bytes (of the link's target for a symlink); null for a directory or when unknown. */
  readonly size: number | null;
  /** Last modification, ms since the epoch; null when unknown (a broken link). */
  readonly mtimeMs: number | null;
}

/** What the page says beyond its entries. */
export interface RichListingContext {
  /** The server's time zone, named in the date column's header (e.g. `UTC`, `Europe/Paris`). */
  readonly timeZone: string;
  /** Entries left out (dotfiles): said at the foot of the page. */
  readonly hidden: number;
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/** `0 B`, `999 B`, `1.0 KiB`, `12 KiB`, `1.5 MiB`: three significant figures at most, binary units. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  let n = bytes;
  let unit = 0;
  while (n >= 1024 && unit < UNITS.length - 1) {
    n /= 1024;
    unit++;
  }
  if (n < 9.95) return `${n.toFixed(1)} ${UNITS[unit]}`;
  const r = Math.round(n);
  // 1023.6 KiB would read "1024 KiB": it is 1.0 MiB.
  if (r >= 1024 && unit < UNITS.length - 1) return `1.0 ${UNITS[unit + 1]}`;
  return `${r} ${UNITS[unit]}`;
}

const pad = (n: number): string => (n < 10 ? "0" + n : String(n));

/** `2026-11-30 09:15` in the process's local time (the zone the date column's header names). */
export function formatLocalDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const KINDS: ReadonlyArray<readonly [string, RegExp]> = [
  ["image", /\.(png|jpe?g|gif|webp|avif|svg|ico|bmp|tiff?)$/i],
  ["video", /\.(mp4|webm|mov|mkv|avi|m4v|ogv)$/i],
  ["audio", /\.(mp3|wav|ogg|oga|flac|m4a|aac|opus)$/i],
  ["archive", /\.(zip|tar|gz|tgz|bz2|xz|7z|rar|zst|br)$/i],
  ["pdf", /\.pdf$/i],
  ["code", /\.(m?[jt]sx?|cjs|json|html?|css|py|rb|go|rs|c|h|cc|cpp|hpp|java|kt|swift|sh|wasm|xml|ya?ml|toml)$/i],
  ["text", /\.(txt|md|csv|tsv|log|rst|ini|conf)$/i],
];

/** The marker class of an entry: `dir`, `link`, or a kind of file by its extension (`image`, `code`, ...). */
export function entryKind(e: ListingEntry): string {
  if (e.isDirectory) return "dir";
  if (e.isSymlink) return "link";
  for (const [kind, re] of KINDS) if (re.test(e.name)) return kind;
  return "file";
}

/**
 * The listing's order: directories first, then by `view.sort` (size and date
 * ties, and names, in Python's case-insensitive code-point order), reversed
 * for `desc` within each group.
 */
export function sortRichEntries<T extends RichListingEntry>(entries: readonly T[], view: ListingView): T[] {
  const sign = view.order === "desc" ? -1 : 1;
  const key = (e: T): number => (view.sort === "size" ? (e.size ?? -1) : view.sort === "mtime" ? (e.mtimeMs ?? -1) : 0);
  return [...entries].sort((a, b) => {
    if (a.isDirectory !== b.isDirectory) return a.isDirectory ? -1 : 1;
    const k = key(a) - key(b);
    return sign * (k !== 0 ? k : compareNames(a.name, b.name));
  });
}

/** The path without query and fragment, as the title shows it. */
function displayPath(requestPath: string): string {
  let p = requestPath;
  const hash = p.indexOf("#");
  if (hash >= 0) p = p.slice(0, hash);
  const q = p.indexOf("?");
  return q >= 0 ? p.slice(0, q) : p;
}

/** Breadcrumbs: a link for the root and for each segment of the path, as the client wrote it. */
function breadcrumbs(path: string): string {
  const segments = path.split("/").filter((s) => s !== "");
  const out = ['<a href="/">/</a>'];
  let href = "/";
  for (const seg of segments) {
    href += seg + "/";
    out.push(`<a href="${escapeHtml(href)}">${escapeHtml(unquote(seg), false)}</a>/`);
  }
  return out.join(" ");
}

const COLUMNS: ReadonlyArray<readonly [ListingView["sort"], string]> = [
  ["name", "Name"],
  ["size", "Size"],
  ["mtime", "Modified"],
];

/** A column header: a link to sort by it (the other order when it is the current sort), and aria-sort. */
function header(view: ListingView, sort: ListingView["sort"], label: string): string {
  const current = view.sort === sort;
  const order = current && view.order === "asc" ? "desc" : "asc";
  const aria = current ? ` aria-sort="${view.order === "asc" ? "ascending" : "descending"}"` : "";
  const arrow = current ? (view.order === "asc" ? " ▲" : " ▼") : "";
  return `<th scope="col" data-sort="${sort}"${aria}><a href="?sort=${sort}&amp;order=${order}">${label}</a>${arrow}</th>`;
}

/**
 * The command line's listing: a table of name, size and date with
 * breadcrumbs, a parent link, directories first, sortable by query
 * (`?sort=size&order=desc`) without JavaScript (a small script sorts in
 * place when it runs), type markers in CSS, dark mode from
 * `prefers-color-scheme`, readable on a phone. Entry links and names are
 * CPython's (`quote(name)` plus `/` for directories; `/` and `@` in the
 * text), so scripts that scrape a Python listing keep working. UTF-8, with
 * undecodable name bytes written back raw as CPython's `surrogateescape` does.
 */
export function renderRichListing(requestPath: string, entries: readonly RichListingEntry[], view: ListingView, ctx: RichListingContext): Buffer {
  const path = displayPath(requestPath);
  const title = `Directory listing for ${escapeHtml(unquote(path), false)}`;
  const r: string[] = [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>${LISTING_STYLE}</style>`,
    "</head>",
    "<body>",
    `<nav class="crumbs" aria-label="Path">${breadcrumbs(path)}</nav>`,
    `<h1>${title}</h1>`,
    "<table>",
    `<thead><tr>${COLUMNS.map(([s, l]) => header(view, s, l === "Modified" ? `Modified (${escapeHtml(ctx.timeZone)})` : l)).join("")}</tr></thead>`,
    "<tbody>",
  ];
  if (path !== "/" && path !== "") r.push('<tr class="up"><td><a href="../">../</a><td><td>');
  for (const e of sortRichEntries(entries, view)) {
    const link = e.isDirectory ? e.name + "/" : e.name;
    const text = e.isSymlink ? e.name + "@" : link;
    // Rows are kept short (end tags omitted, as HTML allows): a listing of thousands of files is
    // sent often, and its size is its cost. The exact size is the text below 1 KiB, else the title;
    // the date is ISO 8601 to the minute in the zone the header names (the JSON listing has it exact).
    const size = e.size === null ? "<td>" : e.size < 1024 ? `<td>${e.size} B` : `<td title="${e.size} bytes">${formatSize(e.size)}`;
    const date = e.mtimeMs === null ? "<td>" : `<td>${formatLocalDate(e.mtimeMs)}`;
    r.push(`<tr class="k-${entryKind(e)}"><td><a href="${quote(link)}">${escapeHtml(text, false)}</a>${size}${date}`);
  }
  r.push("</tbody>", "</table>");
  const count = `${entries.length} ${entries.length === 1 ? "entry" : "entries"}`;
  const hidden = ctx.hidden > 0 ? `; ${ctx.hidden} hidden (names starting with a dot)` : "";
  r.push(`<footer>${count}${hidden}</footer>`, `<script>${LISTING_SCRIPT}</script>`, "</body>", "</html>", "");
  const encoded = fsEncode(r.join("\n"));
  return typeof encoded === "string" ? Buffer.from(encoded, "utf8") : encoded;
}

/**
 * The listing for scripts: `{"path", "entries": [{name, type, size, mtime,
 * link}]}` in the listing's order, `type` one of `directory`, `file`,
 * `symlink`, `mtime` ISO 8601 in UTC, `link` the href the HTML listing uses.
 */
export function renderJsonListing(requestPath: string, entries: readonly RichListingEntry[], view: ListingView): Buffer {
  const out = sortRichEntries(entries, view).map((e) => ({
    name: e.name,
    type: e.isSymlink ? "symlink" : e.isDirectory ? "directory" : "file",
    size: e.size,
    mtime: e.mtimeMs === null ? null : new Date(e.mtimeMs).toISOString(),
    link: quote(e.isDirectory ? e.name + "/" : e.name),
  }));
  // JSON.stringify writes a lone surrogate (an undecodable byte of a name) as \udcXX: valid JSON.
  return Buffer.from(JSON.stringify({ path: unquote(displayPath(requestPath)), entries: out }) + "\n", "utf8");
}
