import { escapeHtml } from "../python/html-escape.js";
import { fsEncode } from "./fs-encoding.js";
import { quote, unquote } from "../python/url-quote.js";

/** One entry of a directory, as the listing needs it. */
export interface ListingEntry {
  /** The name (undecodable bytes as lone surrogates, see fs-encoding.ts). */
  readonly name: string;
  /** It is a directory (after following a symlink). */
  readonly isDirectory: boolean;
  /** It is a symbolic link. */
  readonly isSymlink: boolean;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Python's string order: by code point. JavaScript's `<` compares UTF-16
 * code units, which puts astral characters (emoji) and undecodable bytes
 * (U+DC80..U+DCFF) before U+E000..U+FFFF; compare code points when either
 * string has a surrogate.
 */
function compareCodePoints(x: string, y: string): number {
  if (!SURROGATE.test(x) && !SURROGATE.test(y)) return x < y ? -1 : x > y ? 1 : 0;
  const a = x[Symbol.iterator]();
  const b = y[Symbol.iterator]();
  for (;;) {
    const ca = a.next();
    const cb = b.next();
    if (ca.done || cb.done) return ca.done && cb.done ? 0 : ca.done ? -1 : 1;
    const pa = ca.value.codePointAt(0) as number;
    const pb = cb.value.codePointAt(0) as number;
    if (pa !== pb) return pa < pb ? -1 : 1;
  }
}

/** Python's `str.lower` order of two names: case-insensitive, by code point. */
export function compareNames(a: string, b: string): number {
  return compareCodePoints(a.toLowerCase(), b.toLowerCase());
}

/** Python's `sorted(names, key=str.lower)`: case-insensitive (code point order), stable. */
export function sortEntries<T extends { readonly name: string }>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => compareNames(a.name, b.name));
}

/**
 * The HTML of CPython's directory listing for `requestPath` (title and h1
 * `Directory listing for /path/`, query and fragment left out as CPython 3.14
 * does since gh-133889, where 3.13's test_undecodable_parameter still
 * expects `/dir/?x=123`; entries sorted
 * case-insensitively, `/` after directories, `@` after symlinks, hrefs
 * URL-quoted, text HTML-escaped), encoded as UTF-8 with undecodable name
 * bytes written back raw, like CPython's `surrogateescape`.
 */
export function renderDirectoryListing(requestPath: string, entries: readonly ListingEntry[]): Buffer {
  let display = requestPath;
  const hash = display.indexOf("#");
  if (hash >= 0) display = display.slice(0, hash);
  const q = display.indexOf("?");
  if (q >= 0) display = display.slice(0, q);
  const title = `Directory listing for ${escapeHtml(unquote(display), false)}`;
  const r: string[] = [
    "<!DOCTYPE HTML>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<style type="text/css">\n:root {\ncolor-scheme: light dark;\n}\n</style>',
    `<title>${title}</title>\n</head>`,
    `<body>\n<h1>${title}</h1>`,
    "<hr>\n<ul>",
  ];
  for (const e of sortEntries(entries)) {
    let display = e.name;
    let link = e.name;
    if (e.isDirectory) {
      display += "/";
      link += "/";
    }
    if (e.isSymlink) display = e.name + "@";
    r.push(`<li><a href="${quote(link)}">${escapeHtml(display, false)}</a></li>`);
  }
  r.push("</ul>\n<hr>\n</body>\n</html>\n");
  const text = r.join("\n");
  const encoded = fsEncode(text);
  return typeof encoded === "string" ? Buffer.from(encoded, "utf8") : encoded;
}
