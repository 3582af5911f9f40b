/**
 * CPython's SimpleHTTPServerTestCase (Lib/test/test_httpservers.py) as
 * black-box tests over real sockets, with the 3.14 behaviours this project
 * follows (a trailing %2f is a trailing slash; the listing title has no query).
 * The server speaks HTTP/1.0 like CPython's handler, so every response must
 * come back as HTTP/1.0 on a connection the server closes, with nothing after it.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { removeDir, startServer, tempDir, httpDate, type TestServer } from "../helpers/file-server.js";
import { buildRequest, exchange, request, type ParsedResponse } from "../helpers/raw-client.js";

const DATA = Buffer.from("We are the knights who say Ni!");

/** CPython's check_status_and_reason: status, a reason, HTTP/1.0, connection closed. */
function checkStatus(r: ParsedResponse, status: number, data?: Buffer): Buffer {
  assert.equal(r.status, status, `${r.statusLine}\n${r.body.toString("latin1").slice(0, 300)}`);
  assert.notEqual(r.reason, "");
  assert.equal(r.version, "HTTP/1.0");
  const conn = r.header("Connection");
  assert.ok(conn === undefined || conn.toLowerCase() === "close", `Connection: ${conn}`);
  if (data) assert.deepEqual(r.body, data);
  return r.body;
}

