import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { pyExceptionRepr, pyFormat, pyRepr } from "../../src/python/py-format.js";
import type { PyFormatArg } from "../../src/python/py-format.js";
import { python, samples } from "../helpers/oracle.js";

// Every table row holds the expected text; CPython confirms each row before
// the module is checked against it, so a wrong row fails as loudly as a wrong module.

/** Checks `pyRepr` against the table, and the table against CPython's `repr()`. */
function checkRepr(rows: readonly (readonly [string, string])[]): void {
  const cpython = python<string[]>("result = [repr(s) for s in data]", rows.map(([s]) => s));
  rows.forEach(([s, want], i) => {
    assert.equal(cpython[i], want, `table row ${JSON.stringify(s)}: CPython's repr() differs`);
    assert.equal(pyRepr(s), want, JSON.stringify(s));
  });
}

type Args = readonly PyFormatArg[] | Readonly<Record<string, PyFormatArg>>;

/** JSON for the oracle: bigints travel as {"$big": "digits"}; a list becomes a tuple, an object a dict. */
function jsonArgs(args: Args): unknown {
  const one = (v: PyFormatArg): unknown => (typeof v === "bigint" ? { $big: v.toString() } : v === undefined ? null : v);
  return Array.isArray(args) ? args.map(one) : Object.fromEntries(Object.entries(args).map(([k, v]) => [k, one(v)]));
}

const PY_FORMAT = `
def conv(v):
    return int(v['$big']) if isinstance(v, dict) and '$big' in v else v
def args(a):
    return tuple(conv(x) for x in a) if isinstance(a, list) else {k: conv(x) for k, x in a.items()}
result = [f % args(a) for f, a in data]`;

/** Checks `pyFormat` against the table, and the table against CPython's `format % args`. */
function checkFormat(rows: readonly (readonly [string, Args, string])[]): void {
  const cpython = python<string[]>(PY_FORMAT, rows.map(([f, a]) => [f, jsonArgs(a)]));
  rows.forEach(([f, a, want], i) => {
    const label = `${JSON.stringify(f)} % ${JSON.stringify(jsonArgs(a))}`;
    assert.equal(cpython[i], want, `table row ${label}: CPython's % differs`);
    assert.equal(pyFormat(f, a), want, label);
  });
}

