/**
 * Listings are never stale: the handler may keep rendered listings of
 * directories that have not changed for a while (see listing-cache.ts), so
 * these directories are left alone for over two seconds before the first
 * request, then changed in every way a listing can show.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync, renameSync, unlinkSync, rmdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { removeDir, startServer, tempDir, type TestServer } from "../helpers/file-server.js";
import { request } from "../helpers/raw-client.js";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("listings of settled directories follow every change", () => {
  let root: string;
  let server: TestServer;
  const links = async (target: string): Promise<string[]> => {
    const r = await request(server.port, "GET", target);
    assert.equal(r.status, 200, target);
    return [...r.body.toString("utf8").matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g)].map((m) => `${m[1]} ${m[2]}`);
  };

  before(async () => {
    root = tempDir();
    for (const d of ["add", "remove", "retype", "rename", "index", "link"]) {
      mkdirSync(path.join(root, d));
      writeFileSync(path.join(root, d, "x"), "x");
    }
    server = await startServer(root, { protocol: "HTTP/1.1" });
    await sleep(2300);
  });
  after(async () => {
    await server.close();
    removeDir(root);
  });

  test("a file added, removed, renamed; a file replaced by a directory", async () => {
    for (const d of ["add", "remove", "retype", "rename"]) {
      assert.deepEqual(await links(`/${d}/`), ["x x"]);
      assert.deepEqual(await links(`/${d}/`), ["x x"]);
    }
    writeFileSync(path.join(root, "add", "y"), "y");
    unlinkSync(path.join(root, "remove", "x"));
    unlinkSync(path.join(root, "retype", "x"));
    mkdirSync(path.join(root, "retype", "x"));
    renameSync(path.join(root, "rename", "x"), path.join(root, "rename", "z"));
    assert.deepEqual(await links("/add/"), ["x x", "y y"]);
    assert.deepEqual(await links("/remove/"), []);
    assert.deepEqual(await links("/retype/"), ["x/ x/"]);
    assert.deepEqual(await links("/rename/"), ["z z"]);
  });

  test("an index page added to a listed directory is served instead", async () => {
    assert.deepEqual(await links("/index/"), ["x x"]);
    writeFileSync(path.join(root, "index", "index.html"), "now an index");
    const r = await request(server.port, "GET", "/index/");
    assert.equal(r.body.toString(), "now an index");
  });

  test("a symlink's target changing type shows at once", async () => {
    const d = path.join(root, "link");
    mkdirSync(path.join(root, "target"));
    symlinkSync("../target", path.join(d, "l"));
    await sleep(0);
    assert.deepEqual(await links("/link/"), ["l/ l@", "x x"]);
    rmdirSync(path.join(root, "target"));
    writeFileSync(path.join(root, "target"), "now a file");
    assert.deepEqual(await links("/link/"), ["l l@", "x x"]);
  });

  test("a listed directory removed is 404; one named in the query is the same listing", async () => {
    assert.deepEqual(await links("/add/?v=1"), await links("/add/?v=2"));
    removeDir(path.join(root, "remove"));
    assert.equal((await request(server.port, "GET", "/remove/")).status, 404);
  });
});
