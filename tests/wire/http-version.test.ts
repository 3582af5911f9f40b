import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HTTP_1_1, versionNumber } from "../../src/wire/http-version.js";

describe("versionNumber()", () => {
  const rows: [string, number][] = [
    ["HTTP/1.1", 1001],
    ["HTTP/1.0", 1000],
    ["HTTP/0.9", 9],
    ["HTTP/2.0", 2000],
    ["HTTP/1.10", 1010],
    ["HTTP/1.2000", 1999],
    ["HTTP/1", 0],
    ["http/1.1", 0],
    ["", 0],
    ["HTTP/1.1 ", 0],
  ];
  for (const [version, expected] of rows) {
    it(`versionNumber() reads ${JSON.stringify(version)} as ${expected}`, () => {
      assert.equal(versionNumber(version), expected);
    });
  }

  it("orders HTTP/1.10 after HTTP/1.9 (CPython's string comparison would not)", () => {
    assert.ok(versionNumber("HTTP/1.10") > versionNumber("HTTP/1.9"));
    assert.ok(versionNumber("HTTP/1.10") >= HTTP_1_1);
  });
});