describe("pyRepr()", () => {
  test("pyRepr() quotes with single quotes by default", () => {
    checkRepr([
      ["", "''"],
      ["abc", "'abc'"],
      ["GET / HTTP/1.1", "'GET / HTTP/1.1'"],
      ['say "hi"', `'say "hi"'`],
      ['"', `'"'`],
    ]);
  });

  test("pyRepr() quotes with double quotes when the text has a single quote and no double", () => {
    checkRepr([
      ["it's", `"it's"`],
      ["'", `"'"`],
      ["''", `"''"`],
      ["it's\\", String.raw`"it's\\"`],
    ]);
  });

  test("pyRepr() keeps single quotes and escapes the single quotes when the text has both kinds", () => {
    checkRepr([
      [`it's "x"`, String.raw`'it\'s "x"'`],
      [`'"`, String.raw`'\'"'`],
      [`"'`, String.raw`'"\''`],
      [`a"b'c'`, String.raw`'a"b\'c\''`],
    ]);
  });

  test("pyRepr() doubles backslashes", () => {
    checkRepr([
      ["\\", String.raw`'\\'`],
      ["C:\\dir\\file", String.raw`'C:\\dir\\file'`],
      ["\\x41", String.raw`'\\x41'`],
      ["\\'", String.raw`"\\'"`],
    ]);
  });

  test("pyRepr() writes tab, line feed and carriage return as \\t \\n \\r", () => {
    checkRepr([
      ["\t", String.raw`'\t'`],
      ["a\tb\nc\rd", String.raw`'a\tb\nc\rd'`],
      ["GET /\r\n", String.raw`'GET /\r\n'`],
    ]);
  });

  test("pyRepr() writes the other C0 controls as \\xHH with two lower-case digits", () => {
    checkRepr([
      ["\u0000", String.raw`'\x00'`],
      ["\u0007\u0008", String.raw`'\x07\x08'`],
      ["\u000b\u000c", String.raw`'\x0b\x0c'`],
      ["\u001b[31mred", String.raw`'\x1b[31mred'`],
      ["\u001f", String.raw`'\x1f'`],
    ]);
  });

  test("pyRepr() writes DEL, the C1 controls and U+00A0 as \\xHH", () => {
    checkRepr([
      ["\u007f", String.raw`'\x7f'`],
      ["\u0080", String.raw`'\x80'`],
      ["\u0085", String.raw`'\x85'`],
      ["\u009b", String.raw`'\x9b'`],
      ["\u009f", String.raw`'\x9f'`],
      ["a\u00a0b", String.raw`'a\xa0b'`],
    ]);
  });

  test("pyRepr() writes U+00AD (soft hyphen) as \\xad", () => {
    checkRepr([
      ["\u00ad", String.raw`'\xad'`],
      ["co\u00adop", String.raw`'co\xadop'`],
    ]);
  });

  test("pyRepr() leaves printable non-ASCII alone, beyond the BMP too", () => {
    checkRepr([
      ["\u00a1\u00ae\u00ff", "'¡®ÿ'"],
      ["café", "'café'"],
      ["한글", "'한글'"],
      ["😀", "'😀'"],
      ["\u{1d518}x", "'\u{1d518}x'"],
      ["\ufffd", "'\ufffd'"],
    ]);
  });

  test("pyRepr() agrees with repr() for every character U+0000-U+00FF (what ISO-8859-1 decoding yields)", () => {
    const inputs: string[] = [];
    for (let c = 0; c < 0x100; c++) inputs.push(String.fromCharCode(c), `a${String.fromCharCode(c)}'b`, `"${String.fromCharCode(c)}'`);
    const expected = python<string[]>("result = [repr(s) for s in data]", inputs);
    inputs.forEach((s, i) => assert.equal(pyRepr(s), expected[i], JSON.stringify(s)));
  });

  test("pyRepr() agrees with repr() on random mixes of quotes, escapes, Latin-1 and printable characters", () => {
    const char = fc.oneof(
      fc.constantFrom("'", '"', "\\", "\t", "\n", "\r", "\u0000", "\u007f", "\u00a0", "\u00ad", "é", "한", "😀", " "),
      fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)),
    );
    const inputs = samples(fc.array(char, { maxLength: 12 }).map((a) => a.join("")), 800);
    const expected = python<string[]>("result = [repr(s) for s in data]", inputs);
    inputs.forEach((s, i) => assert.equal(pyRepr(s), expected[i], JSON.stringify(s)));
  });
});

