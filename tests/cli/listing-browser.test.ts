/**
 * The command's listing in a real browser (issue 12): headless Chromium
 * renders it, sorts it by each column with its script (in place, the
 * address updated), follows its breadcrumbs, applies dark mode from
 * `prefers-color-scheme`, and writes screenshots (light and dark) to
 * build-test/screenshots/ for a person to look at. In CI (CI=true) a
 * missing chromium is a failure; on a developer machine without it the
 * tests are skipped. Debian package: chromium.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startCli, type RunningCli } from "./helpers.js";
import { chromiumSkip, runChromium } from "../helpers/chromium.js";

const skip = chromiumSkip;

/** Where the screenshots go: build-test/screenshots/ beside this compiled test. */
const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "screenshots");

const site = mkdtempSync(path.join(os.tmpdir(), "simplehttp-listing-"));
function put(rel: string, data: string | Buffer, iso: string): void {
  const full = path.join(site, rel);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, data);
  utimesSync(full, new Date(iso), new Date(iso));
}

const CHECK_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>pending</title></head>
<body><iframe id="f" width="800" height="600"></iframe><pre id="result"></pre>
<script>
const f = document.getElementById("f");
const out = {};
const loaded = (src) => new Promise((r) => { f.addEventListener("load", r, { once: true }); if (src) f.src = src; });
const rows = () => [...f.contentDocument.querySelectorAll("tbody tr:not(.up) td:first-child a")].map((a) => a.getAttribute("href"));
const click = (sort) => f.contentDocument.querySelector("th[data-sort=" + sort + "] a").click();
(async () => {
  try {
    await loaded("/docs/");
    const d = f.contentDocument, w = f.contentWindow;
    out.initial = rows();
    out.sizes = [...d.querySelectorAll("tbody tr:not(.up) td:nth-child(2)")].map((td) => td.textContent);
    click("size"); out.sizeAsc = rows(); out.url = w.location.pathname + w.location.search;
    click("size"); out.sizeDesc = rows();
    click("mtime"); out.mtimeAsc = rows();
    click("mtime"); out.mtimeDesc = rows();
    const th = d.querySelector("th[aria-sort]"); out.ariaSort = th.dataset.sort + " " + th.getAttribute("aria-sort");
    click("name"); out.nameAsc = rows();
    click("name"); out.nameDesc = rows();
    out.dark = w.matchMedia("(prefers-color-scheme: dark)").matches;
    out.background = w.getComputedStyle(d.body).backgroundColor;
    out.dirMarker = w.getComputedStyle(d.querySelector("tr.k-dir a"), "::before").backgroundColor;
    out.imageMarker = w.getComputedStyle(d.querySelector("tr.k-image a"), "::before").borderTopColor;
    await loaded("/docs/sub/");
    const crumb = [...f.contentDocument.querySelectorAll(".crumbs a")].find((a) => a.textContent === "docs");
    const nav = loaded(); crumb.click(); await nav;
    out.crumbTo = f.contentWindow.location.pathname;
    const up = loaded(); f.contentDocument.querySelector('a[href="../"]').click(); await up;
    out.parentTo = f.contentWindow.location.pathname;
  } catch (e) {
    out.error = String(e && e.stack || e);
  }
  document.getElementById("result").textContent = JSON.stringify(out);
  document.title = "done";
})();
</script></body></html>`;

let cli: RunningCli;
before(async () => {
  chmodSync(site, 0o755);
  writeFileSync(path.join(site, "check.html"), CHECK_PAGE);
  put("docs/notes.txt", "n".repeat(300), "2026-02-01T12:00:00Z");
  put("docs/photo.png", Buffer.alloc(2 * 1024 * 1024), "2026-05-01T12:00:00Z");
  put("docs/archive.zip", Buffer.alloc(80 * 1024), "2026-03-01T12:00:00Z");
  put("docs/app.js", "x".repeat(4000), "2026-04-01T12:00:00Z");
  put("docs/sub/deep.txt", "d", "2026-01-01T12:00:00Z");
  utimesSync(path.join(site, "docs", "sub"), new Date("2026-06-01T12:00:00Z"), new Date("2026-06-01T12:00:00Z"));
  cli = await startCli(["-q", "-b", "127.0.0.1", "-d", site, "0"], { env: { ...process.env, TZ: "UTC" } });
});
after(async () => {
  await cli?.stop("SIGTERM");
  rmSync(site, { recursive: true, force: true });
});

/** Runs headless Chromium with a fresh profile and `args`; returns stdout. */
function chromium(args: readonly string[]): Promise<string> {
  return runChromium(args, 60_000);
}

interface Checked {
  initial: string[];
  sizes: string[];
  sizeAsc: string[];
  url: string;
  sizeDesc: string[];
  mtimeAsc: string[];
  mtimeDesc: string[];
  ariaSort: string;
  nameAsc: string[];
  nameDesc: string[];
  dark: boolean;
  background: string;
  dirMarker: string;
  imageMarker: string;
  crumbTo: string;
  parentTo: string;
  error?: string;
}

async function check(dark: boolean): Promise<Checked> {
  const dom = await chromium([...(dark ? ["--blink-settings=preferredColorScheme=0"] : []), "--virtual-time-budget=10000", "--dump-dom", `http://127.0.0.1:${cli.port}/check.html`]);
  const m = /<pre id="result">([^<]*)<\/pre>/.exec(dom);
  assert.ok(m, `no result in the page: ${dom.slice(0, 500)}`);
  const out = JSON.parse((m[1] as string).replaceAll("&quot;", '"').replaceAll("&amp;", "&").replaceAll("&lt;", "<").replaceAll("&gt;", ">")) as Checked;
  assert.equal(out.error, undefined, out.error);
  return out;
}

