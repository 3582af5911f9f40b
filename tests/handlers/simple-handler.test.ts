/**
 * SimpleHTTPRequestHandler beyond CPython's own tests, over real sockets:
 * HEAD = GET, extraResponseHeaders, keep-alive framing, symlinks and `..`,
 * special files, and overriding each step in a subclass.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync, symlinkSync, utimesSync, statSync } from "node:fs";
import path from "node:path";
import { SimpleHTTPRequestHandler } from "../../src/handlers/simple-handler.js";
import { BufferSource, type BodySource } from "../../src/files/body-source.js";
import type { ResponseWriter } from "../../src/server/response-writer.js";
import { removeDir, startServer, tempDir, QuietHandler, httpDate, type TestServer } from "../helpers/file-server.js";
import { buildRequest, exchange, request, type ParsedResponse } from "../helpers/raw-client.js";

function withoutDate(r: ParsedResponse): Array<readonly [string, string]> {
  return r.headers.filter(([n]) => n.toLowerCase() !== "date");
}

/** Builds the fixture tree shared by these tests. */
function makeTree(root: string): { outside: string } {
  mkdirSync(path.join(root, "d", "sub"), { recursive: true });
  writeFileSync(path.join(root, "d", "test"), "test data");
  writeFileSync(path.join(root, "hello.txt"), "hello\n");
  writeFileSync(path.join(root, "page.html"), "<p>hi</p>");
  writeFileSync(path.join(root, "archive.tar.gz"), "gz");
  writeFileSync(path.join(root, "data.bz2"), "bz");
  writeFileSync(path.join(root, "upper.TXT"), "upper");
  writeFileSync(path.join(root, ".hidden"), "dotfile");
  mkdirSync(path.join(root, "site"));
  writeFileSync(path.join(root, "site", "index.html"), "<h1>index</h1>");
  const when = new Date("2022-02-02T02:02:02Z");
  utimesSync(path.join(root, "hello.txt"), when, when);
  // Outside the served root: reachable only through links inside it.
  const outside = root + "-outside";
  mkdirSync(path.join(outside, "deep"), { recursive: true });
  writeFileSync(path.join(outside, "secret.txt"), "outside secret");
  writeFileSync(path.join(outside, "deep", "x.txt"), "deep x");
  symlinkSync(path.join(outside, "secret.txt"), path.join(root, "link-out.txt"));
  symlinkSync(outside, path.join(root, "linkdir"));
  symlinkSync("hello.txt", path.join(root, "rel-link.txt"));
  symlinkSync("no-such-target", path.join(root, "dangling"));
  symlinkSync("loop-b", path.join(root, "loop-a"));
  symlinkSync("loop-a", path.join(root, "loop-b"));
  symlinkSync("/dev/null", path.join(root, "devnull"));
  execFileSync("mkfifo", [path.join(root, "fifo")]);
  return { outside };
}

