// planFileResponse() with the command line's site rules: dotfiles hidden,
// links confined to the served folder, a fallback page for a single-page
// app's routes; isDotPath() and hasExtension() as tables.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hasExtension, isDotPath, planFileResponse, type SiteRules, type StatLike } from "../../src/files/file-plan.js";
import { translatePath } from "../../src/files/translate-path.js";

const ROOT = "/srv/www";

const stat = (kind: "file" | "dir"): StatLike => ({ isFile: () => kind === "file", isDirectory: () => kind === "dir", mtimeMs: 0 });
const FS: Readonly<Record<string, "file" | "dir">> = {
  [ROOT]: "dir",
  [`${ROOT}/index.html`]: "file",
  [`${ROOT}/app.js`]: "file",
  [`${ROOT}/.env`]: "file",
  [`${ROOT}/.git`]: "dir",
  [`${ROOT}/.git/config`]: "file",
  [`${ROOT}/.well-known`]: "dir",
  [`${ROOT}/.well-known/security.txt`]: "file",
  [`${ROOT}/.well-known/.secret`]: "file",
  [`${ROOT}/docs`]: "dir",
  [`${ROOT}/out`]: "file", // a link to /etc/passwd, for `confine`
};
const fsStat = (p: string): StatLike | null => {
  const kind = FS[p.endsWith("/") && p !== ROOT + "/" ? p.slice(0, -1) : p === ROOT + "/" ? ROOT : p];
  return kind ? stat(kind) : null;
};
/** `out` leads outside; everything else is where it looks. */
const confine = (p: string): string | null => (p === `${ROOT}/out` ? null : p);

function plan(target: string, site: Partial<SiteRules>): string {
  const full: SiteRules = { root: ROOT, hideDotfiles: false, fallback: null, ...site };
  const p = planFileResponse({ target, path: translatePath(target, ROOT), indexPages: ["index.html"], stat: fsStat, site: full });
  if (p.kind === "file") return `file ${p.path}${p.fallback ? " (fallback)" : ""}`;
  if (p.kind === "listing") return `listing ${p.path}`;
  if (p.kind === "redirect") return `redirect ${p.location}`;
  return "not-found";
}

const rows: ReadonlyArray<{ does: string; target: string; site: Partial<SiteRules>; expect: string }> = [
  { does: "hides a dotfile", target: "/.env", site: { hideDotfiles: true }, expect: "not-found" },
  { does: "hides a file in a dot-directory", target: "/.git/config", site: { hideDotfiles: true }, expect: "not-found" },
  { does: "hides a dot-directory (no redirect that would confirm it)", target: "/.git", site: { hideDotfiles: true }, expect: "not-found" },
  { does: "hides a dotfile named with percent-encoding", target: "/%2Eenv", site: { hideDotfiles: true }, expect: "not-found" },
  { does: "hides a dotfile reached through ..", target: "/docs/../.env", site: { hideDotfiles: true }, expect: "not-found" },
  { does: "serves .well-known", target: "/.well-known/security.txt", site: { hideDotfiles: true }, expect: `file ${ROOT}/.well-known/security.txt` },
  { does: "hides a dotfile under .well-known", target: "/.well-known/.secret", site: { hideDotfiles: true }, expect: "not-found" },
  { does: "serves a dotfile when allowed", target: "/.env", site: {}, expect: `file ${ROOT}/.env` },
  { does: "serves a route's fallback with its own path", target: "/users/42", site: { fallback: "index.html" }, expect: `file ${ROOT}/index.html (fallback)` },
  { does: "serves the fallback for a route with a query", target: "/users?tab=2", site: { fallback: "index.html" }, expect: `file ${ROOT}/index.html (fallback)` },
  { does: "leaves a missing asset 404", target: "/missing.js", site: { fallback: "index.html" }, expect: "not-found" },
  { does: "serves an existing file, not the fallback", target: "/app.js", site: { fallback: "index.html" }, expect: `file ${ROOT}/app.js` },
  { does: "does not fall back for a hidden path", target: "/.git/HEAD", site: { fallback: "index.html", hideDotfiles: true }, expect: "not-found" },
  { does: "refuses what a link leads to outside the folder", target: "/out", site: { confine }, expect: "not-found" },
  { does: "serves what lies inside with links confined", target: "/app.js", site: { confine }, expect: `file ${ROOT}/app.js` },
];

describe("planFileResponse with site rules", () => {
  for (const row of rows) {
    it(`planFileResponse() ${row.does}`, () => {
      assert.equal(plan(row.target, row.site), row.expect);
    });
  }

  it("planFileResponse() names the real path confine() gives, so the file opened is the one checked", () => {
    const p = planFileResponse({
      target: "/app.js",
      path: `${ROOT}/app.js`,
      indexPages: [],
      stat: fsStat,
      site: { root: ROOT, hideDotfiles: false, fallback: null, confine: () => "/srv/real/app.js" },
    });
    assert.equal(p.kind === "file" ? p.path : p.kind, "/srv/real/app.js");
  });
});

describe("isDotPath and hasExtension", () => {
  const dots: ReadonlyArray<readonly [string, boolean]> = [
    ["/.env", true],
    ["/a/.git/config", true],
    [".npmrc", true],
    ["/a/b.c", false],
    ["/.well-known/x", false],
    ["/.well-known/.x", true],
    ["/a..b", false],
    ["", false],
  ];
  for (const [path, hidden] of dots) {
    it(`isDotPath(${JSON.stringify(path)}) is ${hidden}`, () => assert.equal(isDotPath(path), hidden));
  }
  const exts: ReadonlyArray<readonly [string, boolean]> = [
    ["/app.js", true],
    ["/users/42", false],
    ["/v1.2/users", false],
    ["/.hidden", false],
    ["/", false],
    ["/archive.tar.gz", true],
  ];
  for (const [path, ext] of exts) {
    it(`hasExtension(${JSON.stringify(path)}) is ${ext}`, () => assert.equal(hasExtension(path), ext));
  }
});
