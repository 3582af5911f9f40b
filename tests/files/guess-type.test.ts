import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_EXTENSIONS_MAP, MIME_BY_EXTENSION, extensionOf, guessType, isCompressible, withCharset } from "../../src/files/guess-type.js";
import { python, samples, tokens } from "../helpers/oracle.js";

test("guessType() uses mime-db for common web types", () => {
  const expected: Record<string, string> = {
    "index.html": "text/html; charset=utf-8",
    "page.htm": "text/html; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "mod.mjs": "text/javascript; charset=utf-8",
    "data.json": "application/json; charset=utf-8",
    "image.png": "image/png",
    "photo.jpg": "image/jpeg",
    "vector.svg": "image/svg+xml",
    "module.wasm": "application/wasm",
    "notes.txt": "text/plain; charset=utf-8",
    "doc.pdf": "application/pdf",
    "font.woff2": "font/woff2",
    "clip.mp4": "video/mp4",
    "site.webmanifest": "application/manifest+json; charset=utf-8",
  };
  for (const [name, type] of Object.entries(expected)) assert.equal(guessType(name), type, name);
});

test("guessType() serves compressed files as such (CPython's extensions_map)", () => {
  assert.equal(guessType("archive.tar.gz"), "application/gzip");
  assert.equal(guessType("a.gz"), "application/gzip");
  assert.equal(guessType("a.Z"), "application/octet-stream");
  assert.equal(guessType("a.bz2"), "application/x-bzip2");
  assert.equal(guessType("a.xz"), "application/x-xz");
  assert.deepEqual({ ...DEFAULT_EXTENSIONS_MAP }, { ".gz": "application/gzip", ".Z": "application/octet-stream", ".bz2": "application/x-bzip2", ".xz": "application/x-xz" });
});

test("guessType() matches suffixes case-insensitively", () => {
  assert.equal(guessType("IMAGE.PNG"), "image/png");
  assert.equal(guessType("Page.Html"), "text/html; charset=utf-8");
  assert.equal(guessType("A.GZ"), "application/gzip");
});

test("guessType() falls back to application/octet-stream", () => {
  assert.equal(guessType("noext"), "application/octet-stream");
  assert.equal(guessType(".bashrc"), "application/octet-stream");
  assert.equal(guessType("file.zzzunknown"), "application/octet-stream");
  assert.equal(guessType("trailing."), "application/octet-stream");
  assert.equal(guessType("/srv/www/dir.d/noext"), "application/octet-stream");
  assert.equal(guessType("/srv/www/"), "application/octet-stream");
});

test("guessType() prefers extensionsMap over mime-db", () => {
  assert.equal(guessType("a.txt", { ".txt": "text/x-mine" }), "text/x-mine");
  assert.equal(guessType("a.html", { ".html": "application/x-custom" }), "application/x-custom");
  assert.equal(guessType("a.html", {}), "text/html; charset=utf-8");
});

test("guessType() looks extensionsMap up as given, then lower-cased", () => {
  const map = { ".Foo": "exact/foo", ".bar": "lower/bar", ".BAZ": "upper/baz" };
  assert.equal(guessType("x.Foo", map), "exact/foo");
  assert.equal(guessType("x.foo", map), "application/octet-stream"); // ".foo" is not a key
  assert.equal(guessType("x.BAR", map), "lower/bar");
  assert.equal(guessType("x.BAZ", map), "upper/baz");
  assert.equal(guessType("x.baz", map), "application/octet-stream");
});

test("guessType() ignores inherited properties of extensionsMap", () => {
  assert.equal(guessType("x.constructor", {}), "application/octet-stream");
  assert.equal(guessType("x.toString", {}), "application/octet-stream");
  assert.equal(guessType("x.__proto__", {}), "application/octet-stream");
});

test("MIME_BY_EXTENSION maps lower-case extensions without the dot", () => {
  assert.equal(MIME_BY_EXTENSION.get("html"), "text/html");
  assert.equal(MIME_BY_EXTENSION.has(".html"), false);
  for (const key of MIME_BY_EXTENSION.keys()) assert.equal(key, key.toLowerCase());
});

test("extensionOf() is Python's posixpath.splitext(path)[1]", () => {
  assert.equal(extensionOf("a.txt"), ".txt");
  assert.equal(extensionOf("a.tar.gz"), ".gz");
  assert.equal(extensionOf(".bashrc"), "");
  assert.equal(extensionOf("..a"), "");
  assert.equal(extensionOf("dir.d/file"), "");
  const inputs = samples(tokens([".", "..", "a", "b", "/", "x.y", "/."], 8), 800);
  const expected = python<string[]>("import posixpath\nresult = [posixpath.splitext(p)[1] for p in data]", inputs);
  inputs.forEach((p, i) => assert.equal(extensionOf(p), expected[i], JSON.stringify(p)));
});

test("withCharset() adds charset=utf-8 to text/* and to what mime-db marks UTF-8, nothing else", () => {
  const rows: Array<[string, string]> = [
    ["text/plain", "text/plain; charset=utf-8"],
    ["text/x-unknown-to-mime-db", "text/x-unknown-to-mime-db; charset=utf-8"],
    ["application/json", "application/json; charset=utf-8"],
    ["application/javascript", "application/javascript; charset=utf-8"],
    ["image/svg+xml", "image/svg+xml"],
    ["image/png", "image/png"],
    ["application/octet-stream", "application/octet-stream"],
    ["text/html; charset=latin-1", "text/html; charset=latin-1"],
  ];
  for (const [type, expected] of rows) assert.equal(withCharset(type), expected, type);
});

test("guessType() sends an extensionsMap entry exactly as written (no charset added)", () => {
  assert.equal(guessType("a.txt", { ".txt": "text/plain" }), "text/plain");
  assert.equal(guessType("a.md", { ".md": "text/markdown" }), "text/markdown");
});

test("isCompressible() follows mime-db's flag, text/* by default, never application/octet-stream", () => {
  const rows: Array<[string, boolean]> = [
    ["text/html; charset=utf-8", true],
    ["text/javascript", true],
    ["application/json", true],
    ["image/svg+xml", true],
    ["application/wasm", true],
    ["text/x-unknown-to-mime-db", true],
    ["image/png", false],
    ["video/mp4", false],
    ["application/pdf", false],
    ["application/gzip", false],
    ["font/woff2", false],
    ["application/octet-stream", false],
    ["APPLICATION/JSON", true],
  ];
  for (const [type, expected] of rows) assert.equal(isCompressible(type), expected, type);
});
