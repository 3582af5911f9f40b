// HeaderMap: case-insensitive lookups (names lower-cased once and remembered), repeats kept.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HeaderMap } from "../../src/index.js";

describe("HeaderMap", () => {
  const h = new HeaderMap([
    ["Host", "a"],
    ["Content-Length", "1"],
    ["content-length", "1"],
    ["X-Mixed-CASE", "v"],
  ]);

  it("get() matches any case of the name, the same on repeated lookups", () => {
    for (let i = 0; i < 3; i++) {
      assert.equal(h.get("HOST"), "a");
      assert.equal(h.get("host"), "a");
      assert.equal(h.get("x-mixed-case"), "v");
      assert.equal(h.get("X-MIXED-case"), "v");
      assert.equal(h.get("Connection"), undefined);
      assert.equal(h.get("Connection", "none"), "none");
    }
  });

  it("count() counts repeated fields whatever their case", () => {
    assert.equal(h.count("Content-Length"), 2);
    assert.equal(h.count("HOST"), 1);
    assert.equal(h.count("Transfer-Encoding"), 0);
  });

  it("has() and getAll() agree with count()", () => {
    for (const name of ["content-length", "Host", "Nope"]) {
      assert.equal(h.has(name), h.count(name) > 0);
      assert.equal(h.getAll(name).length, h.count(name));
    }
  });

  it("lookups of many distinct names stay correct past the remembered-name bound", () => {
    const many = new HeaderMap(Array.from({ length: 400 }, (_, i) => [`X-Name-${i}`, String(i)] as [string, string]));
    for (let i = 0; i < 400; i++) assert.equal(many.get(`x-NAME-${i}`), String(i));
    assert.equal(many.count("X-NAME-399"), 1);
  });
});
