// persists(): CPython's parse_request rule for keep-alive, as a table.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { persists } from "../../src/wire/persistence.js";

const H11 = 1001;
const H10 = 1000;

const rows: [string, number, number, string | undefined, boolean, boolean][] = [
  ["HTTP/1.1 on both ends persists", H11, H11, undefined, false, true],
  ["an HTTP/1.0 client closes", H10, H11, undefined, false, false],
  ["an HTTP/1.0 server (CPython's default) closes", H11, H10, undefined, false, false],
  ["Connection: close closes an HTTP/1.1 exchange", H11, H11, "close", false, false],
  ["Connection: CLOSE is case-insensitive", H11, H11, "CLOSE", false, false],
  ["Connection: keep-alive keeps an HTTP/1.0 client's connection when we speak HTTP/1.1", H10, H11, "keep-alive", false, true],
  ["Connection: Keep-Alive, any case", H10, H11, "Keep-Alive", false, true],
  ["Connection: keep-alive does nothing when we speak HTTP/1.0", H10, H10, "keep-alive", false, false],
  ["a Connection list is read as tokens (RFC 9112 9.6; CPython compares the whole value): keep-alive, close closes", H11, H11, "keep-alive, close", false, false],
  ["close, TE closes", H11, H11, "close, TE", false, false],
  ["two fields x and close, joined, close", H11, H11, "x, close", false, false],
  ["tokens with spaces and any case: ' Close ' closes", H11, H11, "foo ,  Close ", false, false],
  ["keep-alive in a list keeps an HTTP/1.0 client's connection", H10, H11, "TE, keep-alive", false, true],
  ["a token that only contains close does not close", H11, H11, "closed, not-close", false, true],
  ["another Connection token changes nothing", H11, H11, "upgrade", false, true],
  ["HTTP/0.9 always closes", 9, H11, undefined, true, false],
  ["HTTP/0.9 closes even with keep-alive", 9, H11, "keep-alive", true, false],
  ["a later minor version persists (HTTP/1.2)", 1002, H11, undefined, false, true],
];

describe("persists()", () => {
  for (const [name, theirs, ours, connection, http09, expected] of rows) {
    it(`persists(): ${name}`, () => {
      assert.equal(persists(theirs, ours, connection, http09), expected);
    });
  }
});
