// The command line's listing: listingView() (query and Accept), formatSize(),
// sortRichEntries(), renderRichListing() and renderJsonListing() as tables
// and by their output. The page in a browser is tests/cli/listing-browser.test.ts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { acceptsJsonFirst, DEFAULT_VIEW, listingView } from "../../src/files/listing-query.js";
import { entryKind, formatSize, renderJsonListing, renderRichListing, sortRichEntries, type RichListingEntry } from "../../src/files/rich-listing.js";

const T0 = Date.UTC(2026, 10, 30, 9, 15, 0);
const entry = (name: string, size: number | null, mtimeMs: number | null, kind: "file" | "dir" | "link" = "file"): RichListingEntry => ({
  name,
  isDirectory: kind === "dir",
  isSymlink: kind === "link",
  size: kind === "dir" ? null : size,
  mtimeMs,
});
const ENTRIES: RichListingEntry[] = [
  entry("b.txt", 2048, T0),
  entry("A.md", 10, T0 + 60_000),
  entry("zdir", null, T0 - 60_000, "dir"),
  entry("adir", null, T0 + 120_000, "dir"),
  entry("link", 5, T0, "link"),
  entry("big.bin", 5 * 1024 * 1024, T0 - 3_600_000),
];

describe("listingView", () => {
  const rows: ReadonlyArray<readonly [string, string | undefined, string]> = [
    ["", undefined, "name asc html"],
    ["sort=size&order=desc", undefined, "size desc html"],
    ["sort=mtime", undefined, "mtime asc html"],
    ["sort=date&order=DESC", undefined, "mtime desc html"],
    ["format=json", undefined, "name asc json"],
    ["sort=nonsense&order=sideways&x=1", undefined, "name asc html"],
    ["", "application/json", "name asc json"],
    ["", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "name asc html"],
    ["format=html", "application/json", "name asc html"],
  ];
  for (const [query, accept, expect] of rows) {
    it(`listingView(${JSON.stringify(query)}, ${JSON.stringify(accept)}) is ${expect}`, () => {
      const v = listingView(query, accept);
      assert.equal(`${v.sort} ${v.order} ${v.format}`, expect);
    });
  }
  it("listingView() gives the shared default object when nothing is asked", () => assert.equal(listingView("", undefined), DEFAULT_VIEW));

  const accepts: ReadonlyArray<readonly [string, boolean]> = [
    ["application/json", true],
    ["application/json, */*", true],
    ["*/*", false],
    ["text/html, application/json", false],
    ["text/html;q=0.5, application/json", true],
    ["application/json;q=0, */*", false],
    ["application/*", false],
  ];
  for (const [accept, json] of accepts) {
    it(`acceptsJsonFirst(${JSON.stringify(accept)}) is ${json}`, () => assert.equal(acceptsJsonFirst(accept), json));
  }
});

describe("formatSize and entryKind", () => {
  const sizes: ReadonlyArray<readonly [number, string]> = [
    [0, "0 B"],
    [1023, "1023 B"],
    [1024, "1.0 KiB"],
    [1536, "1.5 KiB"],
    [10 * 1024, "10 KiB"],
    [1023.6 * 1024, "1.0 MiB"],
    [5 * 1024 * 1024, "5.0 MiB"],
    [3 * 1024 ** 4, "3.0 TiB"],
  ];
  for (const [n, text] of sizes) it(`formatSize(${n}) is ${text}`, () => assert.equal(formatSize(n), text));
  it("entryKind() marks directories, links and kinds of files", () => {
    assert.deepEqual(
      [entry("d", null, 0, "dir"), entry("l", 0, 0, "link"), entry("a.PNG", 0, 0), entry("x.tar.gz", 0, 0), entry("m.ts", 0, 0), entry("n", 0, 0)].map(entryKind),
      ["dir", "link", "image", "archive", "code", "file"],
    );
  });
});

describe("sortRichEntries", () => {
  const names = (sort: "name" | "size" | "mtime", order: "asc" | "desc"): string[] => sortRichEntries(ENTRIES, { sort, order, format: "html" }).map((e) => e.name);
  it("sorts directories first, then names case-insensitively", () => assert.deepEqual(names("name", "asc"), ["adir", "zdir", "A.md", "b.txt", "big.bin", "link"]));
  it("reverses each group for desc", () => assert.deepEqual(names("name", "desc"), ["zdir", "adir", "link", "big.bin", "b.txt", "A.md"]));
  it("sorts by size, directories first", () => assert.deepEqual(names("size", "asc"), ["adir", "zdir", "link", "A.md", "b.txt", "big.bin"]));
  it("sorts by date, newest first with desc (ties by name, reversed too)", () => assert.deepEqual(names("mtime", "desc"), ["adir", "zdir", "A.md", "link", "b.txt", "big.bin"]));
});

