import { statSync, type Stats } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import type { ListingEntry } from "./directory-listing.js";
import type { RichListingEntry } from "./rich-listing.js";
import { fsDecode, fsEncode } from "./fs-encoding.js";
import { statNow } from "./stat-now.js";
import { joinPath } from "./translate-path.js";

interface DirentLike {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

/** `/` after directories (links followed), `@` after links: what CPython learns with isdir() and islink(). */
async function listingEntry(dir: string, name: string, d: DirentLike): Promise<ListingEntry> {
  let isSymlink = d.isSymbolicLink();
  let isDirectory = d.isDirectory();
  if (!isSymlink && !isDirectory && !d.isFile()) {
    // No type from readdir (some file systems) or a special file: ask lstat().
    isSymlink = (await lstat(fsEncode(joinPath(dir, name))).catch(() => null))?.isSymbolicLink() ?? false;
  }
  if (isSymlink || (!isDirectory && !d.isFile())) isDirectory = statNow(joinPath(dir, name))?.isDirectory() ?? false;
  return { name, isDirectory, isSymlink };
}

/**
 * The entries of directory `path` as the listing shows them (CPython's
 * `os.listdir` plus `isdir`/`islink` per name), names byte-exact (see
 * fs-encoding.ts). Rejects when the directory cannot be read.
 */
export async function readListingEntries(path: string): Promise<ListingEntry[]> {
  // Names as bytes (Node's types say strings), so an undecodable name survives the round trip.
  const dirents = await readdir(fsEncode(path) as string, { withFileTypes: true, encoding: "buffer" as unknown as "utf8" });
  return Promise.all(dirents.map((d) => listingEntry(path, fsDecode(d.name as unknown as Buffer), d)));
}

/**
 * The entries with their size (files; of the target for a link) and
 * modification time, for the rich listing: one stat per entry, links
 * followed (a broken link has neither). Synchronous stats, 256 at a time
 * with a turn of the event loop between batches: a thousand promises
 * through the thread pool cost ten times as much, and a huge directory
 * must not hold the loop for long.
 */
export async function readRichListingEntries(path: string): Promise<RichListingEntry[]> {
  const entries = await readListingEntries(path);
  const out: RichListingEntry[] = [];
  for (let i = 0; i < entries.length; i++) {
    if (i > 0 && i % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
    const e = entries[i] as ListingEntry;
    let st: Stats | undefined;
    try {
      st = statSync(fsEncode(joinPath(path, e.name)), { throwIfNoEntry: false });
    } catch {
      st = undefined; // a link into a directory we may not search (EACCES), a loop (ELOOP): shown without size or date
    }
    out.push({ ...e, size: st === undefined || e.isDirectory ? null : st.size, mtimeMs: st === undefined ? null : st.mtimeMs });
  }
  return out;
}
