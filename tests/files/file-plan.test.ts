// planFileResponse(): what sendHead() sends for a GET or HEAD, decided against a fake file system.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { planFileResponse, type FilePlan, type StatLike } from "../../src/files/file-plan.js";
import { translatePath } from "../../src/files/translate-path.js";

const ROOT = "/srv/www";
const MTIME = Date.UTC(2021, 2, 4, 5, 6, 7) + 890; // Thu, 04 Mar 2021 05:06:07.890 GMT
const INDEX_PAGES = ["index.html", "index.htm"] as const;

type Kind = "file" | "dir" | "fifo";

/** A stat result that says which entry it is, so a plan's `stat` can be traced back. */
class FakeStat implements StatLike {
  constructor(
    readonly name: string,
    readonly kind: Kind,
    readonly mtimeMs: number,
  ) {}
  isFile(): boolean {
    return this.kind === "file";
  }
  isDirectory(): boolean {
    return this.kind === "dir";
  }
}

interface FakeFs {
  readonly stat: (path: string) => FakeStat | null;
  /** Every path stat() was asked about, in order. */
  readonly calls: string[];
  /** The stat of an entry, by its name under ROOT ("" for ROOT itself). */
  entry(name: string): FakeStat;
}

/**
 * A Map from path to stat under ROOT. As on POSIX, a trailing slash finds a
 * directory but not a file (ENOTDIR), unless `lenient` (platforms that accept
 * a trailing slash after a file name, CPython issue 34711).
 */
function fakeFs(entries: Readonly<Record<string, Kind>>, lenient = false): FakeFs {
  const map = new Map<string, FakeStat>([[ROOT, new FakeStat("", "dir", MTIME)]]);
  for (const [name, kind] of Object.entries(entries)) map.set(`${ROOT}/${name}`, new FakeStat(name, kind, MTIME));
  const calls: string[] = [];
  return {
    calls,
    stat: (p) => {
      calls.push(p);
      const exact = map.get(p);
      if (exact) return exact;
      if (!p.endsWith("/")) return null;
      const bare = map.get(p.replace(/\/+$/, ""));
      return bare && (lenient || bare.isDirectory()) ? bare : null;
    },
    entry: (name) => {
      const s = map.get(name === "" ? ROOT : `${ROOT}/${name}`);
      if (!s) throw new Error(`no entry ${name} in the fake file system`);
      return s;
    },
  };
}

/** The plan expected, with `stat` named by its entry. */
type Expected =
  | { kind: "redirect"; location: string }
  | { kind: "listing"; path: string }
  | { kind: "not-found" }
  | { kind: "file"; path: string; stat: string };

interface Row {
  /** The behaviour, completing "planFileResponse() ...". */
  readonly does: string;
  readonly fs: Readonly<Record<string, Kind>>;
  readonly target: string;
  /** The translated path, when not `translatePath(target, ROOT)`. */
  readonly path?: string;
  readonly indexPages?: readonly string[];
  readonly lenient?: boolean;
  readonly expect: Expected;
}