describe("SimpleHTTPServerTestCase (CPython) over a real socket", () => {
  let root: string;
  let base: string; // the served subdirectory, CPython's tempdir_name
  let server: TestServer;
  let lastModified: string;
  let mtimeMs: number;
  const get = (target: string, headers: readonly string[] = [], method = "GET"): Promise<ParsedResponse> => request(server.port, method, target, headers);

  before(async () => {
    root = tempDir();
    base = "knights";
    mkdirSync(path.join(root, base));
    const file = path.join(root, base, "test");
    writeFileSync(file, DATA);
    // A fractional mtime: Last-Modified and the comparison use whole seconds.
    const when = new Date("2021-03-04T05:06:07.890Z");
    utimesSync(file, when, when);
    mtimeMs = statSync(file).mtimeMs;
    lastModified = httpDate(mtimeMs);
    server = await startServer(root);
  });
  after(async () => {
    await server.close();
    removeDir(root);
  });

  test("GET a file: 200 with its bytes (test_get)", async () => {
    checkStatus(await get(`/${base}/test`), 200, DATA);
  });

  test("a file with a trailing slash is 404, not the file (Issue17324)", async () => {
    checkStatus(await get(`/${base}/test/`), 404);
  });

  test("a file with a trailing %2f is 404 too (CPython 3.14+)", async () => {
    checkStatus(await get(`/${base}/test%2f`), 404);
    checkStatus(await get(`/${base}/test%2F`), 404);
  });

  test("a directory with its slash lists it; with ?query too", async () => {
    const body = checkStatus(await get(`/${base}/`), 200).toString("utf8");
    assert.match(body, /<a href="test">test<\/a>/);
    checkStatus(await get(`/${base}/?hi=2`), 200);
  });

  test("a directory with a trailing %2f is served as the directory (CPython 3.14+)", async () => {
    const r = await get(`/${base}%2f`);
    const body = checkStatus(r, 200).toString("utf8");
    assert.match(body, /<a href="test">test<\/a>/);
    assert.match(body, new RegExp(`<title>Directory listing for /${base}/</title>`));
    checkStatus(await get(`/${base}%2F`), 200);
  });

  test("a directory without its slash: 301, Content-Length 0, empty body", async () => {
    const r = await get(`/${base}`);
    checkStatus(r, 301);
    assert.equal(r.header("Content-Length"), "0");
    assert.equal(r.header("Location"), `/${base}/`);
    assert.equal(r.body.length, 0);
  });

  test("the redirect keeps the query: /d?hi=1 -> /d/?hi=1", async () => {
    const r = await get(`/${base}?hi=1`);
    checkStatus(r, 301);
    assert.equal(r.header("Location"), `/${base}/?hi=1`);
  });

  test("missing paths are 404, with or without a slash", async () => {
    checkStatus(await get("/ThisDoesNotExist"), 404);
    checkStatus(await get("/ThisDoesNotExist/"), 404);
  });

  test("a directory named index.html is not an index page: the listing is served", async () => {
    mkdirSync(path.join(root, base, "spam", "index.html"), { recursive: true });
    const body = checkStatus(await get(`/${base}/spam/`), 200).toString("utf8");
    assert.match(body, /<a href="index.html\/">index.html\/<\/a>/);
  });

  test("an index.html file replaces the listing", async () => {
    const dir = path.join(root, "withindex");
    mkdirSync(dir);
    const data = Buffer.from("Dummy index file\r\n");
    writeFileSync(path.join(dir, "index.html"), data);
    const r = await get("/withindex/");
    checkStatus(r, 200, data);
    assert.equal(r.header("Content-type"), "text/html; charset=utf-8");
    // index.htm is the second choice
    const dir2 = path.join(root, "withhtm");
    mkdirSync(dir2);
    writeFileSync(path.join(dir2, "index.htm"), "htm index");
    checkStatus(await get("/withhtm/"), 200, Buffer.from("htm index"));
  });

  test("HEAD of a file: 200, Content-Length and Content-type, no body (test_head)", async () => {
    const r = await get(`/${base}/test`, [], "HEAD");
    checkStatus(r, 200);
    assert.equal(r.header("Content-Length"), String(DATA.length));
    assert.equal(r.header("Content-type"), "application/octet-stream");
    assert.equal(r.body.length, 0);
  });

  test("Last-Modified is the file's mtime to the second (test_last_modified)", async () => {
    const r = await get(`/${base}/test`);
    checkStatus(r, 200, DATA);
    assert.equal(r.header("Last-Modified"), lastModified);
    assert.equal(lastModified, "Thu, 04 Mar 2021 05:06:07 GMT");
  });

  test("If-Modified-Since equal to Last-Modified: 304 with no body (test_browser_cache)", async () => {
    const r = await get(`/${base}/test`, [`If-Modified-Since: ${lastModified}`]);
    checkStatus(r, 304);
    assert.equal(r.body.length, 0);
    assert.equal(r.header("Content-Length"), undefined);
    // RFC 9110 15.4.5: the ETag a 200 would carry; no Last-Modified (not needed beside an ETag; CPython sends neither).
    assert.equal(r.header("Last-Modified"), undefined);
    assert.match(r.header("ETag") ?? "", /^"[0-9a-f.]+-[0-9a-f]+"$/);
  });

  test("If-Modified-Since one hour later: 304", async () => {
    checkStatus(await get(`/${base}/test`, [`If-Modified-Since: ${httpDate(mtimeMs + 3600_000)}`]), 304);
  });

  test("If-Modified-Since one second earlier or a year earlier: 200 (test_browser_cache_file_changed)", async () => {
    checkStatus(await get(`/${base}/test`, [`If-Modified-Since: ${httpDate(mtimeMs - 1000)}`]), 200, DATA);
    checkStatus(await get(`/${base}/test`, [`If-Modified-Since: ${httpDate(mtimeMs - 365 * 86400_000)}`]), 200, DATA);
  });

  test("If-Modified-Since that is not a date: ignored, 200", async () => {
    checkStatus(await get(`/${base}/test`, ["If-Modified-Since: not a date"]), 200, DATA);
    checkStatus(await get(`/${base}/test`, ["If-Modified-Since: Thu, 32 Mar 2021 05:06:07 GMT"]), 200, DATA);
    checkStatus(await get(`/${base}/test`, ["If-Modified-Since: "]), 200, DATA);
  });

  test("If-Modified-Since is ignored when If-None-Match is present (test_browser_cache_with_If_None_Match_header)", async () => {
    // CPython ignores both and answers 200 to its test's "If-None-Match: *"; RFC 9110 13.1.2 says
    // "*" matches any current representation, so a GET gets 304. A tag that does not match: 200.
    checkStatus(await get(`/${base}/test`, [`If-Modified-Since: ${lastModified}`, "If-None-Match: *"]), 304);
    checkStatus(await get(`/${base}/test`, [`If-Modified-Since: ${lastModified}`, 'If-None-Match: "no-such-tag"']), 200, DATA);
  });

  test("If-Modified-Since in a non-UTC zone is ignored; +0000, GMT, RFC 850 and asctime count as UTC", async () => {
    // A day after the mtime, but written as +0100 or EST: CPython ignores such dates.
    checkStatus(await get(`/${base}/test`, ["If-Modified-Since: Fri, 05 Mar 2021 05:06:07 +0100"]), 200, DATA);
    checkStatus(await get(`/${base}/test`, ["If-Modified-Since: Fri, 05 Mar 2021 05:06:07 EST"]), 200, DATA);
    checkStatus(await get(`/${base}/test`, ["If-Modified-Since: Thu, 04 Mar 2021 05:06:07 +0000"]), 304);
    checkStatus(await get(`/${base}/test`, ["If-Modified-Since: Thursday, 04-Mar-21 05:06:07 GMT"]), 304);
    checkStatus(await get(`/${base}/test`, ["If-Modified-Since: Thu Mar  4 05:06:07 2021"]), 304);
    checkStatus(await get(`/${base}/test`, ["If-Modified-Since: Thu Mar  4 05:06:06 2021"]), 200, DATA);
  });

  test("If-Modified-Since with -0000 (RFC 2822: UTC, no zone known) counts as UTC: 304", async () => {
    checkStatus(await get(`/${base}/test`, ["If-Modified-Since: Thu, 04 Mar 2021 05:06:07 -0000"]), 304);
  });

  test("HEAD with a matching If-Modified-Since: 304", async () => {
    checkStatus(await get(`/${base}/test`, [`If-Modified-Since: ${lastModified}`], "HEAD"), 304);
  });

  test("unknown and lower-case methods: 501 (test_invalid_requests)", async () => {
    for (const method of ["FOO", "custom", "GETs", "POST", "PUT", "DELETE"]) {
      const r = await get("/", [], method);
      checkStatus(r, 501);
      assert.match(r.body.toString("utf8"), new RegExp(`Unsupported method \\(&#x27;${method}&#x27;\\)|Unsupported method \\('${method}'\\)`));
    }
  });

  test("paths without a leading slash resolve like slashed ones (test_path_without_leading_slash)", async () => {
    checkStatus(await get(`${base}/test`), 200, DATA);
    checkStatus(await get(`${base}/test/`), 404);
    checkStatus(await get(`${base}/`), 200);
    checkStatus(await get(`${base}/?hi=2`), 200);
    const r = await get(base);
    checkStatus(r, 301);
    assert.equal(r.header("Location"), `${base}/`);
    const q = await get(`${base}?hi=1`);
    checkStatus(q, 301);
    assert.equal(q.header("Location"), `${base}/?hi=1`);
  });

  test("//python.org/..%2f..%2f/d cannot redirect to another host (test_get_dir_redirect_location_domain_injection_bug)", async () => {
    mkdirSync(path.join(root, base, "existing_directory"), { recursive: true });
    const url = `/python.org/..%2f..%2f..%2f..%2f..%2f../%0a%0d/../${base}/existing_directory`;
    const expected = `${url}/`;
    const plain = await get(url);
    checkStatus(plain, 301);
    assert.equal(plain.header("Location"), expected, "non-attack failed");
    for (const attack of [`/${url}`, `//${url}`, `///////${url}`]) {
      const r = await get(attack);
      checkStatus(r, 301);
      const location = r.header("Location") ?? "";
      assert.ok(!location.startsWith("//"), `Location ${location} for ${attack}`);
      assert.equal(location, expected);
    }
    // An absolute-form target keeps its scheme and host, as CPython's (it asserts exactly this Location).
    const target = `https://pypi.org/${url}`;
    const abs = await get(target);
    checkStatus(abs, 301);
    assert.equal(abs.header("Location"), `${target}/`);
  });

  test("a NUL in the path is 404, answered (never a dropped connection)", async () => {
    checkStatus(await get(`/${base}/test%00`), 404);
    checkStatus(await get(`/${base}/test%00.html`), 404);
    checkStatus(await get(`/${base}%00/`), 404);
  });

  test("the 404 page is CPython's error page", async () => {
    const r = await get("/nope");
    checkStatus(r, 404);
    assert.equal(r.header("Content-Type"), "text/html;charset=utf-8");
    assert.equal(r.header("Connection"), "close");
    assert.match(r.body.toString("utf8"), /<p>Message: File not found.<\/p>/);
    assert.equal(r.header("Content-Length"), String(r.body.length));
  });

  test("an edited file is served fresh, and a newer mtime defeats an old If-Modified-Since", async () => {
    const file = path.join(root, base, "changing.txt");
    writeFileSync(file, "one");
    const t1 = new Date("2020-01-01T00:00:00Z");
    utimesSync(file, t1, t1);
    const first = await get(`/${base}/changing.txt`);
    checkStatus(first, 200, Buffer.from("one"));
    const ims = first.header("Last-Modified") ?? "";
    checkStatus(await get(`/${base}/changing.txt`, [`If-Modified-Since: ${ims}`]), 304);
    writeFileSync(file, "two!");
    const t2 = new Date("2020-01-01T00:00:01Z");
    utimesSync(file, t2, t2);
    const second = await get(`/${base}/changing.txt`, [`If-Modified-Since: ${ims}`]);
    checkStatus(second, 200, Buffer.from("two!"));
    assert.equal(second.header("Last-Modified"), "Wed, 01 Jan 2020 00:00:01 GMT");
  });

  test("one request per connection under HTTP/1.0: the second pipelined request is not answered", async () => {
    const ex = await exchange(server.port, buildRequest("GET", `/${base}/test`) + buildRequest("GET", `/${base}/test`));
    assert.equal(ex.responses.length, 1);
    assert.deepEqual(ex.responses[0]?.body, DATA);
    assert.equal(ex.rest.length, 0);
  });
});
