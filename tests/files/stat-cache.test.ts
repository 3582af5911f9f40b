/**
 * StatCache over a real file system: a kept stat is the same object until the
 * file system reports a change, and every kind of change drops it before the
 * next event-loop turn is over (the black-box proof under load, with another
 * process editing, is tests/handlers/freshness.test.ts).
 */
import { describe, test, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, linkSync, mkdirSync, renameSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { StatCache } from "../../src/files/stat-cache.js";
import { removeDir, tempDir } from "../helpers/file-server.js";

/** One turn of the event loop: the poll phase hands over the file system's events. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("StatCache", () => {
  let root: string;
  let cache: StatCache;
  beforeEach(() => {
    root = tempDir();
    mkdirSync(path.join(root, "d"));
    writeFileSync(path.join(root, "d", "f.txt"), "one");
    cache = new StatCache({ maxEntries: 100, maxWatches: 100, validityMs: 60_000 });
  });
  afterEach(() => {
    cache.clear();
    removeDir(root);
  });
  const f = (): string => path.join(root, "d", "f.txt");

  test("StatCache keeps an unchanged file's stat: the same object, every directory above it watched", async () => {
    const a = cache.stat(f());
    assert.ok(a?.isFile());
    await turn();
    assert.equal(cache.stat(f()), a);
    assert.equal(cache.size, 1);
    assert.equal(cache.watching, root.split("/").length + 1, "/ and every directory down to d");
  });

  test("StatCache drops an entry written in place", async () => {
    const a = cache.stat(f());
    writeFileSync(f(), "three");
    await turn();
    const b = cache.stat(f());
    assert.notEqual(b, a);
    assert.equal(b?.size, 5);
  });

  test("StatCache drops an entry replaced by a rename over it (an editor's atomic save)", async () => {
    const a = cache.stat(f());
    writeFileSync(path.join(root, "d", ".f.tmp"), "fresh!");
    renameSync(path.join(root, "d", ".f.tmp"), f());
    await turn();
    const b = cache.stat(f());
    assert.notEqual(b?.ino, a?.ino);
    assert.equal(b?.size, 6);
  });

  test("StatCache drops an entry deleted, and does not keep missing names", async () => {
    cache.stat(f());
    unlinkSync(f());
    await turn();
    assert.equal(cache.stat(f()), null);
    assert.equal(cache.size, 0);
    for (let i = 0; i < 50; i++) assert.equal(cache.stat(path.join(root, "d", `missing-${i}`)), null);
    assert.equal(cache.size, 0, "a flood of missing names does not grow the cache");
  });

  test("StatCache drops an entry touched or chmod'ed (same size, same inode)", async () => {
    const a = cache.stat(f());
    utimesSync(f(), new Date(2001, 1, 1), new Date(2001, 1, 1));
    await turn();
    const b = cache.stat(f());
    assert.notEqual(b?.mtimeMs, a?.mtimeMs);
    chmodSync(f(), 0o600);
    await turn();
    assert.equal((cache.stat(f())?.mode ?? 0) & 0o777, 0o600);
  });

  test("StatCache drops everything below a directory renamed away and replaced", async () => {
    const a = cache.stat(f());
    renameSync(path.join(root, "d"), path.join(root, "old"));
    mkdirSync(path.join(root, "d"));
    writeFileSync(f(), "another file");
    await turn();
    const b = cache.stat(f());
    assert.notEqual(b?.ino, a?.ino);
    assert.equal(b?.size, 12);
    // The new directory is watched afresh: a change in it is seen too.
    writeFileSync(f(), "x");
    await turn();
    assert.equal(cache.stat(f())?.size, 1);
  });

  test("StatCache keeps a directory's stat fresh as entries come and go in it", async () => {
    const dir = path.join(root, "d");
    const a = cache.stat(dir);
    assert.ok(a?.isDirectory());
    await sleep(20); // a later mtime
    writeFileSync(path.join(dir, "new"), "n");
    await turn();
    const b = cache.stat(dir);
    assert.notEqual(b, a);
    assert.ok((b?.mtimeMs ?? 0) > (a?.mtimeMs ?? 0));
  });

  test("StatCache never trusts a path through a symbolic link (its target's directories are not watched)", () => {
    mkdirSync(path.join(root, "elsewhere"));
    writeFileSync(path.join(root, "elsewhere", "t.txt"), "1");
    symlinkSync(path.join(root, "elsewhere"), path.join(root, "link"));
    const p = path.join(root, "link", "t.txt");
    assert.equal(cache.stat(p)?.size, 1);
    writeFileSync(path.join(root, "elsewhere", "t.txt"), "22");
    // No turn of the loop: a fresh stat.
    assert.equal(cache.stat(p)?.size, 2);
  });

  test("StatCache: where no event comes (a write through a hard link elsewhere), validityMs bounds the staleness", async () => {
    const short = new StatCache({ maxEntries: 10, maxWatches: 100, validityMs: 100 });
    try {
      mkdirSync(path.join(root, "other"));
      linkSync(f(), path.join(root, "other", "same.txt"));
      assert.equal(short.stat(f())?.size, 3);
      writeFileSync(path.join(root, "other", "same.txt"), "four");
      await sleep(150);
      assert.equal(short.stat(f())?.size, 4);
    } finally {
      short.clear();
    }
  });

  test("StatCache stays within maxEntries and maxWatches, and answers right past them", () => {
    const small = new StatCache({ maxEntries: 2, maxWatches: 100, validityMs: 60_000 });
    const none = new StatCache({ maxEntries: 100, maxWatches: 2, validityMs: 60_000 });
    try {
      for (const n of ["a", "b", "c"]) writeFileSync(path.join(root, "d", n), n);
      for (const n of ["a", "b", "c"]) assert.equal(small.stat(path.join(root, "d", n))?.size, 1);
      assert.equal(small.size, 2);
      assert.ok(none.stat(f())?.isFile());
      assert.equal(none.size, 0, "too deep to watch: not kept");
      assert.equal(none.watching, 0);
    } finally {
      small.clear();
      none.clear();
    }
  });

  test("StatCache: relative paths and names that are not UTF-8 are stat'ed every time", () => {
    assert.equal(cache.stat(path.relative(process.cwd(), f()))?.isFile(), true);
    assert.equal(cache.stat(path.join(root, "d", "\udcff")), null);
    assert.equal(cache.size, 0);
  });
});
