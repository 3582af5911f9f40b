import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { utf8DecodeError } from "../../src/python/utf8-decode-error.js";
import { python, samples } from "../helpers/oracle.js";

/** Bytes from hex, spaces allowed. */
const hex = (h: string): Buffer => Buffer.from(h.replace(/ /g, ""), "hex");

/** str(e) for the UnicodeDecodeError of bytes.fromhex(h).decode('utf-8'), or None when it decodes. */
const PY_DECODE = `
def err(h):
    try:
        bytes.fromhex(h).decode('utf-8')
        return None
    except UnicodeDecodeError as e:
        return str(e)
result = [err(h) for h in data]`;

/** Checks `utf8DecodeError` against the table, and the table against CPython's `bytes.decode('utf-8')`. */
function check(rows: readonly (readonly [string, string | null])[]): void {
  const cpython = python<(string | null)[]>(PY_DECODE, rows.map(([h]) => hex(h).toString("hex")));
  rows.forEach(([h, want], i) => {
    assert.equal(cpython[i], want, `table row ${h}: CPython's UnicodeDecodeError differs`);
    assert.equal(utf8DecodeError(hex(h)), want, h);
  });
}

const byte = (b: string, pos: number, reason: string): string => `'utf-8' codec can't decode byte 0x${b} in position ${pos}: ${reason}`;
const bytes = (from: number, to: number, reason: string): string => `'utf-8' codec can't decode bytes in position ${from}-${to}: ${reason}`;

describe("utf8DecodeError()", () => {
  test("utf8DecodeError() returns null for valid UTF-8, at the edges of every sequence length", () => {
    check([
      ["", null],
      ["61 62 63", null],
      ["00 7f", null],
      ["c2 80", null],
      ["df bf", null],
      ["c3 a9", null],
      ["e0 a0 80", null],
      ["ed 9f bf", null],
      ["ee 80 80", null],
      ["ef bf bf", null],
      ["ed 95 9c ea b8 80", null],
      ["f0 90 80 80", null],
      ["f0 9f 98 80", null],
      ["f4 8f bf bf", null],
    ]);
    assert.equal(utf8DecodeError(Buffer.from("pässwörd 😀\n", "utf8")), null);
    assert.equal(utf8DecodeError(new Uint8Array(0)), null);
  });

  test("utf8DecodeError() reports a lone continuation byte as an invalid start byte at its position", () => {
    check([
      ["80", byte("80", 0, "invalid start byte")],
      ["bf", byte("bf", 0, "invalid start byte")],
      ["61 62 80", byte("80", 2, "invalid start byte")],
      ["c3 a9 a9", byte("a9", 2, "invalid start byte")],
    ]);
  });

  test("utf8DecodeError() reports 0xc0, 0xc1 (overlong) and 0xf5-0xff as invalid start bytes", () => {
    check([
      ["c0 80", byte("c0", 0, "invalid start byte")],
      ["c0 af", byte("c0", 0, "invalid start byte")],
      ["c1 bf", byte("c1", 0, "invalid start byte")],
      ["f5 80 80 80", byte("f5", 0, "invalid start byte")],
      ["f8 88 80 80 80", byte("f8", 0, "invalid start byte")],
      ["fe", byte("fe", 0, "invalid start byte")],
      ["ff", byte("ff", 0, "invalid start byte")],
      ["61 ff 62", byte("ff", 1, "invalid start byte")],
    ]);
  });

  test("utf8DecodeError() reports a sequence cut short by the end as unexpected end of data, over the bytes present", () => {
    check([
      ["c3", byte("c3", 0, "unexpected end of data")],
      ["e2", byte("e2", 0, "unexpected end of data")],
      ["e2 82", bytes(0, 1, "unexpected end of data")],
      ["f0", byte("f0", 0, "unexpected end of data")],
      ["f0 9f", bytes(0, 1, "unexpected end of data")],
      ["f0 9f 98", bytes(0, 2, "unexpected end of data")],
      ["61 62 63 e2 82", bytes(3, 4, "unexpected end of data")],
    ]);
  });

  test("utf8DecodeError() reports the start byte alone when the second byte is outside its range: overlong, surrogate, above U+10FFFF", () => {
    check([
      ["e0 80 80", byte("e0", 0, "invalid continuation byte")],
      ["e0 9f bf", byte("e0", 0, "invalid continuation byte")],
      ["ed a0 80", byte("ed", 0, "invalid continuation byte")],
      ["ed b3 bf", byte("ed", 0, "invalid continuation byte")],
      ["f0 80 80 80", byte("f0", 0, "invalid continuation byte")],
      ["f0 8f bf bf", byte("f0", 0, "invalid continuation byte")],
      ["f4 90 80 80", byte("f4", 0, "invalid continuation byte")],
      ["f4 90", byte("f4", 0, "invalid continuation byte")],
      ["e0 80", byte("e0", 0, "invalid continuation byte")],
      ["ed a0", byte("ed", 0, "invalid continuation byte")],
    ]);
  });

  test("utf8DecodeError() reports the bytes before a later byte that is not a continuation byte", () => {
    check([
      ["c3 41", byte("c3", 0, "invalid continuation byte")],
      ["c3 c3 a9", byte("c3", 0, "invalid continuation byte")],
      ["e2 28 a1", byte("e2", 0, "invalid continuation byte")],
      ["e2 82 41", bytes(0, 1, "invalid continuation byte")],
      ["e2 82 c0", bytes(0, 1, "invalid continuation byte")],
      ["f0 9f 41", bytes(0, 1, "invalid continuation byte")],
      ["f0 9f 98 41", bytes(0, 2, "invalid continuation byte")],
      ["f0 9f 98 f0 9f 98 80", bytes(0, 2, "invalid continuation byte")],
    ]);
  });

  test("utf8DecodeError() reports only the first error, at its offset in the whole buffer", () => {
    check([
      ["68 c3 a9 6c 6c 6f ff 80", byte("ff", 6, "invalid start byte")],
      ["f0 9f 98 80 c3", byte("c3", 4, "unexpected end of data")],
      ["0a 0a e2 82 ac ed a0 80 ff", byte("ed", 5, "invalid continuation byte")],
    ]);
  });

  test("utf8DecodeError() agrees with bytes.decode('utf-8') on random mixes of awkward bytes", () => {
    const awkward = [0x41, 0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
    const arb = fc.array(fc.oneof(fc.constantFrom(...awkward), fc.integer({ min: 0, max: 0xff })), { maxLength: 10 });
    const inputs = samples(arb, 3000).map((a) => Buffer.from(a).toString("hex"));
    const expected = python<(string | null)[]>(PY_DECODE, inputs);
    inputs.forEach((h, i) => assert.equal(utf8DecodeError(hex(h)), expected[i], h));
  });
});
