import { test, after } from "node:test";
import assert from "node:assert/strict";
import { statSync, utimesSync, writeFileSync, renameSync, unlinkSync } from "node:fs";
import path from "node:path";
import { FileCache } from "../../src/files/file-cache.js";
import { removeDir, tempDir } from "../helpers/file-server.js";

const dir = tempDir();
after(() => removeDir(dir));

function put(name: string, data: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, data);
  return file;
}

test("FileCache returns a file's bytes and keeps them while the file is unchanged", () => {
  const cache = new FileCache({ maxFileSize: 1024, maxBytes: 4096 });
  const file = put("a.txt", "hello");
  const first = cache.get(file, statSync(file));
  assert.equal(first?.toString(), "hello");
  assert.equal(cache.size, 1);
  assert.equal(cache.bytes, 5);
  assert.equal(cache.get(file, statSync(file)), first, "the same buffer, not a re-read");
});

test("FileCache re-reads a file edited in place, even to the same size and mtime", () => {
  const cache = new FileCache({ maxFileSize: 1024, maxBytes: 4096 });
  const file = put("b.txt", "one");
  const st = statSync(file);
  assert.equal(cache.get(file, st)?.toString(), "one");
  writeFileSync(file, "two");
  utimesSync(file, st.atime, st.mtime); // same size, same mtime: only ctime tells
  assert.equal(cache.get(file, statSync(file))?.toString(), "two");
});

test("FileCache notices a file replaced by rename (another inode)", () => {
  const cache = new FileCache({ maxFileSize: 1024, maxBytes: 4096 });
  const file = put("c.txt", "old");
  assert.equal(cache.get(file, statSync(file))?.toString(), "old");
  const tmp = put("c.tmp", "new");
  renameSync(tmp, file);
  assert.equal(cache.get(file, statSync(file))?.toString(), "new");
});

test("FileCache does not keep files over maxFileSize, nor serve a file that changed since its stat", () => {
  const cache = new FileCache({ maxFileSize: 4, maxBytes: 4096 });
  const big = put("big.txt", "12345");
  assert.equal(cache.get(big, statSync(big)), null);
  assert.equal(cache.size, 0);
  const file = put("d.txt", "abc");
  const stale = statSync(file);
  writeFileSync(file, "abcd");
  assert.equal(cache.get(file, stale), null, "the stat taken for the request no longer matches the file");
  unlinkSync(file);
  assert.equal(cache.get(file, stale), null, "a deleted file is not served from nothing");
});

test("FileCache evicts the least recently used entries beyond maxBytes", () => {
  const cache = new FileCache({ maxFileSize: 100, maxBytes: 10 });
  const a = put("e1", "aaaa");
  const b = put("e2", "bbbb");
  const c = put("e3", "cccc");
  const sa = statSync(a);
  const sb = statSync(b);
  cache.get(a, sa);
  const bufB = cache.get(b, sb);
  cache.get(a, sa); // a is now the most recent
  cache.get(c, statSync(c));
  assert.equal(cache.bytes, 8);
  assert.equal(cache.size, 2);
  assert.notEqual(cache.get(b, sb), bufB, "b was evicted and read again");
  cache.clear();
  assert.equal(cache.size, 0);
  assert.equal(cache.bytes, 0);
});

test("FileCache accepts Buffer paths (undecodable names)", () => {
  const cache = new FileCache({ maxFileSize: 100, maxBytes: 1000 });
  const name = Buffer.concat([Buffer.from(dir + "/raw-"), Buffer.from([0xfe])]);
  writeFileSync(name, "raw");
  assert.equal(cache.get(name, statSync(name))?.toString(), "raw");
});