const rows: Row[] = [
  // Regular files, and what is not one.
  { does: "serves a regular file", fs: { "f.txt": "file" }, target: "/f.txt", expect: { kind: "file", path: "/srv/www/f.txt", stat: "f.txt" } },
  {
    does: "serves a file in a subdirectory, the query and fragment ignored",
    fs: { d: "dir", "d/f.txt": "file" },
    target: "/d/f.txt?x=1#top",
    expect: { kind: "file", path: "/srv/www/d/f.txt", stat: "d/f.txt" },
  },
  { does: "answers not-found for a missing path", fs: { "f.txt": "file" }, target: "/missing.txt", expect: { kind: "not-found" } },
  { does: "answers not-found below a file", fs: { "f.txt": "file" }, target: "/f.txt/x", expect: { kind: "not-found" } },
  { does: "answers not-found for an entry that is neither a file nor a directory (a FIFO)", fs: { pipe: "fifo" }, target: "/pipe", expect: { kind: "not-found" } },
  { does: "answers not-found for a file asked for with a trailing slash (CPython issue 17324)", fs: { "f.txt": "file" }, target: "/f.txt/", expect: { kind: "not-found" } },
  {
    does: "answers not-found for a file asked for with a trailing slash even where stat accepts the slash (issue 34711)",
    fs: { "f.txt": "file" },
    target: "/f.txt/",
    lenient: true,
    expect: { kind: "not-found" },
  },
  { does: "answers not-found for a file asked for with a trailing %2f", fs: { "f.txt": "file" }, target: "/f.txt%2f", lenient: true, expect: { kind: "not-found" } },

  // A directory asked for without its slash.
  { does: "redirects a directory asked for without its slash", fs: { d: "dir" }, target: "/d", expect: { kind: "redirect", location: "/d/" } },
  { does: "redirects a directory asked for without its slash, keeping the query", fs: { d: "dir" }, target: "/d?x=1", expect: { kind: "redirect", location: "/d/?x=1" } },
  { does: "redirects a directory asked for without its slash, keeping the fragment", fs: { d: "dir" }, target: "/d#frag", expect: { kind: "redirect", location: "/d/#frag" } },
  {
    does: "percent-encodes backslashes in the Location, which a browser would read as slashes (to another host)",
    fs: {},
    target: "/\\evil.com/..",
    expect: { kind: "redirect", location: "/%5Cevil.com/../" },
  },
  { does: "percent-encodes backslashes in the query of the Location too", fs: { d: "dir" }, target: "/d?a=\\b", expect: { kind: "redirect", location: "/d/?a=%5Cb" } },
  {
    does: "redirects a directory asked for without its slash, keeping the query and the fragment",
    fs: { d: "dir" },
    target: "/d?x=1&y=2#frag?z",
    expect: { kind: "redirect", location: "/d/?x=1&y=2#frag?z" },
  },
  { does: "redirects without an empty query or fragment, as urlunsplit drops them", fs: { d: "dir" }, target: "/d?#", expect: { kind: "redirect", location: "/d/" } },
  {
    does: "redirects with the path's and the query's percent-escapes kept as sent",
    fs: { "my dir": "dir" },
    target: "/my%20dir?q=a%2Fb",
    expect: { kind: "redirect", location: "/my%20dir/?q=a%2Fb" },
  },
  {
    does: "redirects a nested directory whether or not it has an index page",
    fs: { a: "dir", "a/b": "dir", "a/b/index.html": "file" },
    target: "/a/b",
    expect: { kind: "redirect", location: "/a/b/" },
  },
  { does: "does not redirect a directory asked for with a trailing %2f", fs: { d: "dir" }, target: "/d%2f", expect: { kind: "listing", path: "/srv/www/d/" } },
  { does: "does not redirect a directory asked for with a trailing %2F", fs: { d: "dir" }, target: "/d%2F", expect: { kind: "listing", path: "/srv/www/d/" } },
  { does: "does not redirect a directory asked for with a trailing %2F before a query", fs: { d: "dir" }, target: "/d%2F?x=1", expect: { kind: "listing", path: "/srv/www/d/" } },
  { does: "does not redirect a directory asked for with its slash before a query", fs: { d: "dir" }, target: "/d/?x=1#f", expect: { kind: "listing", path: "/srv/www/d/" } },

  // Index pages and listings.
  {
    does: "serves a directory's index.html in place of its listing",
    fs: { d: "dir", "d/index.html": "file", "d/other.txt": "file" },
    target: "/d/",
    expect: { kind: "file", path: "/srv/www/d/index.html", stat: "d/index.html" },
  },
  { does: "serves the root's index.html", fs: { "index.html": "file" }, target: "/", expect: { kind: "file", path: "/srv/www/index.html", stat: "index.html" } },
  {
    does: "serves the second index page when the first does not exist",
    fs: { d: "dir", "d/index.htm": "file" },
    target: "/d/",
    expect: { kind: "file", path: "/srv/www/d/index.htm", stat: "d/index.htm" },
  },
  {
    does: "serves the first index page when several exist",
    fs: { d: "dir", "d/index.html": "file", "d/index.htm": "file" },
    target: "/d/",
    expect: { kind: "file", path: "/srv/www/d/index.html", stat: "d/index.html" },
  },
  {
    does: "tries the index pages in the order given",
    fs: { d: "dir", "d/index.html": "file", "d/index.htm": "file", "d/home.txt": "file" },
    target: "/d/",
    indexPages: ["default.htm", "index.htm", "index.html"],
    expect: { kind: "file", path: "/srv/www/d/index.htm", stat: "d/index.htm" },
  },
  {
    does: "skips an index page that is a directory",
    fs: { d: "dir", "d/index.html": "dir", "d/index.htm": "file" },
    target: "/d/",
    expect: { kind: "file", path: "/srv/www/d/index.htm", stat: "d/index.htm" },
  },
  { does: "lists a directory whose only index page is a directory", fs: { d: "dir", "d/index.html": "dir" }, target: "/d/", expect: { kind: "listing", path: "/srv/www/d/" } },
  { does: "lists a directory whose only index page is a FIFO", fs: { d: "dir", "d/index.html": "fifo" }, target: "/d/", expect: { kind: "listing", path: "/srv/www/d/" } },
  { does: "lists a directory without an index page", fs: { d: "dir", "d/f.txt": "file" }, target: "/d/", expect: { kind: "listing", path: "/srv/www/d/" } },
  { does: "lists the root without an index page", fs: { "f.txt": "file" }, target: "/", expect: { kind: "listing", path: "/srv/www/" } },
  {
    does: "lists a directory when there are no index pages to look for",
    fs: { d: "dir", "d/index.html": "file" },
    target: "/d/",
    indexPages: [],
    expect: { kind: "listing", path: "/srv/www/d/" },
  },
  {
    does: "joins the index page to a directory path given without its trailing slash",
    fs: { d: "dir", "d/index.html": "file" },
    target: "/d/",
    path: "/srv/www/d",
    expect: { kind: "file", path: "/srv/www/d/index.html", stat: "d/index.html" },
  },
  {
    does: "joins the index page to a directory path given with its trailing slash (translatePath keeps it)",
    fs: { d: "dir", "d/index.html": "file" },
    target: "/d/",
    path: "/srv/www/d/",
    expect: { kind: "file", path: "/srv/www/d/index.html", stat: "d/index.html" },
  },
  { does: "lists a directory path given without its trailing slash as given", fs: { d: "dir" }, target: "/d/", path: "/srv/www/d", expect: { kind: "listing", path: "/srv/www/d" } },
  { does: "lists a directory path given with its trailing slash as given", fs: { d: "dir" }, target: "/d/", path: "/srv/www/d/", expect: { kind: "listing", path: "/srv/www/d/" } },

  // Conditional requests are planContent()'s (content-plan.test.ts): the file plan ignores them.
  {
    does: "plans the file whatever If-Modified-Since says",
    fs: { "f.txt": "file" },
    target: "/f.txt",
    expect: { kind: "file", path: "/srv/www/f.txt", stat: "f.txt" },
  },
];

