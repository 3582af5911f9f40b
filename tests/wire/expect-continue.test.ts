import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { expectsContinue } from "../../src/wire/expect-continue.js";

describe("expectsContinue()", () => {
  const rows: [string, string | undefined, string, string, boolean][] = [
    ["100-continue on HTTP/1.1 both ends", "100-continue", "HTTP/1.1", "HTTP/1.1", true],
    ["any case", "100-Continue", "HTTP/1.1", "HTTP/1.1", true],
    ["no Expect header", undefined, "HTTP/1.1", "HTTP/1.1", false],
    ["another expectation", "something-else", "HTTP/1.1", "HTTP/1.1", false],
    ["an HTTP/1.0 client does not wait (RFC 9110 10.1.1)", "100-continue", "HTTP/1.1", "HTTP/1.0", false],
    ["we speak HTTP/1.0 (CPython's default): no 100 Continue", "100-continue", "HTTP/1.0", "HTTP/1.1", false],
    ["a list is not 100-continue (CPython compares the whole value)", "100-continue, foo", "HTTP/1.1", "HTTP/1.1", false],
  ];
  for (const [name, expect, ours, theirs, expected] of rows) {
    it(`expectsContinue(): ${name}`, () => assert.equal(expectsContinue(expect, ours, theirs), expected));
  }
});
