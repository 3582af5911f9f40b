// Beyond CPython: the script's header block is read before anything is sent
// (RFC 3875 section 6), and CGI responses are framed for HTTP/1.1
// keep-alive and pipelining.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { buildRequest, RawConnection, rawRequest } from "../helpers/raw-client.js";
import { parseResponse, parseResponses } from "../helpers/http-response.js";
import { startServer, type ServerFixture } from "../helpers/server.js";
import { cgiHandlerFor, makeSite, shScript, type Site } from "./helpers.js";

const SCRIPTS: Record<string, string> = {
  "hello.sh": shScript("printf 'Hello from CGI\\n'"),
  "status.sh": shScript("printf 'not here\\n'", "Status: 404 Not Here\nContent-Type: text/plain"),
  "redirect.sh": "#!/bin/sh\nprintf 'Location: /hello.txt\\r\\n\\r\\n'\n",
  "redirect-doc.sh": shScript("printf 'moved'", "Status: 301 Moved Permanently\nLocation: http://example.test/x\nContent-Type: text/plain"),
  "headers.sh": shScript(
    "printf 'body'",
    "Content-Type: text/x-test\nSet-Cookie: a=1\nSet-Cookie: b=2\nX-Custom: value  \nConnection: keep-alive\nTransfer-Encoding: chunked\nServer: ScriptServer/1.0\nDate: Thu, 01 Jan 1970 00:00:00 GMT",
  ),
  "length.sh": shScript("printf 'exactly20bytes-body\\n'", "Content-Type: text/plain\nContent-Length: 20"),
  "short.sh": shScript("printf 'short'", "Content-Type: text/plain\nContent-Length: 100"),
  "nohead.sh": "#!/bin/sh\necho 'Hello without headers'\n",
  "badname.sh": "#!/bin/sh\nprintf 'Content-Type: text/plain\\nBad Header: x\\n\\nbody'\n",
  "exit3.sh": "#!/bin/sh\necho 'about to fail' >&2\nexit 3\n",
  "silent.sh": "#!/bin/sh\nexit 0\n",
  "partial-then-fail.sh": "#!/bin/sh\nprintf 'Content-Type: text/pl'\nexit 4\n",
  "body-then-fail.sh": shScript("printf 'partial body'\nexit 5"),
  "nocontent.sh": "#!/bin/sh\nprintf 'Status: 204 No Content\\n\\n'\n",
  "post-echo.sh": shScript("cat"),
  "python-style.py": 'print("Content-Type: text/plain")\nprint()\nprint("from python")\n',
};

