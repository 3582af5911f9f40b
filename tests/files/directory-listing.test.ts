import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { renderDirectoryListing, sortEntries, type ListingEntry } from "../../src/files/directory-listing.js";
import { fsDecode } from "../../src/files/fs-encoding.js";
import { anyString, python, samples, tokens } from "../helpers/oracle.js";

const e = (name: string, isDirectory = false, isSymlink = false): ListingEntry => ({ name, isDirectory, isSymlink });

const PAGE_HEAD = (title: string): string =>
  [
    "<!DOCTYPE HTML>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<style type="text/css">\n:root {\ncolor-scheme: light dark;\n}\n</style>',
    `<title>Directory listing for ${title}</title>\n</head>`,
    `<body>\n<h1>Directory listing for ${title}</h1>`,
    "<hr>\n<ul>",
  ].join("\n");

test("renderDirectoryListing() writes CPython 3.14's page", () => {
  const body = renderDirectoryListing("/d/", [e("b.txt"), e("sub", true), e("a.txt")]);
  assert.equal(
    body.toString("utf8"),
    PAGE_HEAD("/d/") + "\n" + '<li><a href="a.txt">a.txt</a></li>\n<li><a href="b.txt">b.txt</a></li>\n<li><a href="sub/">sub/</a></li>\n' + "</ul>\n<hr>\n</body>\n</html>\n",
  );
});

test("renderDirectoryListing() marks directories with / and symlinks with @ (a link to a directory links with /)", () => {
  const text = renderDirectoryListing("/", [e("dir", true), e("link", false, true), e("dirlink", true, true)]).toString("utf8");
  assert.ok(text.includes('<li><a href="dir/">dir/</a></li>'));
  assert.ok(text.includes('<li><a href="link">link@</a></li>'));
  assert.ok(text.includes('<li><a href="dirlink/">dirlink@</a></li>'));
});

test("renderDirectoryListing() leaves the query and fragment out of the title (CPython 3.14+)", () => {
  for (const p of ["/d/?x=1", "/d/#frag", "/d/?x=%bb#y", "/d/?"]) {
    assert.ok(renderDirectoryListing(p, []).toString("utf8").startsWith(PAGE_HEAD("/d/")), p);
  }
});

test("renderDirectoryListing() percent-decodes and HTML-escapes the title", () => {
  assert.ok(renderDirectoryListing("/%3Cb%3E%26%22/", []).toString("utf8").includes('<title>Directory listing for /&lt;b&gt;&amp;"/</title>'));
  assert.ok(renderDirectoryListing("/caf%C3%A9/", []).toString("utf8").includes("<title>Directory listing for /café/</title>"));
  assert.ok(renderDirectoryListing("/d%2f", []).toString("utf8").includes("<title>Directory listing for /d/</title>"));
});

test("renderDirectoryListing() escapes names in text and quotes them in hrefs", () => {
  const text = renderDirectoryListing("/", [e("<script>&x"), e('a"b'), e("%41 #?")]).toString("utf8");
  assert.ok(text.includes('<li><a href="%3Cscript%3E%26x">&lt;script&gt;&amp;x</a></li>'));
  assert.ok(text.includes('<li><a href="a%22b">a"b</a></li>'));
  assert.ok(text.includes('<li><a href="%2541%20%23%3F">%41 #?</a></li>'));
});

test("renderDirectoryListing() writes undecodable name bytes back raw (surrogateescape)", () => {
  const name = fsDecode(Buffer.from([0x78, 0xff, 0xfe]));
  const body = renderDirectoryListing("/", [e(name)]);
  assert.ok(body.includes(Buffer.from([0x3e, 0x78, 0xff, 0xfe, 0x3c])), "raw bytes between > and <");
  assert.ok(body.includes(Buffer.from('href="x%ED%B3%BF%ED%B3%BE"')));
});

