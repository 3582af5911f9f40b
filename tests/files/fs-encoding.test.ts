import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { fsDecode, fsEncode } from "../../src/files/fs-encoding.js";
import { python, samples } from "../helpers/oracle.js";

const b = (...bytes: number[]): Buffer => Buffer.from(bytes);

test("fsDecode() decodes valid UTF-8 as is", () => {
  assert.equal(fsDecode(Buffer.from("plain.txt")), "plain.txt");
  assert.equal(fsDecode(Buffer.from("unicode-한글😀.txt")), "unicode-한글😀.txt");
  assert.equal(fsDecode(b()), "");
});

test("fsDecode() turns each undecodable byte into U+DC80+byte (surrogateescape)", () => {
  assert.equal(fsDecode(b(0x61, 0xff, 0x62)), "a\udcffb");
  assert.equal(fsDecode(b(0xc3, 0x28)), "\udcc3(");
  assert.equal(fsDecode(b(0xe2, 0x82)), "\udce2\udc82"); // truncated sequence
  assert.equal(fsDecode(b(0xc0, 0xaf)), "\udcc0\udcaf"); // overlong
  assert.equal(fsDecode(b(0xe0, 0x80, 0xaf)), "\udce0\udc80\udcaf"); // overlong 3-byte
  assert.equal(fsDecode(b(0xed, 0xb3, 0xbf)), "\udced\udcb3\udcbf"); // an encoded surrogate is not UTF-8
  assert.equal(fsDecode(b(0xf4, 0x90, 0x80, 0x80)), "\udcf4\udc90\udc80\udc80"); // above U+10FFFF
  assert.equal(fsDecode(b(0x80)), "\udc80");
  // F5..FF never start a sequence, even when continuation bytes follow
  assert.equal(fsDecode(b(0xff, 0x96, 0x8b)), "\udcff\udc96\udc8b");
  assert.equal(fsDecode(b(0xf8, 0x88, 0x80, 0x80, 0x80)), "\udcf8\udc88\udc80\udc80\udc80");
});

test("fsEncode() returns the string itself when it has no surrogate", () => {
  assert.equal(fsEncode("unicode-한글.txt"), "unicode-한글.txt");
});

test("fsEncode() writes U+DC80..U+DCFF back as the raw bytes", () => {
  assert.deepEqual(fsEncode("a\udcffb"), b(0x61, 0xff, 0x62));
  assert.deepEqual(fsEncode("😀\udc80"), Buffer.concat([Buffer.from("😀"), b(0x80)]));
});

test("fsEncode(fsDecode(bytes)) gives back the bytes, whatever they are", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 24 }), (arr) => {
      const bytes = Buffer.from(arr);
      const decoded = fsDecode(bytes);
      const encoded = fsEncode(decoded);
      return Buffer.from(typeof encoded === "string" ? Buffer.from(encoded, "utf8") : encoded).equals(bytes);
    }),
    { numRuns: 3000 },
  );
});

test("fsDecode() agrees with CPython's bytes.decode('utf-8', 'surrogateescape')", () => {
  const interesting = fc.oneof(
    fc.integer({ min: 0, max: 255 }),
    fc.constantFrom(0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x9f, 0x90, 0x8f),
  );
  const inputs = samples(fc.array(interesting, { maxLength: 12 }), 1000).map((a) => Buffer.from(a).toString("hex"));
  const expected = python<string[]>("result = [bytes.fromhex(h).decode('utf-8', 'surrogateescape') for h in data]", inputs);
  inputs.forEach((h, i) => assert.equal(fsDecode(Buffer.from(h, "hex")), expected[i], h));
});