describe("CGI response head (RFC 3875 section 6)", () => {
  let site: Site;
  let f10: ServerFixture;
  let f11: ServerFixture;

  before(async () => {
    site = makeSite();
    site.write("hello.txt", "hello\n", 0o644);
    for (const [name, text] of Object.entries(SCRIPTS)) site.write("cgi-bin/" + name, text);
    f10 = await startServer(cgiHandlerFor(site.root, { protocol: "HTTP/1.0" }));
    f11 = await startServer(cgiHandlerFor(site.root, { protocol: "HTTP/1.1" }));
  });

  after(async () => {
    await f10.close();
    await f11.close();
    site.rm();
  });

  async function get(f: ServerFixture, target: string, method = "GET", version = "HTTP/1.0") {
    const r = await rawRequest(f.port, buildRequest(method, target, ["Host: x", "Connection: close"], { version }), { timeoutMs: 10000 });
    assert.ok(r.closed);
    return parseResponse(r.data, { closed: true, methods: [method] });
  }

  it("no Status: 200 with CPython's reason 'Script output follows', Server and Date", async () => {
    const res = await get(f10, "/cgi-bin/hello.sh");
    assert.equal(res.statusLine, "HTTP/1.0 200 Script output follows");
    assert.equal(res.header("Content-Type"), "text/plain");
    assert.match(res.header("Server") ?? "", /^SimpleHTTP\/0\.6 Node\//);
    assert.ok(res.header("Date"));
    assert.equal(res.body.toString(), "Hello from CGI\n");
  });

  it("Status: sets the status line; the body follows", async () => {
    const res = await get(f10, "/cgi-bin/status.sh");
    assert.equal(res.statusLine, "HTTP/1.0 404 Not Here");
    assert.equal(res.body.toString(), "not here\n");
    assert.ok(f10.logs.some((l) => l.includes('"GET /cgi-bin/status.sh HTTP/1.0" 404')), f10.logs.join("\n"));
  });

  it("Location without Status: 302 Found", async () => {
    const res = await get(f10, "/cgi-bin/redirect.sh");
    assert.equal(res.statusLine, "HTTP/1.0 302 Found");
    assert.equal(res.header("Location"), "/hello.txt");
  });

  it("Status with Location and a document", async () => {
    const res = await get(f10, "/cgi-bin/redirect-doc.sh");
    assert.equal(res.statusLine, "HTTP/1.0 301 Moved Permanently");
    assert.equal(res.header("Location"), "http://example.test/x");
    assert.equal(res.body.toString(), "moved");
  });

  it("curl follows a CGI redirect", async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile("curl", ["-sS", "-L", `http://127.0.0.1:${f11.port}/cgi-bin/redirect.sh`], (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    assert.equal(out, "hello\n");
  });

  it("other fields pass through; hop-by-hop ones are dropped; the script's Server and Date replace ours", async () => {
    const res = await get(f11, "/cgi-bin/headers.sh", "GET", "HTTP/1.1");
    assert.equal(res.status, 200);
    assert.deepEqual(res.headerAll("Set-Cookie"), ["a=1", "b=2"]);
    assert.equal(res.header("X-Custom"), "value");
    assert.equal(res.header("Content-Type"), "text/x-test");
    assert.deepEqual(res.headerAll("Server"), ["ScriptServer/1.0"]);
    assert.deepEqual(res.headerAll("Date"), ["Thu, 01 Jan 1970 00:00:00 GMT"]);
    // the script's keep-alive and chunked were not sent (the engine says close: the client asked)
    assert.deepEqual(res.headerAll("Connection"), ["close"]);
    assert.deepEqual(res.headerAll("Transfer-Encoding"), []);
    assert.equal(res.body.toString(), "body");
    assert.ok(f11.logs.some((l) => l.includes("dropped Connection, Transfer-Encoding")), f11.logs.join("\n"));
  });

  it("a Python script printing Content-Type and a blank line works unchanged", async () => {
    const res = await get(f10, "/cgi-bin/python-style.py");
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), "from python\n");
  });

  it("output without a header block: 502, the reason in the log", async () => {
    const res = await get(f10, "/cgi-bin/nohead.sh");
    assert.equal(res.status, 502);
    assert.ok(!res.body.toString().includes("Hello without headers"), "the script's output is not relayed");
    assert.ok(f10.logs.some((l) => /nohead\.sh'?: bad header block: header line without a colon: "Hello without headers"/.test(l)), f10.logs.join("\n"));
  });

  it("an invalid field name: 502", async () => {
    const res = await get(f10, "/cgi-bin/badname.sh");
    assert.equal(res.status, 502);
    assert.ok(f10.logs.some((l) => l.includes('invalid header name "Bad Header"')), f10.logs.join("\n"));
  });

  it("exit non-zero before writing anything: 500, exit code and stderr logged", async () => {
    const res = await get(f10, "/cgi-bin/exit3.sh");
    assert.equal(res.status, 500);
    assert.ok(f10.logs.includes("CGI script exit code 3"), f10.logs.join("\n"));
    assert.ok(f10.logs.includes("about to fail"), f10.logs.join("\n"));
  });

  it("exit 0 with no output: 502", async () => {
    const res = await get(f10, "/cgi-bin/silent.sh");
    assert.equal(res.status, 502);
    assert.ok(f10.logs.includes("CGI script '/cgi-bin/silent.sh': bad header block: the script wrote nothing"), f10.logs.join("\n"));
  });

  it("exit non-zero inside the header block: 502 with the exit code logged", async () => {
    const res = await get(f10, "/cgi-bin/partial-then-fail.sh");
    assert.equal(res.status, 502);
    assert.ok(f10.logs.some((l) => l.includes("ended inside the header block (exit code 4)")), f10.logs.join("\n"));
  });

  it("exit non-zero after a complete header block: the response stands, the code is logged", async () => {
    const res = await get(f10, "/cgi-bin/body-then-fail.sh");
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), "partial body");
    assert.ok(f10.logs.includes("CGI script exit code 5"), f10.logs.join("\n"));
  });

  it("HEAD runs the script and sends its head, never its body", async () => {
    for (const version of ["HTTP/1.0", "HTTP/1.1"]) {
      const f = version === "HTTP/1.0" ? f10 : f11;
      const r = await rawRequest(f.port, buildRequest("HEAD", "/cgi-bin/hello.sh", ["Host: x"], { version }), { timeoutMs: 3000, until: (d) => d.includes("\r\n\r\n") });
      const text = r.data.toString("latin1");
      assert.match(text, /^HTTP\/1\.[01] 200 /);
      assert.ok(text.endsWith("\r\n\r\n"), JSON.stringify(text));
      assert.ok(!text.includes("Hello from CGI"));
      assert.ok(!/Transfer-Encoding/i.test(text), "a HEAD response announces no chunked body");
    }
  });

  it("204 from the script: no body, no framing", async () => {
    const res = await get(f11, "/cgi-bin/nocontent.sh", "GET", "HTTP/1.1");
    assert.equal(res.status, 204);
    assert.equal(res.body.length, 0);
    assert.equal(res.header("Transfer-Encoding"), undefined);
  });
});

