import { BufferSource, type BodySource } from "../files/body-source.js";
import { renderDirectoryListing, type ListingEntry } from "../files/directory-listing.js";
import { isDotPath } from "../files/file-plan.js";
import type { ListingCache } from "../files/listing-cache.js";
import { readListingEntries, readRichListingEntries } from "../files/listing-entries.js";
import { listingView, type ListingView } from "../files/listing-query.js";
import { renderJsonListing, renderRichListing } from "../files/rich-listing.js";
import { splitTarget } from "../files/split-target.js";
import { statNow } from "../files/stat-now.js";
import type { HeaderMap } from "../wire/header-map.js";

/** What sending a listing needs of SimpleHTTPRequestHandler (its public API, no more). */
export interface ListingResponder {
  readonly path: string;
  readonly headers: HeaderMap;
  readonly listingCache: ListingCache | null;
  readonly listingStyle: "python" | "rich";
  readonly dotfiles: "allow" | "deny";
  sendResponse(code: number, message?: string): void;
  sendHeader(keyword: string, value: string | number): void;
  endHeaders(): Promise<void>;
  sendExtraResponseHeaders(): void;
}

/** A rich listing's sizes and dates may be this old (a file's change does not touch its directory). */
const RICH_MAX_AGE_MS = 1000;

/** The server's time zone, as the date column names it. */
const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || "local time";

/** Drops names starting with a dot (but `.well-known`) when dotfiles are hidden; counts them. */
function visible<T extends ListingEntry>(entries: readonly T[], dotfiles: "allow" | "deny"): { shown: T[]; hidden: number } {
  if (dotfiles === "allow") return { shown: [...entries], hidden: 0 };
  const shown = entries.filter((e) => !isDotPath(e.name));
  return { shown, hidden: entries.length - shown.length };
}

/** Listings being rendered, by cache key. */
const rendering = new Map<string, Promise<{ body: Buffer; hasSymlinks: boolean }>>();

/** Reads a directory and renders its listing in the style and view asked for. */
async function render(h: ListingResponder, path: string, view: ListingView | null): Promise<{ body: Buffer; hasSymlinks: boolean }> {
  if (view === null) {
    const { shown } = visible(await readListingEntries(path), h.dotfiles);
    return { body: renderDirectoryListing(h.path, shown), hasSymlinks: shown.some((e) => e.isSymlink) };
  }
  const { shown, hidden } = visible(await readRichListingEntries(path), h.dotfiles);
  const body = view.format === "json" ? renderJsonListing(h.path, shown, view) : renderRichListing(h.path, shown, view, { timeZone: TIME_ZONE, hidden });
  return { body, hasSymlinks: shown.some((e) => e.isSymlink) };
}

/**
 * Sends a directory's listing: CPython's page (`listingStyle` "python", the
 * library's default) or the rich one (sizes, dates, sorting, breadcrumbs;
 * JSON for `Accept: application/json` or `?format=json`, with
 * `Vary: Accept`). Rendered listings are cached while the directory is
 * unchanged, a rich one for a second at most. Rejects when the directory
 * cannot be read (the handler answers it).
 */
export async function sendListing(h: ListingResponder, path: string): Promise<BodySource> {
  const rich = h.listingStyle === "rich";
  const target = splitTarget(h.path);
  const view = rich ? listingView(target.query, h.headers.get("Accept")) : null;
  // Taken before reading the entries: a change while reading makes the next stat differ.
  const dirStat = h.listingCache ? statNow(path) : null;
  const key = `${path}\0${target.path}\0${h.dotfiles}${view ? `\0${view.sort}\0${view.order}\0${view.format}` : ""}`;
  let body = dirStat ? (h.listingCache?.get(key, dirStat, rich ? RICH_MAX_AGE_MS : Infinity) ?? null) : null;
  if (body === null) {
    // One render at a time per listing: when a cached listing expires under load, the
    // requests that find it gone wait for the same render instead of each reading the directory.
    let pending = rendering.get(key);
    if (pending === undefined) {
      pending = render(h, path, view);
      rendering.set(key, pending);
      pending.then(
        () => rendering.delete(key),
        () => rendering.delete(key),
      );
    }
    const made = await pending;
    body = made.body;
    if (dirStat) h.listingCache?.set(key, dirStat, body, made.hasSymlinks);
  }
  h.sendResponse(200);
  h.sendHeader("Content-type", view?.format === "json" ? "application/json" : "text/html; charset=utf-8");
  h.sendHeader("Content-Length", String(body.length));
  if (rich) h.sendHeader("Vary", "Accept");
  h.sendExtraResponseHeaders();
  await h.endHeaders();
  return new BufferSource(body);
}
