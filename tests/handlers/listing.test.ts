/**
 * Directory listings over a real socket: CPython 3.14's page, the escapes of
 * SimpleHTTPServerTestCase (test_undecodable_filename, test_html_escape_filename,
 * test_undecodable_parameter) and every link leading back to its file.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync, symlinkSync } from "node:fs";
import path from "node:path";
import { removeDir, startServer, tempDir, type TestServer } from "../helpers/file-server.js";
import { request, type ParsedResponse } from "../helpers/raw-client.js";

/** The bytes of `text` with each `\u{DC80..DCFF}` standing for a raw byte (Python's surrogateescape). */
function surrogateescape(text: string): Buffer {
  const parts: Buffer[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    parts.push(c >= 0xdc80 && c <= 0xdcff ? Buffer.from([c - 0xdc00]) : Buffer.from(ch, "utf8"));
  }
  return Buffer.concat(parts);
}

function hrefs(body: Buffer): string[] {
  return [...body.toString("latin1").matchAll(/<a href="([^"]*)">/g)].map((m) => m[1] as string);
}

describe("directory listings", () => {
  let root: string;
  let server: TestServer;
  const get = (target: string, method = "GET"): Promise<ParsedResponse> => request(server.port, method, target);

  before(async () => {
    root = tempDir();
    // A small directory whose page is checked byte for byte.
    mkdirSync(path.join(root, "plain", "sub"), { recursive: true });
    writeFileSync(path.join(root, "plain", "b.txt"), "b");
    writeFileSync(path.join(root, "plain", "A.txt"), "A");
    symlinkSync("b.txt", path.join(root, "plain", "link"));
    symlinkSync("sub", path.join(root, "plain", "dirlink"));
    // Awkward names.
    const names = path.join(root, "names");
    mkdirSync(names);
    writeFileSync(path.join(names, "<test&>.txt"), "markup");
    writeFileSync(path.join(names, `quo"te's.txt`), "quotes");
    writeFileSync(path.join(names, "unicode-한글.txt"), "hangul");
    writeFileSync(path.join(names, "café.txt"), "cafe");
    writeFileSync(path.join(names, "sp ace#hash?q%25.txt"), "punct");
    writeFileSync(path.join(names, "tab\tand\nnewline"), "controls");
    writeFileSync(Buffer.from([...Buffer.from(names + "/undecodable-"), 0xff, 0xfe, ...Buffer.from(".txt")]), "undecodable");
    writeFileSync(Buffer.from([...Buffer.from(names + "/bad-"), 0xc3, 0x28, ...Buffer.from(".bin")]), "bad utf-8");
    writeFileSync(Buffer.from([...Buffer.from(names + "/lead-"), 0xff, 0x96, 0x8b, ...Buffer.from(".bin")]), "ff lead");
    mkdirSync(path.join(root, "<b>&"));
    mkdirSync(Buffer.from([...Buffer.from(root + "/raw-"), 0xff]));
    // Sorting.
    const order = path.join(root, "order");
    mkdirSync(order);
    for (const n of ["b", "C", "a", "B2", "ｆullwidth", "😀emoji", "Zed", "_under", "10", "9"]) writeFileSync(path.join(order, n), n);
    server = await startServer(root, { protocol: "HTTP/1.1" });
  });
  after(async () => {
    await server.close();
    removeDir(root);
  });

  test("the page is CPython 3.14's, byte for byte", async () => {
    const r = await get("/plain/");
    assert.equal(r.status, 200);
    assert.equal(r.header("Content-type"), "text/html; charset=utf-8");
    assert.equal(r.header("Content-Length"), String(r.body.length));
    assert.equal(r.header("Last-Modified"), undefined);
    const expected = [
      "<!DOCTYPE HTML>",
      '<html lang="en">',
      "<head>",
      '<meta charset="utf-8">',
      '<style type="text/css">\n:root {\ncolor-scheme: light dark;\n}\n</style>',
      "<title>Directory listing for /plain/</title>\n</head>",
      "<body>\n<h1>Directory listing for /plain/</h1>",
      "<hr>\n<ul>",
      '<li><a href="A.txt">A.txt</a></li>',
      '<li><a href="b.txt">b.txt</a></li>',
      '<li><a href="dirlink/">dirlink@</a></li>',
      '<li><a href="link">link@</a></li>',
      '<li><a href="sub/">sub/</a></li>',
      "</ul>\n<hr>\n</body>\n</html>\n",
    ].join("\n");
    assert.equal(r.body.toString("utf8"), expected);
  });

  test("HEAD of a listing: the same headers, no body", async () => {
    const r = await get("/plain/", "HEAD");
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 0);
    const g = await get("/plain/");
    assert.equal(r.header("Content-Length"), String(g.body.length));
    assert.equal(r.header("Content-type"), "text/html; charset=utf-8");
  });

  test("markup in a name is HTML-escaped in the text and quoted in the href (test_html_escape_filename)", async () => {
    const body = (await get("/names/")).body;
    const text = body.toString("utf8");
    assert.ok(text.includes('<a href="%3Ctest%26%3E.txt">&lt;test&amp;&gt;.txt</a>'), text);
    assert.ok(text.includes(`<a href="quo%22te%27s.txt">quo"te's.txt</a>`), text);
    assert.ok(!text.includes("<test&>"), "raw markup must not appear");
  });

  test("non-ASCII names: UTF-8 text, percent-encoded UTF-8 href", async () => {
    const text = (await get("/names/")).body.toString("utf8");
    assert.ok(text.includes('<a href="unicode-%ED%95%9C%EA%B8%80.txt">unicode-한글.txt</a>'), text);
    assert.ok(text.includes('<a href="caf%C3%A9.txt">café.txt</a>'), text);
  });

  test("#, ? and % in names are percent-encoded so the href leads back to the file", async () => {
    const text = (await get("/names/")).body.toString("utf8");
    assert.ok(text.includes('<a href="sp%20ace%23hash%3Fq%2525.txt">sp ace#hash?q%25.txt</a>'), text);
  });

  test("an undecodable name: raw bytes in the text, surrogatepass-quoted href (test_undecodable_filename)", async () => {
    const body = (await get("/names/")).body;
    const name = "undecodable-\udcff\udcfe.txt";
    assert.ok(body.includes(Buffer.from('href="undecodable-%ED%B3%BF%ED%B3%BE.txt"')), body.toString("latin1"));
    assert.ok(body.includes(Buffer.concat([Buffer.from(">"), surrogateescape(name), Buffer.from("<")])), body.toString("latin1"));
    const bad = Buffer.concat([Buffer.from(">bad-"), Buffer.from([0xc3, 0x28]), Buffer.from(".bin<")]);
    assert.ok(body.includes(bad), "bytes c3 28 written back raw");
    assert.ok(body.includes(Buffer.from('href="bad-%ED%B3%83%28.bin"')));
  });

  test("every link of a listing leads to its file", async () => {
    const contents: Record<string, string> = {
      "%3Ctest%26%3E.txt": "markup",
      "quo%22te%27s.txt": "quotes",
      "unicode-%ED%95%9C%EA%B8%80.txt": "hangul",
      "caf%C3%A9.txt": "cafe",
      "sp%20ace%23hash%3Fq%2525.txt": "punct",
      "tab%09and%0Anewline": "controls",
      "undecodable-%ED%B3%BF%ED%B3%BE.txt": "undecodable",
      "bad-%ED%B3%83%28.bin": "bad utf-8",
      "lead-%ED%B3%BF%ED%B2%96%ED%B2%8B.bin": "ff lead",
    };
    const links = hrefs((await get("/names/")).body);
    assert.deepEqual([...links].sort(), Object.keys(contents).sort());
    for (const link of links) {
      const r = await get("/names/" + link);
      assert.equal(r.status, 200, link);
      assert.equal(r.body.toString("utf8"), contents[link], link);
    }
  });

  test("names sort case-insensitively, in code point order like Python's sorted(key=str.lower)", async () => {
    const links = hrefs((await get("/order/")).body);
    // Python: sorted(names, key=str.lower); U+FF46 (fullwidth f) sorts before U+1F600 (emoji).
    assert.deepEqual(links.map((l) => decodeURIComponent(l)), ["10", "9", "_under", "a", "b", "B2", "C", "Zed", "ｆullwidth", "😀emoji"]);
  });

  test("the title has no query or fragment (CPython 3.14+)", async () => {
    for (const target of ["/plain/?x=1", "/plain/?x=%bb", "/plain/#frag", "/plain/?a=1&b=2#frag"]) {
      const text = (await get(target)).body.toString("utf8");
      assert.ok(text.includes("<title>Directory listing for /plain/</title>"), `${target}: ${text.slice(0, 400)}`);
      assert.ok(text.includes("<h1>Directory listing for /plain/</h1>"), target);
    }
  });

  test("the title is the percent-decoded path, HTML-escaped", async () => {
    const r = await get("/%3Cb%3E%26/");
    assert.equal(r.status, 200);
    const text = r.body.toString("utf8");
    assert.ok(text.includes("<title>Directory listing for /&lt;b&gt;&amp;/</title>"), text);
    assert.ok(text.includes("<h1>Directory listing for /&lt;b&gt;&amp;/</h1>"), text);
    const slashed = await get("/pl%61in%2f");
    assert.equal(slashed.status, 200);
    assert.ok(slashed.body.toString("utf8").includes("<title>Directory listing for /plain/</title>"));
  });

  test("a directory whose name is not UTF-8: reached through its surrogatepass URL, raw byte in the title", async () => {
    const root_ = (await get("/")).body;
    assert.ok(root_.includes(Buffer.from('<a href="raw-%ED%B3%BF/">')), root_.toString("latin1"));
    const r = await get("/raw-%ED%B3%BF/");
    assert.equal(r.status, 200);
    assert.ok(r.body.includes(Buffer.concat([Buffer.from("Directory listing for /raw-"), Buffer.from([0xff]), Buffer.from("/</title>")])), r.body.toString("latin1"));
    // %FF alone is not UTF-8: decoded with replacement, it names no file.
    assert.equal((await get("/raw-%FF/")).status, 404);
  });

  test("an empty directory lists nothing", async () => {
    mkdirSync(path.join(root, "empty"));
    const r = await get("/empty/");
    assert.equal(r.status, 200);
    assert.deepEqual(hrefs(r.body), []);
    assert.ok(r.body.toString("utf8").includes("<hr>\n<ul>\n</ul>\n<hr>"));
  });
});
