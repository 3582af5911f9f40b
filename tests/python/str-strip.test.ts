import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { pyStrip } from "../../src/python/str-strip.js";
import { anyString, python, samples, tokens } from "../helpers/oracle.js";

/** Checks `pyStrip` against the table, and the table against CPython's `str.strip()`. */
function check(rows: readonly (readonly [string, string])[]): void {
  const cpython = python<string[]>("result = [s.strip() for s in data]", rows.map(([s]) => s));
  rows.forEach(([s, want], i) => {
    assert.equal(cpython[i], want, `table row ${JSON.stringify(s)}: CPython's str.strip() differs`);
    assert.equal(pyStrip(s), want, JSON.stringify(s));
  });
}

describe("pyStrip()", () => {
  test("pyStrip() removes ASCII whitespace from both ends and keeps it inside", () => {
    check([
      ["", ""],
      ["a", "a"],
      ["   ", ""],
      ["  a b  ", "a b"],
      ["\t\n\u000b\u000c\r secret \r\n", "secret"],
      ["pass\nword\n", "pass\nword"],
      ["\n\n", ""],
    ]);
  });

  test("pyStrip() removes the separators U+001C-U+001F, which JS trim() keeps", () => {
    check([
      ["\u001csecret\u001f", "secret"],
      ["\u001d\u001ea\u001eb\u001d", "a\u001eb"],
    ]);
    assert.notEqual("\u001csecret\u001f".trim(), "secret");
  });

  test("pyStrip() removes NEL U+0085, no-break space and the Unicode spaces and line/paragraph separators", () => {
    check([
      ["\u0085a\u00a0", "a"],
      ["\u1680\u2000a\u200a", "a"],
      ["\u2001\u2005\u2009a", "a"],
      ["\u2028a\u2029", "a"],
      ["\u202fa\u205f\u3000", "a"],
    ]);
  });

  test("pyStrip() keeps U+FEFF, U+200B and U+180E, which are not str.isspace()", () => {
    check([
      ["\ufeffa\ufeff", "\ufeffa\ufeff"],
      ["\u200ba\u200b", "\u200ba\u200b"],
      ["\u180ea\u180e", "\u180ea\u180e"],
      [" \ufeff a \ufeff ", "\ufeff a \ufeff"],
    ]);
    assert.notEqual("\ufeffa\ufeff".trim(), "\ufeffa\ufeff");
  });

  test("pyStrip() keeps other controls and lone surrogates at the ends", () => {
    check([
      ["\u0000a\u0000", "\u0000a\u0000"],
      ["\u001ba\u007f", "\u001ba\u007f"],
      [" \udc80 ", "\udc80"],
    ]);
  });

  test("pyStrip() agrees with str.strip() for every BMP character at either end, and a sample beyond", () => {
    const chars: string[] = [];
    for (let c = 0; c < 0x10000; c++) chars.push(String.fromCharCode(c));
    for (let c = 0x10000; c < 0x110000; c += 0x1001) chars.push(String.fromCodePoint(c));
    const inputs = chars.flatMap((ch) => [`${ch}x${ch}`, `${ch}${ch}`, `x${ch}x`]);
    const expected = python<string[]>("result = [s.strip() for s in data]", inputs);
    inputs.forEach((s, i) => assert.equal(pyStrip(s), expected[i], JSON.stringify(s)));
  });

  test("pyStrip() agrees with str.strip() on random text", () => {
    const inputs = [...samples(tokens([" ", "\t", "\n", "\r", "\u001c", "\u0085", "\u00a0", "\u3000", "\ufeff", "\u200b", "a", "é"], 12), 500), ...samples(anyString(10), 300)];
    const expected = python<string[]>("result = [s.strip() for s in data]", inputs);
    inputs.forEach((s, i) => assert.equal(pyStrip(s), expected[i], JSON.stringify(s)));
  });
});
