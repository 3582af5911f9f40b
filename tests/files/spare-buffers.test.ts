import { test } from "node:test";
import assert from "node:assert/strict";
import { keepBuffer, takeBuffer } from "../../src/files/spare-buffers.js";

/** The same memory: one ArrayBuffer, from its first byte. */
const sameMemory = (x: Buffer, y: Buffer): boolean => x.buffer === y.buffer && x.byteOffset === y.byteOffset;

/** Empties the spare list (at most 8 MiB waits there, 2,048 buffers of the smallest size kept), so each test starts from nothing. */
function drain(): void {
  for (let i = 0; i < 2048; i++) takeBuffer(4096); // any spare fits it
}

test("takeBuffer gives exactly the bytes asked for, and a kept buffer serves the next request that fits in it", () => {
  drain();
  const a = takeBuffer(64 * 1024);
  assert.equal(a.length, 64 * 1024);
  keepBuffer(a);
  const b = takeBuffer(10_000);
  assert.equal(b.length, 10_000);
  assert.ok(sameMemory(a, b), "the kept buffer again");
  const c = takeBuffer(10_000);
  assert.ok(!sameMemory(b, c), "taken once: never handed to two readers");
});

test("a buffer kept twice is still handed out once", () => {
  drain();
  const a = takeBuffer(8192);
  keepBuffer(a);
  keepBuffer(a);
  const x = takeBuffer(8192);
  const y = takeBuffer(8192);
  assert.ok(sameMemory(x, a));
  assert.ok(!sameMemory(y, a));
});

test("buffers takeBuffer did not allocate are never kept: Node's shared pool, Buffer.from, small reads", () => {
  drain();
  const small = takeBuffer(100); // from Node's 8 KiB pool: other buffers share its memory
  const foreign = [small, Buffer.allocUnsafe(100), Buffer.from("abc"), Buffer.alloc(64 * 1024), Buffer.allocUnsafeSlow(64 * 1024)];
  for (const f of foreign) keepBuffer(f);
  const next = takeBuffer(64);
  const big = takeBuffer(32 * 1024);
  for (const f of foreign) {
    assert.ok(!sameMemory(next, f));
    assert.ok(!sameMemory(big, f));
  }
  keepBuffer(null);
  keepBuffer(undefined);
});

test("too small a spare is passed over, and at most 8 MiB waits", () => {
  drain();
  const small = takeBuffer(8192);
  keepBuffer(small);
  const big = takeBuffer(16_384);
  assert.ok(!sameMemory(big, small));
  assert.ok(sameMemory(takeBuffer(8192), small));
  drain();
  const many = Array.from({ length: 10 }, () => takeBuffer(1024 * 1024));
  for (const m of many) keepBuffer(m);
  const again = Array.from({ length: 10 }, () => takeBuffer(1024 * 1024));
  const reused = again.filter((x) => many.some((m) => sameMemory(m, x))).length;
  assert.equal(reused, 8);
});
