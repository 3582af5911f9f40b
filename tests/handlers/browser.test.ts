/**
 * The listing page in a real browser: headless Chromium loads it from the
 * command and dumps the DOM it built. In CI (CI=true) a missing chromium is a
 * failure; on a developer machine without it the test is skipped.
 * Debian package: chromium.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { removeDir, tempDir } from "../helpers/file-server.js";
import { runProgram, startCli, waitFor } from "../cli/helpers.js";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
const inCI = (process.env["CI"] ?? "") !== "" && process.env["CI"] !== "false" && process.env["CI"] !== "0";
const skip = CHROMIUM === undefined && !inCI ? "chromium is not installed (apt-get install chromium); required when CI=true" : false;

const root = tempDir();
const profile = mkdtempSync(path.join(os.tmpdir(), "simplehttp-chromium-"));
after(() => {
  removeDir(root);
  removeDir(profile);
});

test("headless Chromium renders the listing: title, heading and every link", { skip }, async () => {
  assert.ok(CHROMIUM, "chromium must be installed when CI is set (Debian package: chromium)");
  const dir = path.join(root, "dir");
  mkdirSync(path.join(dir, "sub"), { recursive: true });
  writeFileSync(path.join(dir, "a.txt"), "a");
  writeFileSync(path.join(dir, "unicode-한글.txt"), "hangul");
  writeFileSync(path.join(dir, "<b>&.txt"), "markup");
  // Python's page with -p HTTP/1.0, the rich one by default: the same links (CPython's hrefs and texts), directories first in the rich one.
  for (const [args, entry, order] of [
    [["-p", "HTTP/1.0"], /<li><a href="([^"]*)">([^<]*)<\/a><\/li>/g, [0, 1, 2, 3]],
    [[], /<tr class="k-[a-z]+"><td><a href="([^"]*)">([^<]*)<\/a>/g, [2, 0, 1, 3]],
  ] as const) {
  const cli = await startCli(["-b", "127.0.0.1", "-d", root, ...args, "0"]);
  try {
    const r = await runProgram(
      CHROMIUM,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        `--user-data-dir=${profile}`,
        "--dump-dom",
        `http://127.0.0.1:${cli.port}/dir/`,
      ],
      25_000,
    );
    const dom = r.stdout.toString("utf8");
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    assert.match(dom, /<title>Directory listing for \/dir\/<\/title>/);
    assert.match(dom, /<h1>Directory listing for \/dir\/<\/h1>/);
    // Chromium decoded the page as UTF-8 (the charset it was told) and kept the escapes as text.
    const links = [...dom.matchAll(entry)].map((m) => [m[1], m[2]]).filter(([href]) => href !== "../");
    const python = [
      ["%3Cb%3E%26.txt", "&lt;b&gt;&amp;.txt"],
      ["a.txt", "a.txt"],
      ["sub/", "sub/"],
      ["unicode-%ED%95%9C%EA%B8%80.txt", "unicode-한글.txt"],
    ];
    assert.deepEqual(links, order.map((i) => python[i]), args.join(" "));
    // The browser asked for the page: the server logged it.
    await waitFor(() => cli.stderr().includes('"GET /dir/ HTTP/1.1" 200'));
    assert.match(cli.stderr(), /"GET \/dir\/ HTTP\/1\.1" 200 -/);
  } finally {
    await cli.stop("SIGTERM");
  }
  }
});
