import { test } from "node:test";
import assert from "node:assert/strict";
import { negotiateEncoding, parseAcceptEncoding } from "../../src/files/accept-encoding.js";

const OFFERED = ["br", "gzip"] as const;
const entries = (value: string): Array<[string, number]> => [...parseAcceptEncoding(value)];

test("parseAcceptEncoding() reads the examples of RFC 9110 section 12.5.3", () => {
  const cases: Array<[value: string, expected: Array<[string, number]>]> = [
    ["compress, gzip", [["compress", 1], ["gzip", 1]]],
    ["", []],
    ["*", [["*", 1]]],
    ["compress;q=0.5, gzip;q=1.0", [["compress", 0.5], ["gzip", 1]]],
    ["gzip;q=1.0, identity; q=0.5, *;q=0", [["gzip", 1], ["identity", 0.5], ["*", 0]]],
  ];
  for (const [value, expected] of cases) assert.deepEqual(entries(value), expected, value);
});

test("parseAcceptEncoding() lower-cases codings, folds x-gzip and x-compress, and keeps the first of duplicates", () => {
  const cases: Array<[value: string, expected: Array<[string, number]>]> = [
    ["gzip, deflate, br, zstd", [["gzip", 1], ["deflate", 1], ["br", 1], ["zstd", 1]]],
    ["GZIP;Q=0.5, Br", [["gzip", 0.5], ["br", 1]]],
    ["x-gzip, X-Compress;q=0.2", [["gzip", 1], ["compress", 0.2]]],
    ["gzip;q=0.5, gzip;q=1", [["gzip", 0.5]]],
    ["x-gzip;q=0, gzip", [["gzip", 0]]],
    [" , ,gzip,, \t", [["gzip", 1]]],
    ["gzip ;q=0.5,br\t;\tq=0.25", [["gzip", 0.5], ["br", 0.25]]],
  ];
  for (const [value, expected] of cases) assert.deepEqual(entries(value), expected, value);
});

test("parseAcceptEncoding() accepts exactly the qvalues of RFC 9110 section 12.4.2", () => {
  const valid: Array<[string, number]> = [
    ["0", 0], ["0.", 0], ["0.0", 0], ["0.1", 0.1], ["0.12", 0.12], ["0.123", 0.123], ["0.001", 0.001], ["0.000", 0],
    ["1", 1], ["1.", 1], ["1.0", 1], ["1.00", 1], ["1.000", 1],
  ];
  for (const [q, expected] of valid) assert.deepEqual(entries(`gzip;q=${q}`), [["gzip", expected]], q);
  const invalid = ["0.1234", "1.001", "1.5", "2", ".5", "-1", "01", "00", "1e0", "0x1", "", " 0.5", "0.5a", '"0.5"', "1.0000"];
  for (const q of invalid) assert.deepEqual(entries(`gzip;q=${q}, br`), [["br", 1]], q);
});

test("parseAcceptEncoding() ignores other parameters and skips malformed elements", () => {
  const cases: Array<[value: string, expected: Array<[string, number]>]> = [
    ["gzip;level=9", [["gzip", 1]]],
    ["gzip;level=9;q=0.5", [["gzip", 0.5]]],
    ['gzip;x="a, b;q=0";q=0.5, br', [["gzip", 0.5], ["br", 1]]],
    ['gzip;x="a\\"b", br', [["gzip", 1], ["br", 1]]],
    ["gzip;, br;;q=0.5", [["gzip", 1], ["br", 0.5]]],
    ["gzip;q=0.5;q=1, br", [["br", 1]]],
    ["gzip;q, br", [["br", 1]]],
    ["gzip;=1, br", [["br", 1]]],
    ["text/html, br", [["br", 1]]],
    ["gzip br, deflate", [["deflate", 1]]],
    ['"gzip", br', [["br", 1]]],
    ["gzip;q=0.5 x, br", [["br", 1]]],
    ['gzip;x="unterminated, br', []],
    [";q=1, ;, br", [["br", 1]]],
    ["gz\u00e9p, br", [["br", 1]]],
  ];
  for (const [value, expected] of cases) assert.deepEqual(entries(value), expected, value);
});

test("parseAcceptEncoding() gives the same answer from its cache and after it is flushed", () => {
  const first = entries("gzip;q=0.3, br");
  for (let i = 0; i < 200; i++) parseAcceptEncoding(`coding${i}`);
  assert.deepEqual(entries("gzip;q=0.3, br"), first);
  assert.deepEqual(entries("gzip;q=0.3, br"), [["gzip", 0.3], ["br", 1]]);
});

