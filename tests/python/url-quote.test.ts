import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { quote, unquote } from "../../src/python/url-quote.js";
import { anyString, python, samples, tokens } from "../helpers/oracle.js";

test("quote() leaves letters, digits, _.-~ and / alone and percent-encodes the rest as UTF-8", () => {
  assert.equal(quote("abcXYZ019_.-~/"), "abcXYZ019_.-~/");
  assert.equal(quote("a b"), "a%20b");
  assert.equal(quote("<test&>.txt"), "%3Ctest%26%3E.txt");
  assert.equal(quote(`"'#?%+=:;@!$*(),[]`), "%22%27%23%3F%25%2B%3D%3A%3B%40%21%24%2A%28%29%2C%5B%5D");
  assert.equal(quote("é"), "%C3%A9");
  assert.equal(quote("한글"), "%ED%95%9C%EA%B8%80");
  assert.equal(quote("😀"), "%F0%9F%98%80");
  assert.equal(quote("\u0000\u007f"), "%00%7F");
});

test("quote() writes lone surrogates in their 3-byte form (errors='surrogatepass')", () => {
  assert.equal(quote("\udcff"), "%ED%B3%BF");
  assert.equal(quote("\udc80x"), "%ED%B2%80x");
  assert.equal(quote("\ud800"), "%ED%A0%80");
});

test("unquote() decodes UTF-8 runs and leaves stray % alone", () => {
  assert.equal(unquote("a%20b"), "a b");
  assert.equal(unquote("%C3%A9%c3%a9"), "éé");
  assert.equal(unquote("100%"), "100%");
  assert.equal(unquote("%zz%4"), "%zz%4");
  assert.equal(unquote("%2f%2F"), "//");
  assert.equal(unquote("%2541"), "%41");
  assert.equal(unquote("no escapes"), "no escapes");
});

test("unquote() keeps encoded surrogates, and falls back to U+FFFD for bytes that are not UTF-8", () => {
  assert.equal(unquote("%ED%B3%BF"), "\udcff");
  assert.equal(unquote("x=%bb"), "x=\ufffd");
  // One bad run makes the whole string fall back (CPython's try/except around unquote).
  assert.equal(unquote("%ED%B3%BF/%ff"), "\ufffd\ufffd\ufffd/\ufffd");
  assert.equal(unquote("%c0%af"), "\ufffd\ufffd");
});

test("unquote(quote(s)) === s for any string, lone surrogates included", () => {
  fc.assert(
    fc.property(anyString(16), (s) => unquote(quote(s)) === s),
    { numRuns: 2000 },
  );
});

test("quote() agrees with CPython's urllib.parse.quote(s, errors='surrogatepass')", () => {
  const inputs = samples(anyString(12), 600);
  const expected = python<string[]>("from urllib.parse import quote\nresult = [quote(s, errors='surrogatepass') for s in data]", inputs);
  inputs.forEach((s, i) => assert.equal(quote(s), expected[i], JSON.stringify(s)));
});

test("unquote() agrees with http.server's unquote (surrogatepass, then replace)", () => {
  const pieces = ["%", "%2", "%2f", "%2F", "%41", "%c3", "%a9", "%C3%A9", "%ed", "%b3", "%bf", "%ED%B3%BF", "%ED%A0%BD", "%ED%B8%80", "%ff", "%e2%82", "%ac", "%F0%9F%98%80", "%f4%90%80%80", "%c0%80", "%zz", "a", "/", "é", "😀", "%00"];
  const inputs = samples(tokens(pieces, 10), 800);
  const expected = python<string[]>(
    "from urllib.parse import unquote\ndef u(s):\n  try:\n    return unquote(s, errors='surrogatepass')\n  except UnicodeDecodeError:\n    return unquote(s)\nresult = [u(s) for s in data]",
    inputs,
  );
  inputs.forEach((s, i) => assert.equal(unquote(s), expected[i], JSON.stringify(s)));
});
