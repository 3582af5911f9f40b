/**
 * The built command as users run it: `node dist/cli.js` on port 0, fetched
 * with curl and Python's urllib, stopped with SIGINT and SIGTERM.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { mkdirSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { removeDir, tempDir } from "../helpers/file-server.js";
import { buildRequest, exchange, RawConnection, request } from "../helpers/raw-client.js";
import { cleanEnv, runProgram, startCli, waitFor, type RunningCli } from "./helpers.js";

let root: string;
before(() => {
  root = tempDir();
  writeFileSync(path.join(root, "hello.txt"), "Hello, world!\n");
  writeFileSync(path.join(root, "page.html"), "<p>page</p>");
  mkdirSync(path.join(root, "dir"));
  writeFileSync(path.join(root, "dir", "a.txt"), "a");
  writeFileSync(path.join(root, "big.bin"), "");
  truncateSync(path.join(root, "big.bin"), 32 * 1024 * 1024);
});
after(() => removeDir(root));

function curl(...args: string[]): ReturnType<typeof runProgram> {
  return runProgram("curl", ["--silent", "--show-error", "--max-time", "10", ...args]);
}

const URLLIB = [
  "import sys, urllib.request, urllib.error",
  "try:",
  "    r = urllib.request.urlopen(sys.argv[1], timeout=10)",
  "except urllib.error.HTTPError as e:",
  "    r = e",
  "body = r.read()",
  "sys.stdout.write(f'{r.status} {r.headers.get(\"Content-Type\")} {r.headers.get(\"Content-Length\")} {r.headers.get(\"X-Extra\")}\\n')",
  "sys.stdout.flush()",
  "sys.stdout.buffer.write(body)",
].join("\n");

describe("simplehttp serving", () => {
  let cli: RunningCli;
  before(async () => {
    cli = await startCli(["-b", "127.0.0.1", "-d", root, "-H", "X-Extra: on", "0"]);
  });
  after(async () => {
    if (cli.child.exitCode === null) await cli.stop("SIGTERM");
  });

  test("the banner is Python's, then the Local URL", () => {
    const lines = cli.stdout().split("\n");
    assert.equal(lines[0], `Serving HTTP on 127.0.0.1 port ${cli.port} (http://127.0.0.1:${cli.port}/) ...`);
    assert.equal(lines[1], `  Local:   http://localhost:${cli.port}/`);
    assert.ok(cli.port > 0);
  });

  test("curl gets a file, a listing and a redirect", async () => {
    const file = await curl("--include", `http://127.0.0.1:${cli.port}/hello.txt`);
    assert.equal(file.code, 0, file.stderr);
    const text = file.stdout.toString();
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(text, /\r\nContent-type: text\/plain; charset=utf-8\r\n/);
    assert.match(text, /\r\nContent-Length: 14\r\n/);
    assert.match(text, /\r\nX-Extra: on\r\n/);
    assert.ok(text.endsWith("\r\n\r\nHello, world!\n"));
    const listing = await curl(`http://127.0.0.1:${cli.port}/dir/`);
    assert.match(listing.stdout.toString(), /<a href="a.txt">a.txt<\/a>/);
    const followed = await curl("--location", "--write-out", "%{http_code} %{num_redirects} %{url_effective}", "--output", "/dev/null", `http://127.0.0.1:${cli.port}/dir`);
    assert.equal(followed.stdout.toString(), `200 1 http://127.0.0.1:${cli.port}/dir/`);
  });

  test("curl: -H headers are on every response, 404s and redirects too", async () => {
    const missing = await curl("--include", `http://127.0.0.1:${cli.port}/missing`);
    assert.match(missing.stdout.toString(), /^HTTP\/1\.1 404 File not found\r\n/);
    assert.match(missing.stdout.toString(), /\r\nX-Extra: on\r\n/);
    const redirect = await curl("--include", `http://127.0.0.1:${cli.port}/dir`);
    assert.match(redirect.stdout.toString(), /^HTTP\/1\.1 301 /);
    assert.match(redirect.stdout.toString(), /\r\nX-Extra: on\r\n/);
  });

  test("curl reuses one connection for several URLs (HTTP/1.1 keep-alive)", async () => {
    const r = await curl("--verbose", "--output", "/dev/null", "--output", "/dev/null", "--output", "/dev/null", `http://127.0.0.1:${cli.port}/hello.txt`, `http://127.0.0.1:${cli.port}/dir/`, `http://127.0.0.1:${cli.port}/page.html`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.stderr.match(/Connected to/g) ?? []).length, 1, r.stderr);
    assert.match(r.stderr, /Re-using existing connection|Reusing existing/i);
  });

  test("Python's urllib.request gets a file, a listing, a 404", async () => {
    const base = `http://127.0.0.1:${cli.port}`;
    const file = await runProgram("python3", ["-c", URLLIB, `${base}/hello.txt`]);
    assert.equal(file.code, 0, file.stderr);
    assert.equal(file.stdout.toString(), "200 text/plain; charset=utf-8 14 on\nHello, world!\n");
    const listing = await runProgram("python3", ["-c", URLLIB, `${base}/dir/`]);
    assert.match(listing.stdout.toString(), /^200 text\/html; charset=utf-8 \d+ on\n<!DOCTYPE html>/i);
    const redirected = await runProgram("python3", ["-c", URLLIB, `${base}/dir`]);
    assert.match(redirected.stdout.toString(), /^200 text\/html; charset=utf-8 /);
    const missing = await runProgram("python3", ["-c", URLLIB, `${base}/missing`]);
    assert.match(missing.stdout.toString(), /^404 text\/html;charset=utf-8 \d+ on\n/); // -H headers on errors too
  });

  test("one log line per request on stderr, in Python's format", async () => {
    await request(cli.port, "GET", "/page.html?log=1");
    await waitFor(() => cli.stderr().includes("/page.html?log=1"));
    assert.match(cli.stderr(), /^127\.0\.0\.1 - - \[\d{2}\/\w{3}\/\d{4} \d{2}:\d{2}:\d{2}\] "GET \/page\.html\?log=1 HTTP\/1\.1" 200 -$/m);
    assert.doesNotMatch(cli.stderr(), /    at /);
  });
});

describe("stopping", () => {
  test("SIGINT: exit 0, stdout ends with Python's message", async () => {
    const cli = await startCli(["-b", "127.0.0.1", "-d", root, "0"]);
    assert.equal((await request(cli.port, "GET", "/hello.txt")).status, 200);
    const exit = await cli.stop("SIGINT");
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.ok(cli.stdout().endsWith("Keyboard interrupt received, exiting.\n"), cli.stdout());
    assert.doesNotMatch(cli.stderr(), /    at /);
  });

  test("SIGTERM: exit 0", async () => {
    const cli = await startCli(["-b", "127.0.0.1", "-d", root, "0"]);
    assert.equal((await request(cli.port, "GET", "/hello.txt")).status, 200);
    assert.deepEqual(await cli.stop("SIGTERM"), { code: 0, signal: null });
    assert.doesNotMatch(cli.stderr(), /    at /);
  });

  test("stdout and stderr closed by their reader (simplehttp | head -1): still serving, no crash, exit 0", async () => {
    const cli = await startCli(["-b", "127.0.0.1", "-d", root, "0"]);
    cli.child.stdout.destroy();
    cli.child.stderr.destroy();
    for (let i = 0; i < 3; i++) {
      assert.equal((await request(cli.port, "GET", "/hello.txt")).status, 200);
      assert.equal((await request(cli.port, "GET", "/missing")).status, 404);
    }
    assert.deepEqual(await cli.stop("SIGINT"), { code: 0, signal: null });
  });

  test("an idle keep-alive connection does not hold the exit", async () => {
    const cli = await startCli(["-b", "127.0.0.1", "-d", root, "0"]);
    const conn = await RawConnection.connect(cli.port);
    conn.write(buildRequest("GET", "/hello.txt"));
    await conn.readUntil((d) => d.length > 0, 10_000);
    const started = Date.now();
    const exit = await cli.stop("SIGINT");
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.ok(Date.now() - started < 4000, "closed idle connections at once rather than waiting for the grace period");
    conn.destroy();
  });

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    test(`${signal} during a slow download: new connections refused, the response finishes, then exit 0`, async () => {
      const cli = await startCli(["-b", "127.0.0.1", "-d", root, "0"]);
      const conn = await RawConnection.connect(cli.port);
      conn.write(buildRequest("GET", "/big.bin"));
      await conn.readUntil((d) => d.length > 0, 10_000);
      conn.socket.pause();
      const exit = cli.stop(signal, 20_000);
      // The listener closes: new connections are refused (polled: the signal takes a moment to arrive).
      const connectOnce = (): Promise<string> =>
        RawConnection.connect(cli.port).then(
          (c) => {
            c.destroy();
            return "connected";
          },
          (err: NodeJS.ErrnoException) => err.code ?? "error",
        );
      let outcome = await connectOnce();
      // A connection that raced the close may be accepted, or reset by the closing listener: try again.
      for (let i = 0; i < 100 && (outcome === "connected" || outcome === "ECONNRESET"); i++) {
        await new Promise((r) => setTimeout(r, 20));
        outcome = await connectOnce();
      }
      assert.equal(outcome, "ECONNREFUSED");
      assert.equal(cli.child.exitCode, null, "still running while the response is in flight");
      conn.socket.resume();
      assert.ok(await conn.wait((c) => c.ended, 60_000), "the response ran to its end");
      const data = conn.received;
      const headEnd = data.indexOf("\r\n\r\n");
      assert.match(data.toString("latin1", 0, headEnd < 0 ? data.length : headEnd + 4), /^HTTP\/1\.1 200 OK\r\n/);
      assert.equal(headEnd < 0 ? 0 : data.length - (headEnd + 4), 32 * 1024 * 1024);
      assert.deepEqual(await exit, { code: 0, signal: null });
    });
  }
});

describe("options that change what is served", () => {
  test("-p HTTP/1.0: responses say HTTP/1.0 and the connection closes after each", async () => {
    const cli = await startCli(["-b", "127.0.0.1", "-d", root, "-p", "HTTP/1.0", "0"]);
    try {
      const ex = await exchange(cli.port, buildRequest("GET", "/hello.txt") + buildRequest("GET", "/hello.txt"));
      assert.equal(ex.responses.length, 1);
      assert.equal(ex.responses[0]?.statusLine, "HTTP/1.0 200 OK");
      assert.equal(ex.responses[0]?.body.toString(), "Hello, world!\n");
      assert.ok(ex.closed);
    } finally {
      await cli.stop("SIGTERM");
    }
  });

  test("default HTTP/1.1: pipelined requests answered on one connection, each framed", async () => {
    const cli = await startCli(["-b", "127.0.0.1", "-d", root, "0"]);
    try {
      const ex = await exchange(cli.port, buildRequest("GET", "/hello.txt") + buildRequest("GET", "/dir/") + buildRequest("GET", "/page.html", ["Connection: close"]));
      assert.deepEqual(ex.responses.map((r) => r.statusLine), ["HTTP/1.1 200 OK", "HTTP/1.1 200 OK", "HTTP/1.1 200 OK"]);
      assert.equal(ex.responses[2]?.body.toString(), "<p>page</p>");
      assert.equal(ex.rest.length, 0);
    } finally {
      await cli.stop("SIGTERM");
    }
  });

  test("PORT environment variable picks the port", async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const cli = await startCli(["-b", "127.0.0.1", "-d", root], { env: cleanEnv({ PORT: String(port) }) });
    try {
      assert.equal(cli.port, port);
      assert.equal((await request(port, "GET", "/hello.txt")).status, 200);
    } finally {
      await cli.stop("SIGTERM");
    }
  });

  test("-d defaults to the working directory", async () => {
    const cli = await startCli(["-b", "127.0.0.1", "0"], { cwd: path.join(root, "dir") });
    try {
      assert.equal((await request(cli.port, "GET", "/a.txt")).body.toString(), "a");
    } finally {
      await cli.stop("SIGTERM");
    }
  });

  test("--workers 2: both serve the one port; SIGINT stops them all, exit 0", async () => {
    const cli = await startCli(["--workers", "2", "-b", "127.0.0.1", "-d", root, "0"]);
    try {
      for (let i = 0; i < 6; i++) assert.equal((await request(cli.port, "GET", "/hello.txt")).body.toString(), "Hello, world!\n");
    } finally {
      assert.deepEqual(await cli.stop("SIGINT"), { code: 0, signal: null });
    }
    assert.ok(cli.stdout().endsWith("Keyboard interrupt received, exiting.\n"), cli.stdout());
    assert.equal(cli.stdout().match(/Serving HTTP on/g)?.length, 1, "one banner");
    assert.doesNotMatch(cli.stderr(), /    at |a worker stopped/);
  });

  test("-q: no request log", async () => {
    const cli = await startCli(["-q", "-b", "127.0.0.1", "-d", root, "0"]);
    try {
      assert.equal((await request(cli.port, "GET", "/hello.txt")).status, 200);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(cli.stderr(), "");
    } finally {
      await cli.stop("SIGTERM");
    }
  });

  test("without -b: all interfaces, dual-stack where IPv6 exists", async () => {
    const cli = await startCli(["-d", root, "0"]);
    try {
      assert.ok(cli.host === "::" || cli.host === "0.0.0.0", cli.host);
      assert.equal((await request(cli.port, "GET", "/hello.txt")).status, 200);
      if (cli.host === "::") {
        // The same socket answers over IPv6 too.
        const reply = (await exchange(cli.port, buildRequest("GET", "/hello.txt", [], { version: "HTTP/1.0" }), { host: "::1" })).data.toString("latin1");
        assert.match(reply, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nHello, world!\n$/);
        // Log lines are written once per event-loop turn: give the line its turn.
        await waitFor(() => /^::1 - - \[/m.test(cli.stderr()));
        assert.match(cli.stderr(), /^::1 - - \[/m);
      }
      assert.match(cli.stdout(), new RegExp(`^  Local:   http://localhost:${cli.port}/$`, "m"));
    } finally {
      await cli.stop("SIGTERM");
    }
  });
});
