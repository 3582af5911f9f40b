import { test, after } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BufferSource, FileSource } from "../../src/files/body-source.js";
import { removeDir, tempDir } from "../helpers/file-server.js";

const dir = tempDir();
after(() => removeDir(dir));

test("BufferSource reads its bytes in pieces, then empty buffers", async () => {
  const s = new BufferSource(Buffer.from("abcdefg"));
  assert.equal(s.size, 7);
  assert.equal((await s.read(3)).toString(), "abc");
  assert.equal((await s.read(3)).toString(), "def");
  assert.equal((await s.read(3)).toString(), "g");
  assert.equal((await s.read(3)).length, 0);
  await s.close();
  await s.close();
});

test("FileSource reads a file sequentially up to the announced size", async () => {
  const file = path.join(dir, "f.bin");
  const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i & 0xff));
  writeFileSync(file, data);
  const s = await FileSource.open(file, data.length);
  assert.equal(s.size, 1000);
  const parts: Buffer[] = [];
  for (;;) {
    const chunk = await s.read(333);
    if (chunk.length === 0) break;
    assert.ok(chunk.length <= 333);
    parts.push(chunk);
  }
  assert.deepEqual(Buffer.concat(parts), data);
  await s.close();
  await s.close(); // idempotent
});

test("FileSource never reads past the announced size when the file grew", async () => {
  const file = path.join(dir, "grows.txt");
  writeFileSync(file, "12345");
  const s = await FileSource.open(file, 5);
  appendFileSync(file, "67890");
  assert.equal((await s.read(100)).toString(), "12345");
  assert.equal((await s.read(100)).length, 0);
  await s.close();
});

test("FileSource ends early when the file shrank", async () => {
  const file = path.join(dir, "shrinks.txt");
  writeFileSync(file, "1234567890");
  const s = await FileSource.open(file, 10);
  truncateSync(file, 4);
  assert.equal((await s.read(100)).toString(), "1234");
  assert.equal((await s.read(100)).length, 0);
  await s.close();
});

test("FileSource.open rejects for a missing file and accepts a Buffer path", async () => {
  await assert.rejects(FileSource.open(path.join(dir, "missing"), 0));
  const name = Buffer.concat([Buffer.from(dir + "/raw-"), Buffer.from([0xff])]);
  writeFileSync(name, "raw");
  const s = await FileSource.open(name, 3);
  assert.equal((await s.read(10)).toString(), "raw");
  await s.close();
});