test("sortEntries() sorts case-insensitively, keeps ties in order, and does not touch its input", () => {
  const input = [e("b"), e("A"), e("a"), e("C"), e("B")];
  assert.deepEqual(sortEntries(input).map((x) => x.name), ["A", "a", "b", "B", "C"]);
  assert.deepEqual(input.map((x) => x.name), ["b", "A", "a", "C", "B"]);
});

test("sortEntries() orders by code point like Python: U+FF46 before U+1F600, undecodable bytes after U+D7FF", () => {
  assert.deepEqual(sortEntries([e("😀"), e("ｆ"), e("\udcff"), e("한")]).map((x) => x.name), ["한", "\udcff", "ｆ", "😀"]);
});

test("sortEntries() agrees with Python's sorted(names, key=str.lower)", () => {
  const inputs = samples(fc.array(anyString(4), { maxLength: 8 }), 400);
  const expected = python<string[][]>("result = [sorted(names, key=str.lower) for names in data]", inputs);
  inputs.forEach((names, i) => assert.deepEqual(sortEntries(names.map((n) => e(n))).map((x) => x.name), expected[i], JSON.stringify(names)));
});

test("renderDirectoryListing() agrees byte for byte with CPython 3.14's list_directory page", () => {
  const nameArb = fc.uint8Array({ minLength: 1, maxLength: 8 }).map((a) => fsDecode(Buffer.from(a.map((x) => (x === 0x2f || x === 0 ? 0x5f : x)))));
  const pathArb = tokens(["/", "a", "é", "%c3%a9", "%3C", "%26", "%ff", "%ED%B3%BF", "?x=1", "#f", "%2f", "<", "&", " "], 8).map((p) => "/" + p);
  const entryArb = fc.tuple(fc.oneof(nameArb, anyString(5).filter((s) => s.length > 0 && !/[\/\u0000\ud800-\udc7f\udd00-\udfff]/.test(s))), fc.boolean(), fc.boolean());
  const inputs = samples(fc.tuple(pathArb, fc.array(entryArb, { maxLength: 6 })), 300);
  const expected = python<string[]>(
    [
      "import html, urllib.parse",
      "def page(path, entries):",
      "    displaypath = path.split('#', 1)[0].split('?', 1)[0]",
      "    try:",
      "        displaypath = urllib.parse.unquote(displaypath, errors='surrogatepass')",
      "    except UnicodeDecodeError:",
      "        displaypath = urllib.parse.unquote(displaypath)",
      "    displaypath = html.escape(displaypath, quote=False)",
      "    title = f'Directory listing for {displaypath}'",
      "    r = ['<!DOCTYPE HTML>', '<html lang=\"en\">', '<head>', '<meta charset=\"utf-8\">',",
      "         '<style type=\"text/css\">\\n:root {\\ncolor-scheme: light dark;\\n}\\n</style>',",
      "         f'<title>{title}</title>\\n</head>', f'<body>\\n<h1>{title}</h1>', '<hr>\\n<ul>']",
      "    for name, isdir, islink in sorted(entries, key=lambda e: e[0].lower()):",
      "        displayname = linkname = name",
      "        if isdir:",
      "            displayname = name + '/'",
      "            linkname = name + '/'",
      "        if islink:",
      "            displayname = name + '@'",
      "        r.append('<li><a href=\"%s\">%s</a></li>' % (urllib.parse.quote(linkname, errors='surrogatepass'), html.escape(displayname, quote=False)))",
      "    r.append('</ul>\\n<hr>\\n</body>\\n</html>\\n')",
      "    return '\\n'.join(r).encode('utf-8', 'surrogateescape').hex()",
      "result = [page(p, entries) for p, entries in data]",
    ].join("\n"),
    inputs,
  );
  inputs.forEach(([p, entries], i) => {
    const got = renderDirectoryListing(p, entries.map(([name, d, l]) => e(name, d, l))).toString("hex");
    assert.equal(got, expected[i], JSON.stringify([p, entries]));
  });
});