describe("SimpleHTTPRequestHandler over HTTP/1.1", () => {
  let root: string;
  let outside: string;
  let server: TestServer;
  let extra: TestServer;
  const get = (target: string, headers: readonly string[] = [], method = "GET"): Promise<ParsedResponse> => request(server.port, method, target, headers);

  before(async () => {
    root = tempDir();
    outside = makeTree(root).outside;
    server = await startServer(root, { protocol: "HTTP/1.1" });
    extra = await startServer(root, { protocol: "HTTP/1.1", extraResponseHeaders: [["X-Extra", "yes"], ["Cache-Control", "no-store"]] });
  });
  after(async () => {
    await server.close();
    await extra.close();
    removeDir(root);
    removeDir(outside);
  });

  test("HEAD sends exactly the headers GET sends, for every kind of response", async () => {
    const lastmod = httpDate(statSync(path.join(root, "hello.txt")).mtimeMs);
    const cases: Array<[string, readonly string[]]> = [
      ["/hello.txt", []],
      ["/d/", []],
      ["/site/", []],
      ["/d", []],
      ["/d?x=1", []],
      ["/nope", []],
      ["/hello.txt/", []],
      ["/hello.txt", [`If-Modified-Since: ${lastmod}`]],
      ["/fifo", []],
    ];
    for (const port of [server.port, extra.port]) {
      for (const [target, headers] of cases) {
        const g = await request(port, "GET", target, headers);
        const h = await request(port, "HEAD", target, headers);
        assert.equal(h.statusLine, g.statusLine, target);
        assert.deepEqual(withoutDate(h), withoutDate(g), target);
        assert.equal(h.body.length, 0, target);
      }
    }
  });

  test("Last-Modified, Content-type and Content-Length of a file", async () => {
    const r = await get("/hello.txt");
    assert.equal(r.status, 200);
    assert.equal(r.header("Last-Modified"), "Wed, 02 Feb 2022 02:02:02 GMT");
    assert.equal(r.header("Content-type"), "text/plain; charset=utf-8");
    assert.equal(r.header("Content-Length"), "6");
    // CPython's headers in CPython's order, then the validator, ranges and the encoding's Vary.
    assert.deepEqual(
      r.headers.map(([n]) => n).filter((n) => n !== "Connection"),
      ["Server", "Date", "Content-type", "Content-Length", "Last-Modified", "ETag", "Accept-Ranges", "Vary"],
    );
    assert.match(r.header("ETag") ?? "", /^"[0-9a-f]+\.[0-9a-f]+-6"$/);
    assert.equal(r.header("Accept-Ranges"), "bytes");
    assert.equal(r.header("Vary"), "Accept-Encoding");
    assert.match(r.header("Server") ?? "", /^SimpleHTTP\/0\.6 /);
  });

  test("media types: mime-db, then CPython's compressed-file overrides, case-insensitively", async () => {
    const types: Record<string, string> = {
      "/page.html": "text/html; charset=utf-8",
      "/archive.tar.gz": "application/gzip",
      "/data.bz2": "application/x-bzip2",
      "/upper.TXT": "text/plain; charset=utf-8",
      "/.hidden": "application/octet-stream",
      "/d/test": "application/octet-stream",
    };
    for (const [target, type] of Object.entries(types)) assert.equal((await get(target)).header("Content-type"), type, target);
  });

  test("extraResponseHeaders: on every response, 200 files and listings (GET and HEAD), redirects, 304s and errors", async () => {
    const lastmod = httpDate(statSync(path.join(root, "hello.txt")).mtimeMs);
    const on = [["GET", "/hello.txt"], ["HEAD", "/hello.txt"], ["GET", "/d/"], ["HEAD", "/d/"], ["GET", "/site/"]] as const;
    for (const [method, target] of on) {
      const r = await request(extra.port, method, target);
      assert.equal(r.status, 200, target);
      assert.equal(r.header("X-Extra"), "yes", `${method} ${target}`);
      assert.equal(r.header("Cache-Control"), "no-store", `${method} ${target}`);
      // in order, after the handler's own headers
      const names = r.headers.map(([n]) => n).filter((n) => n !== "Connection");
      assert.deepEqual(names.slice(-2), ["X-Extra", "Cache-Control"], `${method} ${target}`);
    }
    const also: Array<[string, string, readonly string[], number]> = [
      ["GET", "/d", [], 301],
      ["GET", "/nope", [], 404],
      ["GET", "/hello.txt/", [], 404],
      ["GET", "/hello.txt", [`If-Modified-Since: ${lastmod}`], 304],
      ["POST", "/hello.txt", ["Content-Length: 0"], 501],
      ["GET", "/fifo", [], 404],
    ];
    for (const [method, target, headers, status] of also) {
      const r = await request(extra.port, method, target, headers);
      assert.equal(r.status, status, `${method} ${target}`);
      assert.equal(r.header("X-Extra"), "yes", `${method} ${target}`);
      assert.equal(r.header("Cache-Control"), "no-store", `${method} ${target}`);
    }
    // and never on the plain server
    assert.equal((await get("/hello.txt")).header("X-Extra"), undefined);
  });

  test("keep-alive: a file, a listing, a redirect and a 304 answered on one connection, each framed", async () => {
    const lastmod = httpDate(statSync(path.join(root, "hello.txt")).mtimeMs);
    const ex = await exchange(
      server.port,
      buildRequest("GET", "/hello.txt") +
        buildRequest("HEAD", "/hello.txt") +
        buildRequest("GET", "/d/") +
        buildRequest("GET", "/d") +
        buildRequest("GET", "/hello.txt", [`If-Modified-Since: ${lastmod}`]) +
        buildRequest("GET", "/site/", ["Connection: close"]),
    );
    assert.deepEqual(ex.responses.map((r) => r.status), [200, 200, 200, 301, 304, 200]);
    assert.ok(ex.responses.every((r) => r.version === "HTTP/1.1"));
    assert.equal(ex.responses[0]?.body.toString(), "hello\n");
    assert.equal(ex.responses[1]?.body.length, 0);
    assert.match(ex.responses[2]?.body.toString() ?? "", /<a href="test">test<\/a>/);
    assert.equal(ex.responses[3]?.body.length, 0);
    assert.equal(ex.responses[5]?.body.toString(), "<h1>index</h1>");
    assert.equal(ex.rest.length, 0);
  });

  test("keep-alive: a 404 is answered and closes the connection (CPython's send_error)", async () => {
    const ex = await exchange(server.port, buildRequest("GET", "/nope") + buildRequest("GET", "/hello.txt"));
    assert.deepEqual(ex.responses.map((r) => r.status), [404]);
    assert.equal(ex.responses[0]?.header("Connection"), "close");
  });

  test("a file larger than the copy chunk and the cache arrives whole", async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 12)) & 0xff;
    writeFileSync(path.join(root, "big.bin"), big);
    const r = await get("/big.bin");
    assert.equal(r.status, 200);
    assert.equal(r.header("Content-Length"), String(big.length));
    assert.ok(r.body.equals(big));
  });

  test("symlinks are followed, to files and directories inside or outside the root", async () => {
    assert.equal((await get("/rel-link.txt")).body.toString(), "hello\n");
    const out = await get("/link-out.txt");
    assert.equal(out.status, 200);
    assert.equal(out.body.toString(), "outside secret");
    assert.equal((await get("/linkdir/deep/x.txt")).body.toString(), "deep x");
    const listing = await get("/linkdir/");
    assert.equal(listing.status, 200);
    assert.match(listing.body.toString(), /<a href="secret.txt">secret.txt<\/a>/);
    const redirect = await get("/linkdir");
    assert.equal(redirect.status, 301);
    assert.equal(redirect.header("Location"), "/linkdir/");
    const rootListing = (await get("/")).body.toString();
    assert.match(rootListing, /<a href="linkdir\/">linkdir@<\/a>/);
    assert.match(rootListing, /<a href="link-out.txt">link-out.txt@<\/a>/);
    assert.match(rootListing, /<a href="dangling">dangling@<\/a>/);
  });

  test("`..` never leaves the root, however it is spelled, even after a symlink", async () => {
    const outsideName = path.basename(outside);
    for (const target of [
      `/../${outsideName}/secret.txt`,
      `/%2e%2e/${outsideName}/secret.txt`,
      `/%2E%2E%2F${outsideName}%2Fsecret.txt`,
      `/d/../../${outsideName}/secret.txt`,
      `/linkdir/../../${outsideName}/secret.txt`,
      `/linkdir/..%2f..%2f${outsideName}/secret.txt`,
      `//../${outsideName}/secret.txt`,
      `${outsideName}/../../${outsideName}/secret.txt`,
    ]) {
      const r = await get(target);
      assert.equal(r.status, 404, target);
      assert.ok(!r.body.toString().includes("outside secret"), target);
    }
    // `..` inside the root resolves normally, and `/linkdir/..` is the root, not the link's parent.
    assert.equal((await get("/d/sub/../test")).body.toString(), "test data");
    assert.equal((await get("/linkdir/../hello.txt")).body.toString(), "hello\n");
    assert.equal((await get("/../../hello.txt")).body.toString(), "hello\n");
  });

  test("dangling links, link loops, devices and FIFOs are 404, answered at once", async () => {
    for (const target of ["/dangling", "/loop-a", "/devnull", "/fifo", "/fifo/"]) {
      const r = await get(target);
      assert.equal(r.status, 404, target);
      assert.match(r.body.toString(), /File not found/, target);
    }
  });
});

