import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { normpath, translatePath } from "../../src/files/translate-path.js";
import { python, samples, tokens } from "../helpers/oracle.js";

const D = "/srv/www";

test("translatePath() maps /filename under the directory (CPython's test_query_arguments)", () => {
  assert.equal(translatePath("/filename", D), "/srv/www/filename");
  assert.equal(translatePath("/filename", "foo"), "foo/filename");
  assert.equal(translatePath("/filename", "/srv/www/"), "/srv/www/filename");
});

test("translatePath() drops the query and the fragment", () => {
  assert.equal(translatePath("/filename?foo=bar", D), "/srv/www/filename");
  assert.equal(translatePath("/filename?a=b&spam=eggs#zot", D), "/srv/www/filename");
  assert.equal(translatePath("/filename#zot?x", D), "/srv/www/filename");
  assert.equal(translatePath("/dir/?x=1", D), "/srv/www/dir/");
  assert.equal(translatePath("/a%3Fb", D), "/srv/www/a?b");
  assert.equal(translatePath("/a%23b", D), "/srv/www/a#b");
});

test("translatePath() ignores leading double slashes (test_start_with_double_slash)", () => {
  assert.equal(translatePath("//filename", D), "/srv/www/filename");
  assert.equal(translatePath("//filename?foo=bar", D), "/srv/www/filename");
  assert.equal(translatePath("///a//b", D), "/srv/www/a/b");
});

test("translatePath() keeps a trailing / as the directory marker", () => {
  assert.equal(translatePath("/dir/", D), "/srv/www/dir/");
  assert.equal(translatePath("/", D), "/srv/www/");
  assert.equal(translatePath("", D), "/srv/www");
  assert.equal(translatePath("/dir/.", D), "/srv/www/dir");
});

test("translatePath() keeps a trailing %2f as the directory marker (CPython 3.14+)", () => {
  assert.equal(translatePath("/dir%2f", D), "/srv/www/dir/");
  assert.equal(translatePath("/dir%2F", D), "/srv/www/dir/");
  assert.equal(translatePath("/test%2f?x=1", D), "/srv/www/test/");
});

test("translatePath() percent-decodes, with U+FFFD for bytes that are not UTF-8 and surrogates kept", () => {
  assert.equal(translatePath("/space%20name.txt", D), "/srv/www/space name.txt");
  assert.equal(translatePath("/unicode-%ED%95%9C%EA%B8%80.txt", D), "/srv/www/unicode-한글.txt");
  assert.equal(translatePath("/pct%2541.txt", D), "/srv/www/pct%41.txt");
  assert.equal(translatePath("/raw-%ED%B3%BF", D), "/srv/www/raw-\udcff");
  assert.equal(translatePath("/raw-%FF", D), "/srv/www/raw-\ufffd");
  assert.equal(translatePath("/nul%00.txt", D), "/srv/www/nul\u0000.txt");
});

test("translatePath() clamps . and .. at the directory, however they are spelled", () => {
  assert.equal(translatePath("/../etc/passwd", D), "/srv/www/etc/passwd");
  assert.equal(translatePath("/a/../../../b", D), "/srv/www/b");
  assert.equal(translatePath("/%2e%2e/%2e%2e/etc/passwd", D), "/srv/www/etc/passwd");
  assert.equal(translatePath("/..%2f..%2fetc", D), "/srv/www/etc");
  assert.equal(translatePath("/a/./b/.", D), "/srv/www/a/b");
  assert.equal(translatePath("../filename", D), "/srv/www/filename");
  assert.equal(translatePath("/a/b/../c/", D), "/srv/www/a/c/");
});

test("translatePath() treats backslashes and colons as ordinary name characters on POSIX", () => {
  assert.equal(translatePath("/c:\\..\\foo", D), "/srv/www/c:\\..\\foo");
  assert.equal(translatePath("/a\\b", D), "/srv/www/a\\b");
});

test("translatePath() never leaves the directory (property)", () => {
  const arb = tokens(["/", ".", "..", "%2e", "%2E", "%2f", "%2F", "a", "b", "%", "%25", "?", "#", "%00", "\\", "é", "%c3%a9", "%ff"], 16);
  fc.assert(
    fc.property(arb, (p) => {
      const out = translatePath(p, D);
      if (out !== D && !out.startsWith(D + "/")) return false;
      const rest = out.slice(D.length).split("/").filter(Boolean);
      return rest.every((w) => w !== "." && w !== "..");
    }),
    { numRuns: 3000 },
  );
});

test("normpath() is Python's posixpath.normpath", () => {
  assert.equal(normpath(""), ".");
  assert.equal(normpath("/"), "/");
  assert.equal(normpath("//"), "//");
  assert.equal(normpath("///"), "/");
  assert.equal(normpath("//a/../b"), "//b");
  assert.equal(normpath("a/../.."), "..");
  assert.equal(normpath("/a/../.."), "/");
  assert.equal(normpath("./a/./b/"), "a/b");
  const inputs = samples(tokens(["/", ".", "..", "a", "b"], 12), 800);
  const expected = python<string[]>("import posixpath\nresult = [posixpath.normpath(p) for p in data]", inputs);
  inputs.forEach((p, i) => assert.equal(normpath(p), expected[i], JSON.stringify(p)));
});

test("translatePath() agrees with CPython 3.14's SimpleHTTPRequestHandler.translate_path", () => {
  const pieces = ["/", "//", ".", "..", "%2e", "%2f", "%2F", "a", "b", "é", "%c3%a9", "%ff", "%ED%B3%BF", "?q=1", "#f", "%3F", "%23", "%00", "\\", "c:", " ", "%20", "%"];
  const inputs = samples(tokens(pieces, 12), 1000);
  const expected = python<string[]>(
    [
      "import posixpath, os, urllib.parse",
      "def translate_path(path, directory):",
      "    path = path.split('#', 1)[0]",
      "    path = path.split('?', 1)[0]",
      "    try:",
      "        path = urllib.parse.unquote(path, errors='surrogatepass')",
      "    except UnicodeDecodeError:",
      "        path = urllib.parse.unquote(path)",
      "    trailing_slash = path.endswith('/')",
      "    path = posixpath.normpath(path)",
      "    words = filter(None, path.split('/'))",
      "    path = directory",
      "    for word in words:",
      "        if os.path.dirname(word) or word in (os.curdir, os.pardir):",
      "            continue",
      "        path = os.path.join(path, word)",
      "    if trailing_slash:",
      "        path += '/'",
      "    return path",
      `result = [translate_path(p, ${JSON.stringify(D)}) for p in data]`,
    ].join("\n"),
    inputs,
  );
  inputs.forEach((p, i) => assert.equal(translatePath(p, D), expected[i], JSON.stringify(p)));
});