function plan(fs: FakeFs, target: string, over: Pick<Row, "path" | "indexPages"> = {}): FilePlan<FakeStat> {
  return planFileResponse({
    target,
    path: over.path ?? translatePath(target, ROOT),
    indexPages: over.indexPages ?? INDEX_PAGES,
    stat: fs.stat,
  });
}

describe("planFileResponse (CPython's send_head)", () => {
  for (const row of rows) {
    it(`planFileResponse() ${row.does}`, () => {
      const fs = fakeFs(row.fs, row.lenient ?? false);
      const result = plan(fs, row.target, row);
      const e = row.expect;
      const expected = e.kind === "file" ? { kind: e.kind, path: e.path, stat: fs.entry(e.stat) } : e;
      assert.deepEqual(result, expected);
      if ("stat" in result && "stat" in expected) assert.equal(result.stat, expected.stat, "the stat object of the file planned, as stat() gave it");
    });
  }

  it("planFileResponse() does not stat index pages when the target is a file", () => {
    const fs = fakeFs({ "f.txt": "file", "f.txt/index.html": "file" });
    assert.equal(plan(fs, "/f.txt").kind, "file");
    assert.deepEqual(fs.calls, ["/srv/www/f.txt"]);
  });

  it("planFileResponse() does not stat index pages when it redirects", () => {
    const fs = fakeFs({ d: "dir", "d/index.html": "file" });
    assert.equal(plan(fs, "/d?x=1").kind, "redirect");
    assert.deepEqual(fs.calls, ["/srv/www/d"]);
  });

  it("planFileResponse() stops looking at the first index page that is a file", () => {
    const fs = fakeFs({ d: "dir", "d/index.html": "dir", "d/index.htm": "file", "d/default.htm": "file" });
    assert.equal(plan(fs, "/d/", { indexPages: ["index.html", "index.htm", "default.htm"] }).kind, "file");
    assert.deepEqual(fs.calls, ["/srv/www/d/", "/srv/www/d/index.html", "/srv/www/d/index.htm"]);
  });
});