describe("SimpleHTTPRequestHandler's steps can be overridden in a subclass", () => {
  let root: string;
  const servers: TestServer[] = [];
  before(() => {
    root = tempDir();
    writeFileSync(path.join(root, "a.txt"), "aaa");
    writeFileSync(path.join(root, "b.CUSTOM"), "bbb");
    mkdirSync(path.join(root, "dir"));
    writeFileSync(path.join(root, "dir", "default.htm"), "default page");
    writeFileSync(path.join(root, "dir", "index.html"), "index page");
  });
  after(async () => {
    for (const s of servers) await s.close();
    removeDir(root);
  });
  const serve = async (Handler: typeof SimpleHTTPRequestHandler): Promise<number> => {
    const s = await startServer(root, { Handler });
    servers.push(s);
    return s.port;
  };

  test("extensionsMap: overrides looked up as given, then lower-cased", async () => {
    class H extends QuietHandler {}
    H.prototype.extensionsMap = { ".custom": "text/x-custom", ".txt": "text/x-overridden" };
    const port = await serve(H);
    assert.equal((await request(port, "GET", "/b.CUSTOM")).header("Content-type"), "text/x-custom");
    assert.equal((await request(port, "GET", "/a.txt")).header("Content-type"), "text/x-overridden");
  });

  test("guessType", async () => {
    class H extends QuietHandler {
      override guessType(p: string): string {
        return p.endsWith("a.txt") ? "text/x-guessed" : super.guessType(p);
      }
    }
    const port = await serve(H);
    assert.equal((await request(port, "GET", "/a.txt")).header("Content-type"), "text/x-guessed");
  });

  test("indexPages", async () => {
    class H extends QuietHandler {}
    H.prototype.indexPages = ["default.htm"];
    const port = await serve(H);
    assert.equal((await request(port, "GET", "/dir/")).body.toString(), "default page");
    class None extends QuietHandler {}
    None.prototype.indexPages = [];
    const port2 = await serve(None);
    assert.match((await request(port2, "GET", "/dir/")).body.toString(), /Directory listing for \/dir\//);
  });

  test("translatePath", async () => {
    class H extends QuietHandler {
      override translatePath(p: string): string {
        return super.translatePath(p.replace(/^\/alias\//, "/dir/"));
      }
    }
    const port = await serve(H);
    assert.equal((await request(port, "GET", "/alias/default.htm")).body.toString(), "default page");
  });

  test("listDirectory", async () => {
    class H extends QuietHandler {
      override async listDirectory(p: string): Promise<BodySource | null> {
        const body = Buffer.from(`custom listing of ${path.basename(p)}`);
        this.sendResponse(200);
        this.sendHeader("Content-Length", body.length);
        await this.endHeaders();
        return new BufferSource(body);
      }
    }
    H.prototype.indexPages = [];
    const port = await serve(H);
    assert.equal((await request(port, "GET", "/dir/")).body.toString(), "custom listing of dir");
  });

  test("copyfile", async () => {
    class H extends QuietHandler {
      override async copyfile(source: BodySource, out: ResponseWriter): Promise<void> {
        for (;;) {
          const chunk = await source.read(1);
          if (chunk.length === 0) return;
          await out.write(Buffer.from(chunk.toString().toUpperCase()));
        }
      }
    }
    const port = await serve(H);
    assert.equal((await request(port, "GET", "/a.txt")).body.toString(), "AAA");
  });

  test("sendHead", async () => {
    class H extends QuietHandler {
      override async sendHead(): Promise<BodySource | null> {
        if (this.path === "/teapot") {
          await this.sendError(418);
          return null;
        }
        return super.sendHead();
      }
    }
    const port = await serve(H);
    assert.equal((await request(port, "GET", "/teapot")).status, 418);
    assert.equal((await request(port, "GET", "/a.txt")).body.toString(), "aaa");
  });

  test("directory, from withOptions (CPython's partial(Handler, directory=...))", async () => {
    class H extends QuietHandler {}
    const only = H.withOptions({ directory: path.join(root, "dir") });
    const { ThreadingHTTPServer } = await import("../../src/server/http-server.js");
    const srv = new ThreadingHTTPServer(["127.0.0.1", 0], only);
    await srv.ready;
    const serving = srv.serveForever(0.05);
    try {
      assert.equal((await request(srv.serverPort, "GET", "/default.htm")).body.toString(), "default page");
      assert.equal((await request(srv.serverPort, "GET", "/a.txt")).status, 404);
    } finally {
      await srv.shutdown();
      await serving;
      await srv.serverClose();
    }
  });
});