describe("HTTP/1.1: CGI responses are framed", () => {
  let site: Site;
  let f: ServerFixture;

  before(async () => {
    site = makeSite();
    for (const [name, text] of Object.entries(SCRIPTS)) site.write("cgi-bin/" + name, text);
    f = await startServer(cgiHandlerFor(site.root, { protocol: "HTTP/1.1" }));
  });

  after(async () => {
    await f.close();
    site.rm();
  });

  it("pipelined GETs on one connection: chunked bodies, the connection stays open", async () => {
    const conn = await RawConnection.connect(f.port);
    try {
      const one = buildRequest("GET", "/cgi-bin/hello.sh", ["Host: x"]);
      conn.write([one, one, buildRequest("GET", "/cgi-bin/status.sh", ["Host: x"])]);
      await conn.readUntil((d) => parseResponses(d).responses.length === 3, 10000);
      const { responses, complete } = parseResponses(conn.received);
      assert.ok(complete);
      assert.deepEqual(responses.map((r) => r.status), [200, 200, 404]);
      assert.deepEqual(responses.map((r) => r.framing), ["chunked", "chunked", "chunked"]);
      assert.deepEqual(responses.map((r) => r.body.toString()), ["Hello from CGI\n", "Hello from CGI\n", "not here\n"]);
      assert.equal(conn.closed, false);
    } finally {
      conn.destroy();
    }
  });

  it("the script's Content-Length frames the body; keep-alive goes on", async () => {
    const conn = await RawConnection.connect(f.port);
    try {
      conn.write([buildRequest("GET", "/cgi-bin/length.sh", ["Host: x"]), buildRequest("GET", "/cgi-bin/hello.sh", ["Host: x"])]);
      await conn.readUntil((d) => parseResponses(d).responses.length === 2, 10000);
      const [a, b] = parseResponses(conn.received).responses;
      assert.equal(a?.framing, "length");
      assert.equal(a?.header("Content-Length"), "20");
      assert.equal(a?.header("Transfer-Encoding"), undefined);
      assert.equal(a?.body.toString(), "exactly20bytes-body\n");
      assert.equal(b?.body.toString(), "Hello from CGI\n");
      assert.equal(conn.closed, false);
    } finally {
      conn.destroy();
    }
  });

  it("a pipelined POST with a body, then a GET", async () => {
    const conn = await RawConnection.connect(f.port);
    try {
      conn.write([
        buildRequest("POST", "/cgi-bin/post-echo.sh", ["Host: x", "Content-Length: 11"], { body: "hello world" }),
        buildRequest("POST", "/cgi-bin/post-echo.sh", ["Host: x", "Transfer-Encoding: chunked"], { body: "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n" }),
        buildRequest("GET", "/cgi-bin/hello.sh", ["Host: x"]),
      ]);
      await conn.readUntil((d) => parseResponses(d).responses.length === 3, 10000);
      const rs = parseResponses(conn.received).responses;
      assert.deepEqual(rs.map((r) => r.body.toString()), ["hello world", "hello world", "Hello from CGI\n"]);
      assert.equal(conn.closed, false);
    } finally {
      conn.destroy();
    }
  });

  it("a script whose output falls short of its Content-Length: the connection closes", async () => {
    const conn = await RawConnection.connect(f.port);
    try {
      conn.write([buildRequest("GET", "/cgi-bin/short.sh", ["Host: x"]), buildRequest("GET", "/cgi-bin/hello.sh", ["Host: x"])]);
      assert.ok(await conn.waitClose(10000), "closed");
      const text = conn.text;
      assert.match(text, /^HTTP\/1\.1 200 .*\r\n(?:[^\r\n]+\r\n)*Content-Length: 100\r\n(?:[^\r\n]+\r\n)*\r\nshort$/);
    } finally {
      conn.destroy();
    }
  });

  it("curl reuses one connection for two CGI requests", async () => {
    const url = `http://127.0.0.1:${f.port}/cgi-bin/hello.sh`;
    const { out, err } = await new Promise<{ out: string; err: string }>((resolve, reject) =>
      execFile("curl", ["-sS", "-v", url, url], (e, stdout, stderr) => (e ? reject(e) : resolve({ out: stdout, err: stderr }))),
    );
    assert.equal(out, "Hello from CGI\nHello from CGI\n");
    assert.match(err, /Re-using existing connection|Reusing existing/);
  });
});
