import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { escapeLogMessage } from "../../src/python/log-escape.js";
import { anyString, python, samples, tokens } from "../helpers/oracle.js";

// The reference is CPython 3.12+'s Lib/http/server.py (gh-100001), where
// BaseHTTPRequestHandler.log_message writes `message.translate(self._control_char_table)` with
//
//     _control_char_table = str.maketrans(
//             {c: fr'\x{c:02x}' for c in itertools.chain(range(0x20), range(0x7f,0xa0))})
//     _control_char_table[ord('\\')] = r'\\'
//
// The python3 here is 3.11, which lacks the table, so the tests state the rule
// themselves (`documented` below) and also run those two lines of 3.12 source
// on 3.11's str.translate (`CPYTHON_312_TABLE`), which behaves the same.

/** The documented rule: C0 controls and 0x7f-0x9f as \xHH (two lower-case hex digits), a backslash doubled. */
function documented(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c === 0x5c) out += "\\\\";
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out;
}

const CPYTHON_312_TABLE = `import itertools
_control_char_table = str.maketrans(
        {c: fr'\\x{c:02x}' for c in itertools.chain(range(0x20), range(0x7f,0xa0))})
_control_char_table[ord('\\\\')] = r'\\\\'
result = [s.translate(_control_char_table) for s in data]`;

/** Checks the table against the documented rule and CPython 3.12's table, then `escapeLogMessage` against the table. */
function check(rows: readonly (readonly [string, string])[]): void {
  const cpython = python<string[]>(CPYTHON_312_TABLE, rows.map(([s]) => s));
  rows.forEach(([s, want], i) => {
    assert.equal(documented(s), want, `table row ${JSON.stringify(s)}: the documented rule differs`);
    assert.equal(cpython[i], want, `table row ${JSON.stringify(s)}: CPython 3.12's _control_char_table differs`);
    assert.equal(escapeLogMessage(s), want, JSON.stringify(s));
  });
}

describe("escapeLogMessage()", () => {
  test("escapeLogMessage() writes C0 controls as \\xHH with two lower-case digits, \\t \\n \\r included", () => {
    check([
      ["\u0000", String.raw`\x00`],
      ["\t", String.raw`\x09`],
      ["line one\nline two", String.raw`line one\x0aline two`],
      ["\r\n", String.raw`\x0d\x0a`],
      ["\u001b[31mred\u001b[0m", String.raw`\x1b[31mred\x1b[0m`],
      ["\u001f", String.raw`\x1f`],
      ["\u000b\u000c", String.raw`\x0b\x0c`],
    ]);
  });

  test("escapeLogMessage() writes DEL and the C1 controls 0x80-0x9f as \\xHH", () => {
    check([
      ["\u007f", String.raw`\x7f`],
      ["\u0080", String.raw`\x80`],
      ["\u0085", String.raw`\x85`],
      ["\u009b2J", String.raw`\x9b2J`],
      ["\u009f", String.raw`\x9f`],
    ]);
  });

  test("escapeLogMessage() doubles a backslash, so an escape it wrote cannot be forged", () => {
    check([
      ["\\", String.raw`\\`],
      ["C:\\dir", String.raw`C:\\dir`],
      ["\\x0a", String.raw`\\x0a`],
      ["\\\n", String.raw`\\\x0a`],
    ]);
  });

  test("escapeLogMessage() leaves printable text alone: ASCII, U+00A0 and above, non-BMP, lone surrogates", () => {
    check([
      ["", ""],
      ['"GET / HTTP/1.1" 200 -', '"GET / HTTP/1.1" 200 -'],
      [" ~", " ~"],
      ["\u00a0\u00ad\u00ff", "\u00a0\u00ad\u00ff"],
      ["é한😀", "é한😀"],
      ["\u2028\u202e", "\u2028\u202e"],
      ["\udc80\ud800", "\udc80\ud800"],
    ]);
  });

  test("escapeLogMessage() returns the very same text when there is nothing to escape", () => {
    const s = "code 404, message File not found";
    assert.equal(escapeLogMessage(s), s);
    assert.equal(documented(s), s);
  });

  test("escapeLogMessage() agrees with CPython 3.12's _control_char_table for every character U+0000-U+00FF", () => {
    const inputs: string[] = [];
    for (let c = 0; c < 0x100; c++) inputs.push(String.fromCharCode(c), `a${String.fromCharCode(c)}b`);
    const expected = python<string[]>(CPYTHON_312_TABLE, inputs);
    inputs.forEach((s, i) => {
      assert.equal(expected[i], documented(s), `documented rule vs CPython 3.12, ${JSON.stringify(s)}`);
      assert.equal(escapeLogMessage(s), expected[i], JSON.stringify(s));
    });
  });

  test("escapeLogMessage() agrees with CPython 3.12's _control_char_table on random text", () => {
    const inputs = [...samples(tokens(["\\", "\n", "\r", "\u001b", "[", "m", "\u007f", "\u0085", "\u009f", "\u00a0", "a", " ", "x0a"], 12), 400), ...samples(anyString(12), 400)];
    const expected = python<string[]>(CPYTHON_312_TABLE, inputs);
    inputs.forEach((s, i) => assert.equal(escapeLogMessage(s), expected[i], JSON.stringify(s)));
  });
});
