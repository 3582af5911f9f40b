import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, statSync, writeFileSync, type Stats } from "node:fs";
import path from "node:path";
import { ListingCache } from "../../src/files/listing-cache.js";
import { removeDir, tempDir } from "../helpers/file-server.js";

const dir = tempDir();
after(() => removeDir(dir));

/** A stat of a directory as it would look long after its last change. */
function aged(st: Stats, by = 60_000): { st: Stats; now: number } {
  return { st, now: Math.max(st.mtimeMs, st.ctimeMs) + by };
}

test("ListingCache keeps a listing while the directory is unchanged", () => {
  const cache = new ListingCache();
  const d = path.join(dir, "a");
  mkdirSync(d);
  const { st, now } = aged(statSync(d));
  const body = Buffer.from("listing");
  cache.set("k", st, body, false, now);
  assert.equal(cache.get("k", statSync(d)), body);
  assert.equal(cache.get("other", statSync(d)), null);
});

test("ListingCache drops a listing once the directory changed", () => {
  const cache = new ListingCache();
  const d = path.join(dir, "b");
  mkdirSync(d);
  const { st, now } = aged(statSync(d));
  cache.set("k", st, Buffer.from("old"), false, now);
  writeFileSync(path.join(d, "new.txt"), "x");
  assert.equal(cache.get("k", statSync(d)), null);
  assert.equal(cache.size, 0);
});

test("ListingCache does not keep listings with symlinks, of directories changed in the last 2 s, or too large", () => {
  const cache = new ListingCache(10, 1000);
  const d = path.join(dir, "c");
  mkdirSync(d);
  const st = statSync(d);
  const { now } = aged(st);
  cache.set("links", st, Buffer.from("x"), true, now);
  cache.set("fresh", st, Buffer.from("x"), false, Math.max(st.mtimeMs, st.ctimeMs) + 500);
  cache.set("huge", st, Buffer.alloc(251), false, now);
  assert.equal(cache.size, 0);
  assert.equal(cache.get("links", st), null);
});

test("ListingCache evicts the least recently used beyond its entry and byte limits", () => {
  const cache = new ListingCache(2, 1000);
  const d = path.join(dir, "d");
  mkdirSync(d);
  const { st, now } = aged(statSync(d));
  cache.set("1", st, Buffer.from("one"), false, now);
  cache.set("2", st, Buffer.from("two"), false, now);
  assert.ok(cache.get("1", st));
  cache.set("3", st, Buffer.from("three"), false, now);
  assert.equal(cache.size, 2);
  assert.equal(cache.get("2", st), null);
  assert.ok(cache.get("1", st));
  assert.ok(cache.get("3", st));
  cache.clear();
  assert.equal(cache.size, 0);
});
