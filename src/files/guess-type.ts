import { createRequire } from "node:module";

interface MimeEntry {
  readonly source?: string;
  readonly extensions?: readonly string[];
  readonly charset?: string;
  readonly compressible?: boolean;
}

const require = createRequire(import.meta.url);
const db = require("mime-db") as Readonly<Record<string, MimeEntry>>;

// mime-types 3.x's preference when several types claim one extension: IANA over
// Apache over nginx, standard trees over vnd./x-, media types over application/.
const FACET: Record<string, number> = { "prs.": 100, "x-": 200, "x.": 300, "vnd.": 400 };
const SOURCE: Record<string, number> = { nginx: 10, apache: 20, iana: 40 };
const TYPE: Record<string, number> = { application: 1, font: 2 };

function score(type: string, source: string | undefined): number {
  if (type === "application/octet-stream") return 0;
  const [top = "", sub = ""] = type.split("/");
  const facet = /^(prs\.|x-|x\.|vnd\.)/.exec(sub)?.[1];
  return (facet ? (FACET[facet] ?? 900) : 900) + (SOURCE[source ?? ""] ?? 30) + (TYPE[top] ?? 3) + (1 - type.length / 100);
}

/** Extension (lower case, no dot) -> media type, from the mime-db database. */
export const MIME_BY_EXTENSION: ReadonlyMap<string, string> = (() => {
  const best = new Map<string, [string, number]>();
  for (const [type, entry] of Object.entries(db)) {
    for (const ext of entry.extensions ?? []) {
      const s = score(type, entry.source);
      const cur = best.get(ext);
      if (!cur || s > cur[1]) best.set(ext, [type, s]);
    }
  }
  return new Map([...best].map(([ext, [type]]) => [ext, type]));
})();

/**
 * A media type as sent in Content-Type: `; charset=utf-8` added to `text/*`
 * and to the types mime-db marks UTF-8 (JavaScript, JSON, CSS...), as Go,
 * Deno, serve and http-server do, so a browser never guesses the encoding.
 */
export function withCharset(type: string): string {
  if (type.includes(";")) return type;
  const charset = db[type]?.charset;
  if (charset !== undefined) return charset.toUpperCase() === "UTF-8" ? `${type}; charset=utf-8` : type;
  return type.startsWith("text/") ? `${type}; charset=utf-8` : type;
}

/** Extension (lower case, no dot) -> Content-Type value (MIME_BY_EXTENSION with its charset). */
const CONTENT_TYPE_BY_EXTENSION: ReadonlyMap<string, string> = new Map([...MIME_BY_EXTENSION].map(([ext, type]) => [ext, withCharset(type)]));

/**
 * Whether a response of this media type is worth compressing: mime-db's
 * `compressible` flag, and `text/*` where mime-db says nothing (the rule of
 * the `compressible` package that Express uses). Parameters are ignored.
 */
export function isCompressible(type: string): boolean {
  const semi = type.indexOf(";");
  const essence = (semi < 0 ? type : type.slice(0, semi)).trim().toLowerCase();
  // The type of every unknown file, of executables and disk images: mostly incompressible, whatever mime-db says.
  if (essence === "application/octet-stream") return false;
  const flag = db[essence]?.compressible;
  return flag ?? essence.startsWith("text/");
}

/** CPython's SimpleHTTPRequestHandler.extensions_map default (compressed files are served as such). */
export const DEFAULT_EXTENSIONS_MAP: Readonly<Record<string, string>> = Object.freeze({
  ".gz": "application/gzip",
  ".Z": "application/octet-stream",
  ".bz2": "application/x-bzip2",
  ".xz": "application/x-xz",
});

/** Python's `posixpath.splitext(path)[1]`: the last suffix of the base name, leading dots not counted. */
export function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  if (dot <= 0) return "";
  let i = 0;
  while (i < dot && base[i] === ".") i++;
  return i === dot ? "" : base.slice(dot);
}

/**
 * CPython's `guess_type`: the suffix looked up in `extensionsMap` as given,
 * then lower-cased, then in mime-db, then `application/octet-stream`. A type
 * from mime-db carries its charset (see withCharset); an `extensionsMap`
 * entry is returned exactly as written.
 */
export function guessType(path: string, extensionsMap: Readonly<Record<string, string>> = DEFAULT_EXTENSIONS_MAP): string {
  const ext = extensionOf(path);
  if (ext === "") return "application/octet-stream";
  const exact = Object.prototype.hasOwnProperty.call(extensionsMap, ext) ? extensionsMap[ext] : undefined;
  if (exact !== undefined) return exact;
  const lower = ext.toLowerCase();
  const folded = Object.prototype.hasOwnProperty.call(extensionsMap, lower) ? extensionsMap[lower] : undefined;
  if (folded !== undefined) return folded;
  return CONTENT_TYPE_BY_EXTENSION.get(lower.slice(1)) ?? "application/octet-stream";
}