describe("pyFormat()", () => {
  test("pyFormat() %s writes str() of text, integers, floats, None, True and False", () => {
    checkFormat([
      ["%s", ["abc"], "abc"],
      ["%s", [42], "42"],
      ["%s", [-7], "-7"],
      ["%s", [1.5], "1.5"],
      ["%s", [0.1], "0.1"],
      ["%s", [null], "None"],
      ["%s", [undefined], "None"],
      ["%s", [true], "True"],
      ["%s", [false], "False"],
      ["%s", [12345678901234567890n], "12345678901234567890"],
      ["[%s] %s", ["a", "b"], "[a] b"],
    ]);
  });

  test("pyFormat() formats of bare %s only (split once and kept): the same text as any other, %% and flags excepted", () => {
    checkFormat([
      ['"%s" %s %s', ["GET / HTTP/1.1", 200, "-"], '"GET / HTTP/1.1" 200 -'],
      ['"%s" %s %s', ["GET / HTTP/1.1", 200, "-"], '"GET / HTTP/1.1" 200 -'],
      ["%s%s", ["", ""], ""],
      ["no directive", [], "no directive"],
      ["%%s %s", ["x"], "%s x"],
      ["%-4s|%s", ["a", "b"], "a   |b"],
      ["100%% %s", [null], "100% None"],
    ]);
    assert.throws(() => pyFormat("%s and %s", ["a"]), { name: "TypeError", message: "not enough arguments for format string" });
  });

  test("pyFormat() %s inserts text verbatim: no escaping, and % in an argument is not a directive", () => {
    checkFormat([
      ["%s", ["it's \\ \"\n"], "it's \\ \"\n"],
      ["%s|%s", ["%d", "%(x)s"], "%d|%(x)s"],
      ["%s", ["😀é"], "😀é"],
    ]);
  });

  test("pyFormat() %d and %i write integers, truncating floats towards zero and True as 1", () => {
    checkFormat([
      ["%d", [42], "42"],
      ["%d", [-42], "-42"],
      ["%i", [7], "7"],
      ["%d", [3.7], "3"],
      ["%d", [-3.7], "-3"],
      ["%d", [-0.5], "0"],
      ["%d", [true], "1"],
      ["%d", [false], "0"],
      ["%d", [12345678901234567890n], "12345678901234567890"],
      ["%d", [-(2n ** 70n)], "-1180591620717411303424"],
      ["code %d, message %s", [404, "File not found"], "code 404, message File not found"],
    ]);
  });

  test("pyFormat() %r writes repr() of text, choosing the quotes as repr() does, and str() of other values", () => {
    checkFormat([
      ["%r", ["abc"], "'abc'"],
      ["%r", ["it's"], `"it's"`],
      ["%r", [`a"b'c`], String.raw`'a"b\'c'`],
      ["%r", ["a\tb\\\u001b"], String.raw`'a\tb\\\x1b'`],
      ["%r", [null], "None"],
      ["%r", [true], "True"],
      ["%r", [5], "5"],
      ["Bad request version (%r)", ["HTTP/x"], "Bad request version ('HTTP/x')"],
    ]);
  });

  test("pyFormat() %a writes repr() of ASCII text", () => {
    checkFormat([
      ["%a", ["abc"], "'abc'"],
      ["%a", ["it's\n"], String.raw`"it's\n"`],
    ]);
  });

  test("pyFormat() %x and %X write hexadecimal, the sign before the digits", () => {
    checkFormat([
      ["%x", [255], "ff"],
      ["%X", [255], "FF"],
      ["%x", [0], "0"],
      ["%x", [-255], "-ff"],
      ["%X", [0xdeadbeef], "DEADBEEF"],
      ["%x", [2n ** 52n], "10000000000000"],
    ]);
  });

  test("pyFormat() %f writes six decimals by default and honours the precision", () => {
    checkFormat([
      ["%f", [1.5], "1.500000"],
      ["%f", [2], "2.000000"],
      ["%.2f", [3.14159], "3.14"],
      ["%.0f", [2.7], "3"],
      ["%.3f", [-2.71828], "-2.718"],
      ["%.2f", [-0.001], "-0.00"],
      ["%.1f", [1234567.89], "1234567.9"],
    ]);
  });

  test("pyFormat() %c writes the character for a code point, and a one-character string as is", () => {
    checkFormat([
      ["%c", [65], "A"],
      ["%c", [233], "é"],
      ["%c", [0x1f600], "😀"],
      ["%c", ["x"], "x"],
    ]);
  });

  test("pyFormat() a width right-aligns with spaces, the - flag left-aligns, and nothing is truncated", () => {
    checkFormat([
      ["%5s|", ["ab"], "   ab|"],
      ["%-5s|", ["ab"], "ab   |"],
      ["%5d|", [-3], "   -3|"],
      ["%-5d|", [42], "42   |"],
      ["%2s|", ["abcdef"], "abcdef|"],
      ["%5r|", ["a"], "  'a'|"],
      ["%-6r|", ["a"], "'a'   |"],
      ["%-8s|", ["é"], "é       |"],
      ["%8.3f|", [3.14159], "   3.142|"],
    ]);
  });

  test("pyFormat() the 0 flag pads numbers with zeros after the sign and leaves %s and %r space-padded", () => {
    checkFormat([
      ["%05d", [42], "00042"],
      ["%05d", [-3], "-0003"],
      ["%05x", [255], "000ff"],
      ["%05x", [-255], "-00ff"],
      ["%05.2f", [3.14159], "03.14"],
      ["%05.2f", [-3.14159], "-3.14"],
      ["%06.2f", [-1.5], "-01.50"],
      ["%05s|", ["ab"], "   ab|"],
      ["%05r|", ["a"], "  'a'|"],
      ["%-05d|", [5], "5    |"],
    ]);
  });

  test("pyFormat() %% writes one percent sign and takes no argument", () => {
    checkFormat([
      ["%%", [], "%"],
      ["%%%%", [], "%%"],
      ["%%s", [], "%s"],
      ["100%% %s", ["x"], "100% x"],
      ["%s%%%s", ["a", "b"], "a%b"],
      ["no directives", [], "no directives"],
    ]);
  });

  test("pyFormat() %(key)s takes values from a mapping; a key may repeat, with any conversion, flags and width", () => {
    checkFormat([
      ["%(name)s is %(age)d", { name: "Bob", age: 30 }, "Bob is 30"],
      ["%(code)d %(code)s %(code)r", { code: 404 }, "404 404 404"],
      ["%(a)r", { a: "x'" }, `"x'"`],
      ["%(x)s|%(y)s|%(z)s", { x: null, y: true, z: false }, "None|True|False"],
      ["%(n)05d|%(m)-4s|", { n: 42, m: "a" }, "00042|a   |"],
      ["%(a)s", { a: "1", unused: "2" }, "1"],
      ["%(a b)s", { "a b": "spaced key" }, "spaced key"],
      ["%()s", { "": "empty key" }, "empty key"],
      ["%(big)x", { big: 2n ** 40n }, "10000000000"],
      ["%(p)s%%", { p: 50 }, "50%"],
    ]);
  });

  test("pyFormat() fills the log formats of http.server", () => {
    checkFormat([
      ['"%s" %s %s', ["GET / HTTP/1.1", "200", "-"], '"GET / HTTP/1.1" 200 -'],
      ["%s - - [%s] %s\n", ["127.0.0.1", "24/Mar/2026 10:00:00", "msg"], "127.0.0.1 - - [24/Mar/2026 10:00:00] msg\n"],
      ["code %d, message %s", [400, "Bad request syntax ('GET')"], "code 400, message Bad request syntax ('GET')"],
    ]);
  });

  test("pyFormat() throws TypeError 'not enough arguments for format string' when the arguments run out", () => {
    const rows: (readonly [string, readonly PyFormatArg[]])[] = [
      ["%s %s", ["a"]],
      ["%s", []],
      ["%d%%%d", [1]],
    ];
    const cpython = python<string[]>(
      "def f(fmt, a):\n  try:\n    fmt % tuple(a)\n    return 'no error'\n  except Exception as e:\n    return type(e).__name__ + ': ' + str(e)\nresult = [f(fmt, a) for fmt, a in data]",
      rows,
    );
    rows.forEach(([f, a], i) => {
      assert.equal(cpython[i], "TypeError: not enough arguments for format string", f);
      assert.throws(() => pyFormat(f, a), { name: "TypeError", message: "not enough arguments for format string" }, f);
    });
  });
});

describe("pyExceptionRepr()", () => {
  test("pyExceptionRepr() writes repr() of a one-argument exception, quoting its message as repr() does", () => {
    const messages = ["timed out", "it's", 'say "hi"', "both ' and \"", "tab\there"];
    const expected = python<string[]>("result = [repr(TimeoutError(m)) for m in data]", messages);
    assert.deepEqual(messages.map((m) => pyExceptionRepr("TimeoutError", m)), expected);
    assert.equal(pyExceptionRepr("TimeoutError", "timed out"), "TimeoutError('timed out')");
  });
});
