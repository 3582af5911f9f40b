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

/** The same memory (Node pools small buffers, so the ArrayBuffer alone does not tell). */
const sameMemory = (x: Buffer, y: Buffer): boolean => x.buffer === y.buffer && x.byteOffset === y.byteOffset;

test("FileSource with `queued` reads into a buffer again only once no queued chunk uses it, and hands its buffers to the next download", async () => {
  const file = path.join(dir, "reuse.bin");
  const N = 5000; // past Node's pool of small buffers
  const data = Buffer.from(Array.from({ length: 4 * N }, (_, i) => (i * 7) & 0xff));
  writeFileSync(file, data);
  let queued = 0;
  const s = await FileSource.open(file, data.length, () => queued);
  const a = await s.read(N);
  assert.deepEqual(a, data.subarray(0, N));
  // Nothing queued: the same memory again (a's bytes have left).
  const b = await s.read(N);
  assert.ok(sameMemory(a, b));
  assert.deepEqual(b, data.subarray(N, 2 * N));
  // b still queued in part: a new buffer, b's bytes untouched.
  queued = N;
  const keptB = Buffer.from(b);
  const c = await s.read(N);
  assert.ok(!sameMemory(c, b));
  assert.deepEqual(b, keptB, "a queued chunk is never overwritten");
  // More than c queued: b's buffer (the one before c) may still be in use, so a third one.
  queued = N + 1;
  const keptC = Buffer.from(c);
  const d = await s.read(N);
  assert.ok(!sameMemory(d, c) && !sameMemory(d, b));
  assert.deepEqual(c, keptC);
  assert.deepEqual(Buffer.concat([data.subarray(0, N), keptB, keptC, d]), data);
  // Only d queued: c's buffer (the one before d) is free again.
  queued = N;
  const e = await s.read(N);
  assert.equal(e.length, 0, "the end");
  // All gone: closed with nothing queued, its buffers serve the next download.
  queued = 0;
  await s.close();
  const t = await FileSource.open(file, data.length, () => 0);
  const first = await t.read(N);
  assert.ok(sameMemory(first, d) || sameMemory(first, c), "a spare buffer of the closed source");
  assert.deepEqual(first, data.subarray(0, N));
  await t.close();
});

test("FileSource without `queued` gets a new buffer for every read (the caller may keep them all)", async () => {
  const file = path.join(dir, "fresh.bin");
  writeFileSync(file, Buffer.alloc(10_000, 0x61));
  const s = await FileSource.open(file, 10_000);
  const x = await s.read(5000);
  const y = await s.read(5000);
  assert.ok(!sameMemory(x, y));
  assert.equal(x.length + y.length, 10_000);
  await s.close();
});
