/**
 * The listing page in a real browser: headless Chromium loads it from the
 * command and dumps the DOM it built. In CI (CI=true) a missing chromium is a
 * failure; on a developer machine without it the test is skipped.
 * Debian package: chromium.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { removeDir, tempDir } from "../helpers/file-server.js";
import { startCli, waitFor } from "../cli/helpers.js";
import { chromiumSkip, runChromium } from "../helpers/chromium.js";

const skip = chromiumSkip;

const root = tempDir();
after(() => removeDir(root));

test("headless Chromium renders the listing: title, heading and every link", { skip }, async () => {
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
    const dom = await runChromium(["--dump-dom", `http://127.0.0.1:${cli.port}/dir/`], 25_000);
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