describe("renderRichListing", () => {
  const page = (path: string, entries: RichListingEntry[], hidden = 0): string =>
    renderRichListing(path, entries, DEFAULT_VIEW, { timeZone: "UTC", hidden }).toString("utf8");

  it("keeps CPython's hrefs and texts for every entry, and its title", () => {
    const html = page("/docs/?x=1", ENTRIES);
    assert.match(html, /<title>Directory listing for \/docs\/<\/title>/);
    assert.match(html, /<a href="adir\/">adir\/<\/a>/);
    assert.match(html, /<a href="link">link@<\/a>/);
    assert.match(html, /<a href="big\.bin">big\.bin<\/a>/);
  });

  it("escapes and quotes odd names exactly as CPython's listing does", () => {
    const html = page("/", [entry(`<i>x&y'".txt`, 1, T0), entry("a#b?c", 1, T0), entry("new\nline", 1, T0)]);
    assert.match(html, /<a href="%3Ci%3Ex%26y%27%22\.txt">&lt;i&gt;x&amp;y'"\.txt<\/a>/);
    assert.match(html, /<a href="a%23b%3Fc">a#b\?c<\/a>/);
    assert.match(html, /<a href="new%0Aline">new\nline<\/a>/);
    assert.ok(!html.includes("<i>x"));
  });

  it("writes an undecodable name's bytes back raw (surrogateescape)", () => {
    const body = renderRichListing("/", [entry("caf\udce9", 1, T0)], DEFAULT_VIEW, { timeZone: "UTC", hidden: 0 });
    assert.ok(body.includes(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x3c])), "raw byte 0xE9 before the closing tag");
    assert.ok(body.includes(Buffer.from('href="caf%ED%B3%A9"')), "CPython's quote(name, errors='surrogatepass')");
  });

  it("gives exact sizes and dates in titles, human ones as text, in short rows", () => {
    const html = page("/", [entry("big.bin", 5 * 1024 * 1024, T0)]);
    assert.match(html, /<td title="5242880 bytes">5\.0 MiB<td>\d{4}-\d\d-\d\d \d\d:\d\d\n/);
    assert.match(renderRichListing("/", [entry("s", 10, T0)], DEFAULT_VIEW, { timeZone: "UTC", hidden: 0 }).toString(), /<td>10 B<td>\d/, "below 1 KiB the text is exact");
    assert.match(html, /Modified \(UTC\)/);
  });

  it("has breadcrumbs for each segment, a parent link below the root only, sort links, and says what is hidden", () => {
    const html = page("/a%20b/c/", ENTRIES, 3);
    assert.match(html, /<nav class="crumbs" aria-label="Path"><a href="\/">\/<\/a> <a href="\/a%20b\/">a b<\/a>\/ <a href="\/a%20b\/c\/">c<\/a>\/<\/nav>/);
    assert.match(html, /<a href="\.\.\/">\.\.\/<\/a>/);
    assert.match(html, /<th scope="col" data-sort="name" aria-sort="ascending"><a href="\?sort=name&amp;order=desc">Name<\/a> ▲<\/th>/);
    assert.match(html, /<a href="\?sort=size&amp;order=asc">Size<\/a>/);
    assert.match(html, /6 entries; 3 hidden/);
    assert.ok(!page("/", ENTRIES).includes('href="../"'), "no parent link at the root");
  });

  it("is a page for phones and dark mode", () => {
    const html = page("/", ENTRIES);
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.match(html, /@media \(prefers-color-scheme:dark\)/);
    assert.match(html, /<table>/);
    assert.match(html, /<th scope="col"/);
  });
});

describe("renderJsonListing", () => {
  it("lists name, type, size, mtime and link in the listing's order", () => {
    const json = JSON.parse(renderJsonListing("/docs/", ENTRIES, { sort: "size", order: "desc", format: "json" }).toString("utf8")) as { path: string; entries: Array<Record<string, unknown>> };
    assert.equal(json.path, "/docs/");
    assert.deepEqual(json.entries[0], { name: "zdir", type: "directory", size: null, mtime: new Date(T0 - 60_000).toISOString(), link: "zdir/" });
    assert.deepEqual(json.entries[2], { name: "big.bin", type: "file", size: 5 * 1024 * 1024, mtime: new Date(T0 - 3_600_000).toISOString(), link: "big.bin" });
    assert.equal(json.entries.find((e) => e["name"] === "link")?.["type"], "symlink");
  });
});