test("Chromium renders the listing, sorts it by each column, follows breadcrumbs and the parent link", { skip }, async () => {
  const out = await check(false);
  assert.deepEqual(out.initial, ["sub/", "app.js", "archive.zip", "notes.txt", "photo.png"]);
  assert.deepEqual(out.sizes, ["", "3.9 KiB", "80 KiB", "300 B", "2.0 MiB"]);
  assert.deepEqual(out.sizeAsc, ["sub/", "notes.txt", "app.js", "archive.zip", "photo.png"]);
  assert.equal(out.url, "/docs/?sort=size&order=asc");
  assert.deepEqual(out.sizeDesc, ["sub/", "photo.png", "archive.zip", "app.js", "notes.txt"]);
  assert.deepEqual(out.mtimeAsc, ["sub/", "notes.txt", "archive.zip", "app.js", "photo.png"]);
  assert.deepEqual(out.mtimeDesc, ["sub/", "photo.png", "app.js", "archive.zip", "notes.txt"]);
  assert.equal(out.ariaSort, "mtime descending");
  assert.deepEqual(out.nameAsc, ["sub/", "app.js", "archive.zip", "notes.txt", "photo.png"]);
  assert.deepEqual(out.nameDesc, ["sub/", "photo.png", "notes.txt", "archive.zip", "app.js"]);
  assert.equal(out.crumbTo, "/docs/");
  assert.equal(out.parentTo, "/", "the parent of /docs/");
  assert.equal(out.dark, false);
  assert.equal(out.background, "rgb(255, 255, 255)");
  assert.equal(out.dirMarker, "rgb(212, 167, 44)", "a folder drawn in CSS");
  assert.equal(out.imageMarker, "rgb(26, 127, 55)", "an image's page outlined in green");
});

test("Chromium applies dark mode from prefers-color-scheme", { skip }, async () => {
  const out = await check(true);
  assert.equal(out.dark, true);
  assert.equal(out.background, "rgb(13, 17, 23)");
});

test("screenshots of the listing, light and dark, for a person to look at", { skip }, async (t) => {
  mkdirSync(SHOTS, { recursive: true });
  for (const [name, flags] of [
    ["listing-light.png", []],
    ["listing-dark.png", ["--blink-settings=preferredColorScheme=0"]],
  ] as const) {
    const file = path.join(SHOTS, name);
    rmSync(file, { force: true });
    await chromium([...flags, "--hide-scrollbars", "--window-size=900,520", `--screenshot=${file}`, `http://127.0.0.1:${cli.port}/docs/`]);
    const png = readFileSync(file);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "a PNG");
    assert.ok(png.length > 10_000, `${png.length} bytes: a rendered page, not a blank one`);
    t.diagnostic(`screenshot: ${file}`);
  }
});