test("parseAcceptEncoding() reads a very long field value in one pass", () => {
  const value = Array.from({ length: 50_000 }, (_, i) => `c${i};q=0.${i % 10}`).join(", ") + ", ;;;;;;;;;;" + '"'.repeat(10_000);
  const map = parseAcceptEncoding(value);
  assert.equal(map.size, 50_000);
  assert.equal(map.get("c49999"), 0.9);
});

test("negotiateEncoding() picks the coding of RFC 9110 section 12.5.3's examples", () => {
  const cases: Array<[header: string | undefined, expected: string | null]> = [
    ["compress, gzip", "gzip"],
    ["", "identity"],
    ["*", "br"],
    ["compress;q=0.5, gzip;q=1.0", "gzip"],
    ["gzip;q=1.0, identity; q=0.5, *;q=0", "gzip"],
  ];
  for (const [header, expected] of cases) assert.equal(negotiateEncoding(header, OFFERED), expected, header);
});

test("negotiateEncoding() answers identity without the header, and prefers the server's order on ties", () => {
  const cases: Array<[header: string | undefined, expected: string | null]> = [
    [undefined, "identity"],
    ["gzip, deflate, br", "br"],
    ["gzip, deflate, br, zstd", "br"],
    ["gzip, deflate", "gzip"],
    ["deflate, gzip;q=1.0, *;q=0.5", "gzip"],
    ["br;q=0.5, gzip", "gzip"],
    ["br;q=0.5, gzip;q=0.5, identity;q=0", "br"],
    ["br;q=0.5, gzip;q=0.501, identity;q=0.1", "gzip"],
    ["x-gzip", "gzip"],
    ["X-GZIP", "gzip"],
    ["GZip;Q=1", "gzip"],
    ["*;q=0.5, br;q=0", "gzip"],
    ["*, br;q=0", "gzip"],
    ["*;q=0.1", "br"],
  ];
  for (const [header, expected] of cases) assert.equal(negotiateEncoding(header, OFFERED), expected, header);
});

test("negotiateEncoding() falls back to identity, which wins only with a strictly higher weight", () => {
  const cases: Array<[header: string, expected: string | null]> = [
    ["identity", "identity"],
    ["compress", "identity"],
    ["deflate, zstd", "identity"],
    ["gzip;q=0", "identity"],
    ["gzip;q=0, br;q=0", "identity"],
    ["br;q=0.001", "br"], // identity, not named, is acceptable at the lowest weight (Apache's rule)
    ["br;q=0.5, gzip;q=0.8", "gzip"],
    ["identity;q=0.5, gzip;q=0.4", "identity"],
    ["identity;q=0.5, gzip;q=0.5", "gzip"],
    ["*;q=0.5, identity;q=0.6", "identity"],
    ["*;q=0, identity", "identity"],
    ["*;q=0, identity;q=0.1, gzip;q=0.05", "identity"],
    ["gzip;q=2", "identity"],
    ["gzip;q=2, br", "br"],
    ["garbage/value", "identity"],
  ];
  for (const [header, expected] of cases) assert.equal(negotiateEncoding(header, OFFERED), expected, header);
});

test("negotiateEncoding() answers null when neither identity nor an offered coding is acceptable", () => {
  const cases: Array<[header: string, expected: string | null]> = [
    ["identity;q=0", null],
    ["*;q=0", null],
    ["identity;q=0, deflate", null],
    ["*;q=0, deflate", null],
    ["*;q=0, gzip;q=0.1", "gzip"],
    ["identity;q=0, gzip", "gzip"],
    ["identity;q=0, *", "br"],
  ];
  for (const [header, expected] of cases) assert.equal(negotiateEncoding(header, OFFERED), expected, header);
});

test("negotiateEncoding() returns an offered name as given, and works with nothing offered", () => {
  const cases: Array<[header: string | undefined, offered: readonly string[], expected: string | null]> = [
    ["gzip", [], "identity"],
    ["*", [], "identity"],
    [undefined, [], "identity"],
    ["identity;q=0", [], null],
    ["br", ["gzip"], "identity"],
    ["gzip, br", ["gzip"], "gzip"],
    ["gzip, br", ["GZip", "br"], "GZip"],
    ["gzip;q=0.5, zstd", ["zstd", "br", "gzip"], "zstd"],
  ];
  for (const [header, offered, expected] of cases) assert.equal(negotiateEncoding(header, offered), expected, `${header} / ${offered.join(",")}`);
});
