// Ports of CPython's Lib/test/test_httpservers.py: BaseHTTPServerTestCase,
// HTTP09ServerTestCase and BaseHTTPRequestHandlerTestCase, over real sockets.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { BaseHTTPRequestHandler, DEFAULT_ERROR_MESSAGE } from "../../src/index.js";
import { escapeHtml } from "../../src/python/html-escape.js";
import { pyFormat } from "../../src/python/py-format.js";
import { QuietHandler, withServer } from "../helpers/server.js";
import { RawConnection, rawRequest } from "../helpers/raw-client.js";
import { parseResponse, parseResponses, type ParsedResponse } from "../helpers/http-response.js";

/** What http.client sends for `con.request(method, path)`, with extra header lines. */
function clientRequest(port: number, method: string, path: string, extra: string[] = [], version = "HTTP/1.1"): string {
  return [`${method} ${path} ${version}`, `Host: 127.0.0.1:${port}`, "Accept-Encoding: identity", ...extra, "", ""].join("\r\n");
}

async function exchange(port: number, bytes: string, methods?: string[]): Promise<{ res: ParsedResponse; data: Buffer; closed: boolean }> {
  const r = await rawRequest(port, bytes);
  assert.ok(r.closed, `server did not close; got ${JSON.stringify(r.data.toString("latin1"))}`);
  return { res: parseResponse(r.data, { closed: true, ...(methods ? { methods } : {}) }), data: r.data, closed: r.closed };
}

/** The default error page, as CPython renders it. */
function errorPage(code: number, message: string, explain: string): string {
  return pyFormat(DEFAULT_ERROR_MESSAGE, { code, message: escapeHtml(message, false), explain: escapeHtml(explain, false) });
}

// --- BaseHTTPServerTestCase --------------------------------------------------

class BaseServerHandler extends QuietHandler {
  async do_TEST(): Promise<void> {
    this.sendResponse(204);
    this.sendHeader("Content-Type", "text/html");
    this.sendHeader("Connection", "close");
    await this.endHeaders();
  }
  async do_KEEP(): Promise<void> {
    this.sendResponse(204);
    this.sendHeader("Content-Type", "text/html");
    this.sendHeader("Connection", "keep-alive");
    await this.endHeaders();
  }
  async do_KEYERROR(): Promise<void> {
    await this.sendError(999);
  }
  async do_NOTFOUND(): Promise<void> {
    await this.sendError(404);
  }
  async do_EXPLAINERROR(): Promise<void> {
    await this.sendError(999, "Short Message", "This is a long \n explanation");
  }
  async do_CUSTOM(): Promise<void> {
    this.sendResponse(999);
    this.sendHeader("Content-Type", "text/html");
    this.sendHeader("Connection", "close");
    await this.endHeaders();
  }
  async do_LATINONEHEADER(): Promise<void> {
    this.sendResponse(999);
    this.sendHeader("X-Special", "Dängerous Mind");
    this.sendHeader("Connection", "close");
    await this.endHeaders();
    await this.wfile.write(this.headers.get("x-special-incoming") ?? "");
  }
  async do_SEND_ERROR(): Promise<void> {
    await this.sendError(Number(this.path.slice(1)));
  }
  async do_HEAD(): Promise<void> {
    await this.sendError(Number(this.path.slice(1)));
  }
}
BaseServerHandler.prototype.protocolVersion = "HTTP/1.1";
BaseServerHandler.prototype.defaultRequestVersion = "HTTP/1.1";

describe("BaseHTTPServerTestCase", () => {
  const run = (fn: (port: number) => Promise<void>) => () => withServer(BaseServerHandler, ({ port }) => fn(port));

  it("test_command: GET without do_GET is 501 Unsupported method", run(async (port) => {
    const { res } = await exchange(port, clientRequest(port, "GET", "/"));
    assert.equal(res.statusLine, "HTTP/1.1 501 Unsupported method ('GET')");
    assert.equal(res.header("Connection"), "close");
    assert.equal(res.header("Content-Type"), "text/html;charset=utf-8");
    assert.equal(res.body.toString("utf8"), errorPage(501, "Unsupported method ('GET')", "Server does not support this operation"));
    assert.equal(Number(res.header("Content-Length")), res.body.length);
  }));

  it("test_request_line_trimming: a version ending in LF still dispatches (501)", run(async (port) => {
    // http.client sends `XYZBOGUS / HTTP/1.1\n\r\n` + headers: the LF ends the line and
    // the CRLF ends the (empty) head. Without a Host, HTTP/1.1 is refused; HTTP/1.0 dispatches.
    const { res } = await exchange(port, `XYZBOGUS / HTTP/1.0\n\r\nHost: x\r\n\r\n`);
    assert.equal(res.status, 501);
    assert.equal(res.reason, "Unsupported method ('XYZBOGUS')");
    const { res: res11 } = await exchange(port, `XYZBOGUS / HTTP/1.1\n\r\nHost: x\r\n\r\n`);
    assert.equal(res11.statusLine, "HTTP/1.1 400 Bad request: missing Host header");
  }));

  for (const [version, reason] of [
    ["FUBAR", "Bad request version ('FUBAR')"],
    ["HTTP/9.9.9", "Bad request version ('HTTP/9.9.9')"],
    ["HTTP/-9_9_9.+9_9_9", "Bad request version ('HTTP/-9_9_9.+9_9_9')"],
    ["HTTP/909876543210.0", "Bad request version ('HTTP/909876543210.0')"],
    ["HTTP/1.909876543210", "Bad request version ('HTTP/1.909876543210')"],
    ["HTTP/1", "Bad request version ('HTTP/1')"],
    ["HTTP/1.x", "Bad request version ('HTTP/1.x')"],
    ["HTTPS/1.0", "Bad request version ('HTTPS/1.0')"],
    ["http/1.1", "Bad request version ('http/1.1')"],
  ] as const) {
    it(`version ${version} -> 400 ${reason}`, run(async (port) => {
      const { res } = await exchange(port, clientRequest(port, "GET", "/", [], version));
      assert.equal(res.statusLine, `HTTP/1.1 400 ${reason}`);
      assert.equal(res.header("Connection"), "close");
      assert.ok(res.header("Server")?.startsWith("BaseHTTP/0.6 Node/"));
      assert.equal(Number(res.header("Content-Length")), res.body.length);
      assert.ok(res.body.toString("utf8").includes(escapeHtml(reason, false)));
    }));
  }

  for (const [version, shown] of [["HTTP/9.9", "9.9"], ["HTTP/2.0", "2.0"], ["HTTP/3.0", "3.0"], ["HTTP/10.01", "10.01"]] as const) {
    it(`version ${version} -> 505 Invalid HTTP version (${shown})`, run(async (port) => {
      const { res } = await exchange(port, clientRequest(port, "GET", "/", [], version));
      assert.equal(res.statusLine, `HTTP/1.1 505 Invalid HTTP version (${shown})`);
      assert.ok(res.body.toString().includes("Error code: 505"));
    }));
  }

  it("test_version_none_get: `GET / ` is HTTP/0.9: the 501 page alone, no status line", run(async (port) => {
    const r = await rawRequest(port, `GET / \r\nHost: x\r\n\r\n`);
    assert.ok(r.closed);
    const text = r.data.toString("utf8");
    assert.equal(text, errorPage(501, "Unsupported method ('GET')", "Server does not support this operation"));
  }));

  it("test_version_none: a two-word non-GET request is 400 with a status line (gh-54930)", run(async (port) => {
    const { res } = await exchange(port, `CUSTOM / \r\nHost: x\r\n\r\n`);
    assert.equal(res.statusLine, "HTTP/1.1 400 Bad HTTP/0.9 request type ('CUSTOM')");
  }));

  it("test_send_blank: ` / ` is 400 Bad request syntax", run(async (port) => {
    const { res } = await exchange(port, ` / \r\nHost: x\r\n\r\n`);
    assert.equal(res.statusLine, "HTTP/1.1 400 Bad request syntax (' / ')");
  }));

  it("test_header_close: Connection: close is honoured", run(async (port) => {
    const { res, closed } = await exchange(port, clientRequest(port, "GET", "/", ["Connection: close"]));
    assert.equal(res.status, 501);
    assert.ok(closed);
  }));

  it("test_header_keep_alive: Connection: keep-alive, still 501", run(async (port) => {
    const { res } = await exchange(port, clientRequest(port, "GET", "/", ["Connection: keep-alive"]));
    assert.equal(res.status, 501);
  }));

  it("test_handler: do_TEST answers 204 without a body", run(async (port) => {
    const { res, data } = await exchange(port, clientRequest(port, "TEST", "/"));
    assert.equal(res.statusLine, "HTTP/1.1 204 No Content");
    assert.equal(res.header("Content-Type"), "text/html");
    assert.equal(res.body.length, 0);
    assert.ok(data.toString("latin1").endsWith("\r\n\r\n"));
  }));

  it("test_return_header_keep_alive: the connection stays open after Connection: keep-alive", run(async (port) => {
    const c = await RawConnection.connect(port);
    try {
      c.write(clientRequest(port, "KEEP", "/"));
      await c.readUntil((d) => d.includes("\r\n\r\n"));
      const first = parseResponse(c.received);
      assert.equal(first.status, 204);
      assert.equal(first.header("Connection"), "keep-alive");
      assert.equal(c.closed, false);
      c.clear();
      c.write(clientRequest(port, "TEST", "/"));
      assert.ok(await c.waitClose());
      assert.equal(parseResponse(c.received, { closed: true }).status, 204);
    } finally {
      c.destroy();
    }
  }));

  it("test_internal_key_error: sendError(999) uses ??? for the phrase and explanation", run(async (port) => {
    const { res } = await exchange(port, clientRequest(port, "KEYERROR", "/"));
    assert.equal(res.statusLine, "HTTP/1.1 999 ???");
    assert.equal(res.body.toString(), errorPage(999, "???", "???"));
    assert.equal(Number(res.header("Content-Length")), res.body.length);
  }));

  it("test_return_custom_status: sendResponse(999) has an empty reason phrase", run(async (port) => {
    const { res, data } = await exchange(port, clientRequest(port, "CUSTOM", "/"));
    assert.equal(res.status, 999);
    assert.ok(data.toString("latin1").startsWith("HTTP/1.1 999 \r\n"));
  }));

  it("test_return_explain_error: message and explanation in the page, with a Content-Length", run(async (port) => {
    const { res } = await exchange(port, clientRequest(port, "EXPLAINERROR", "/"));
    assert.equal(res.statusLine, "HTTP/1.1 999 Short Message");
    assert.ok(Number(res.header("Content-Length")) > 0);
    assert.equal(Number(res.header("Content-Length")), res.body.length);
    assert.equal(res.body.toString(), errorPage(999, "Short Message", "This is a long \n explanation"));
  }));

  it("test_latin1_header: header values are latin-1 both ways", run(async (port) => {
    const req = Buffer.from(clientRequest(port, "LATINONEHEADER", "/", ["X-Special-Incoming: Ärger mit Unicode"]), "latin1");
    const r = await rawRequest(port, req);
    const res = parseResponse(r.data, { closed: true });
    assert.ok(r.data.includes(Buffer.from("X-Special: D\xe4ngerous Mind\r\n", "latin1")));
    assert.equal(res.header("X-Special"), "Dängerous Mind");
    assert.deepEqual(res.body, Buffer.from("Ärger mit Unicode", "utf8"));
  }));

  it("test_error_content_length: error replies carry a correct Content-Length (issue 16088)", run(async (port) => {
    const { res } = await exchange(port, clientRequest(port, "NOTFOUND", "/"));
    assert.equal(res.statusLine, "HTTP/1.1 404 Not Found");
    assert.equal(res.header("Content-Type"), "text/html;charset=utf-8");
    assert.equal(Number(res.header("Content-Length")), res.body.length);
    assert.equal(res.body.toString(), errorPage(404, "Not Found", "Nothing matches the given URI"));
  }));

  for (const code of [204, 304, 102, 205, 101]) {
    it(`test_send_error: sendError(${code}) has no body, Content-Length or Content-Type`, run(async (port) => {
      const r = await rawRequest(port, clientRequest(port, "SEND_ERROR", `/${code}`));
      assert.ok(r.closed);
      const text = r.data.toString("latin1");
      assert.ok(text.startsWith(`HTTP/1.1 ${code} `), text);
      assert.ok(text.endsWith("\r\n\r\n"), "nothing after the header block");
      assert.equal(text.indexOf("\r\n\r\n"), text.length - 4);
      const { responses } = parseResponses(r.data, { closed: true });
      assert.equal(responses.length, 1);
      const res = responses[0] as ParsedResponse;
      assert.equal(res.header("Content-Length"), undefined);
      assert.equal(res.header("Content-Type"), undefined);
      assert.equal(res.header("Transfer-Encoding"), undefined);
      assert.equal(res.header("Connection"), "close");
    }));
  }

  for (const code of [200, 204, 304, 205, 101]) {
    it(`test_head_via_send_error: HEAD answered with sendError(${code}) has no body`, run(async (port) => {
      const r = await rawRequest(port, clientRequest(port, "HEAD", `/${code}`));
      assert.ok(r.closed);
      const text = r.data.toString("latin1");
      assert.ok(text.startsWith(`HTTP/1.1 ${code} `), text);
      assert.equal(text.indexOf("\r\n\r\n"), text.length - 4, "no body after the header block");
      const res = parseResponses(r.data, { closed: true, methods: ["HEAD"] }).responses[0] as ParsedResponse;
      if (code === 200) {
        const expected = Buffer.byteLength(errorPage(200, "OK", "Request fulfilled, document follows"));
        assert.equal(Number(res.header("Content-Length")), expected);
        assert.ok(res.header("Content-Type")?.includes("text/html"));
      } else {
        assert.equal(res.header("Content-Length"), undefined);
        assert.equal(res.header("Content-Type"), undefined);
      }
      assert.equal(res.header("Transfer-Encoding"), undefined);
    }));
  }
});

// --- HTTP09ServerTestCase ------------------------------------------------------

class Http09Handler extends QuietHandler {
  async do_GET(): Promise<void> {
    this.sendResponse(200);
    this.sendHeader("Content-Type", "text/html");
    await this.endHeaders();
    await this.wfile.write("OK\n");
  }
}

describe("HTTP09ServerTestCase", () => {
  const run = (fn: (port: number) => Promise<void>) => () => withServer(Http09Handler, ({ port }) => fn(port));

  it("test_simple_get: `GET /index.html` gets the body alone, then a close", run(async (port) => {
    // No half-close and no headers: the server must not wait for a header block.
    const r = await rawRequest(port, "GET /index.html\r\n");
    assert.ok(r.closed, "closed after the HTTP/0.9 reply");
    assert.equal(r.data.toString("latin1"), "OK\n");
  }));

  it("a bare LF ends an HTTP/0.9 request line too", run(async (port) => {
    const r = await rawRequest(port, "GET /index.html\n");
    assert.equal(r.data.toString("latin1"), "OK\n");
  }));

  it("test_invalid_request: `POST /index.html` is 400 Bad HTTP/0.9 request type, with a status line", run(async (port) => {
    const r = await rawRequest(port, "POST /index.html\r\n");
    const res = parseResponse(r.data, { closed: true });
    assert.equal(res.statusLine, "HTTP/1.0 400 Bad HTTP/0.9 request type ('POST')");
    assert.ok(res.body.toString().includes("<p>Message: Bad HTTP/0.9 request type ('POST').</p>"));
  }));

  it("test_single_request: one reply, then the connection closes whatever follows", run(async (port) => {
    const r = await rawRequest(port, "GET /foo.html\r\nGET /bar.html\r\n");
    assert.ok(r.closed);
    assert.equal(r.data.toString("latin1"), "OK\n");
  }));

  it("three-word `GET / HTTP/0.9` gets a status line (only the two-word form is HTTP/0.9 style, gh-54930)", run(async (port) => {
    const r = await rawRequest(port, "GET /nine HTTP/0.9\r\n\r\n");
    const res = parseResponse(r.data, { closed: true });
    assert.equal(res.statusLine, "HTTP/1.0 200 OK");
    assert.equal(res.body.toString(), "OK\n");
  }));

  it("an HTTP/0.9 error reply is the page alone", run(async (port) => {
    class NotFound09 extends QuietHandler {
      async do_GET(): Promise<void> {
        await this.sendError(404);
      }
    }
    await withServer(NotFound09, async ({ port: p }) => {
      const r = await rawRequest(p, "GET /missing\r\n");
      assert.equal(r.data.toString("utf8"), errorPage(404, "Not Found", "Nothing matches the given URI"));
    });
    void port;
  }));
});

// --- BaseHTTPRequestHandlerTestCase (over sockets) ---------------------------

interface Seen {
  requestline: string;
  command: string | null;
  path: string;
  requestVersion: string;
  headers: Array<[string, string]>;
}

function makeTypicalHandler(seen: Seen[]) {
  class Typical extends QuietHandler {
    async do_GET(): Promise<void> {
      seen.push({ requestline: this.requestline, command: this.command, path: this.path, requestVersion: this.requestVersion, headers: this.headers.entries() });
      this.sendResponse(200);
      this.sendHeader("Content-Type", "text/html");
      await this.endHeaders();
      await this.wfile.write("<html><body>Data</body></html>\r\n");
    }
  }
  Typical.prototype.protocolVersion = "HTTP/1.1";
  return Typical;
}

function expectTypicalHeaders(res: ParsedResponse): void {
  for (const name of ["Server", "Date", "Content-Type"]) assert.equal(res.headerAll(name).length, 1, `one ${name} header`);
}

describe("BaseHTTPRequestHandlerTestCase", () => {
  it("test_http_1_1", async () => {
    const seen: Seen[] = [];
    await withServer(makeTypicalHandler(seen), async ({ port }) => {
      const r = await rawRequest(port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
      const res = parseResponse(r.data, { closed: true });
      assert.match(res.statusLine, /^HTTP\/1\.1 200 OK$/);
      expectTypicalHeaders(res);
      assert.equal(res.body.toString(), "<html><body>Data</body></html>\r\n");
      assert.deepEqual(seen, [{ requestline: "GET / HTTP/1.1", command: "GET", path: "/", requestVersion: "HTTP/1.1", headers: [["Host", "a"], ["Connection", "close"]] }]);
    });
  });

  it("test_http_1_0", async () => {
    const seen: Seen[] = [];
    await withServer(makeTypicalHandler(seen), async ({ port }) => {
      const r = await rawRequest(port, "GET / HTTP/1.0\r\n\r\n");
      assert.ok(r.closed);
      const res = parseResponse(r.data, { closed: true });
      assert.equal(res.statusLine, "HTTP/1.1 200 OK");
      expectTypicalHeaders(res);
      assert.equal(res.body.toString(), "<html><body>Data</body></html>\r\n");
      assert.deepEqual(seen, [{ requestline: "GET / HTTP/1.0", command: "GET", path: "/", requestVersion: "HTTP/1.0", headers: [] }]);
    });
  });

  it("test_extra_space: three words plus one is 400 and do_GET is not called", async () => {
    const seen: Seen[] = [];
    await withServer(makeTypicalHandler(seen), async ({ port }) => {
      const r = await rawRequest(port, "GET /spaced out HTTP/1.1\r\nHost: dummy\r\n\r\n");
      const res = parseResponse(r.data, { closed: true });
      assert.equal(res.statusLine, "HTTP/1.1 400 Bad request syntax ('GET /spaced out HTTP/1.1')");
      assert.equal(res.headerAll("Server").length, 1);
      assert.equal(res.headerAll("Date").length, 1);
      assert.equal(seen.length, 0);
    });
  });

  it("test_with_continue_1_0: no 100 Continue for HTTP/1.0", async () => {
    const seen: Seen[] = [];
    await withServer(makeTypicalHandler(seen), async ({ port }) => {
      const r = await rawRequest(port, "GET / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n");
      const text = r.data.toString("latin1");
      assert.ok(text.startsWith("HTTP/1.1 200 OK\r\n"), text);
      assert.ok(!text.includes("100 Continue"));
      assert.deepEqual(seen[0]?.headers, [["Expect", "100-continue"]]);
    });
  });

  it("test_with_continue_1_1: 100 Continue first, then the response", async () => {
    const seen: Seen[] = [];
    await withServer(makeTypicalHandler(seen), async ({ port }) => {
      const r = await rawRequest(port, "GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
      const text = r.data.toString("latin1");
      assert.ok(text.startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"), text);
      const { responses } = parseResponses(r.data, { closed: true });
      assert.deepEqual(responses.map((x) => x.status), [100, 200]);
      expectTypicalHeaders(responses[1] as ParsedResponse);
      assert.equal(responses[1]?.body.toString(), "<html><body>Data</body></html>\r\n");
      assert.equal(seen[0]?.requestline, "GET / HTTP/1.1");
    });
  });

  it("test_header_unbuffered_when_continue: 100 Continue is on the wire before the handler runs", async () => {
    let sentBefore = -1;
    class Body extends QuietHandler {
      async do_POST(): Promise<void> {
        sentBefore = this.wfile.bytesSent;
        const body = await this.rfile.readAll();
        this.sendResponse(200);
        this.sendHeader("Content-Length", body.length);
        await this.endHeaders();
        await this.wfile.write(body);
      }
    }
    Body.prototype.protocolVersion = "HTTP/1.1";
    await withServer(Body, async ({ port }) => {
      const c = await RawConnection.connect(port);
      try {
        c.write("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        await c.readUntil((d) => d.toString("latin1") === "HTTP/1.1 100 Continue\r\n\r\n");
        c.write("hello");
        await c.readUntil((d) => d.toString("latin1").endsWith("hello"));
        assert.equal(sentBefore, "HTTP/1.1 100 Continue\r\n\r\n".length);
      } finally {
        c.destroy();
      }
    });
  });

  it("test_with_continue_rejected: handleExpect100 sends 417 and the method is not called", async () => {
    let called = false;
    class Rejecting extends QuietHandler {
      override async handleExpect100(): Promise<boolean> {
        await this.sendError(417);
        return false;
      }
      async do_GET(): Promise<void> {
        called = true;
        this.sendResponse(200);
        await this.endHeaders();
      }
    }
    Rejecting.prototype.protocolVersion = "HTTP/1.1";
    await withServer(Rejecting, async ({ port }) => {
      const r = await rawRequest(port, "GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n");
      assert.ok(r.closed);
      const res = parseResponse(r.data, { closed: true });
      assert.equal(res.statusLine, "HTTP/1.1 417 Expectation Failed");
      assert.equal(res.headerAll("Connection").length, 1);
      assert.equal(res.header("Connection"), "close");
      assert.equal(res.headerAll("Server").length, 1);
      assert.equal(called, false);
      assert.equal(r.data.toString("latin1").split("HTTP/1.1 ").length, 2, "exactly one response");
    });
  });

  it("test_request_length: a request line over 65536 bytes is 414 URI Too Long", async () => {
    const seen: Seen[] = [];
    await withServer(makeTypicalHandler(seen), async ({ port, logs }) => {
      const r = await rawRequest(port, "GET " + "x".repeat(65537), { timeoutMs: 5000 });
      assert.ok(r.data.toString("latin1").startsWith("HTTP/1.1 414 URI Too Long\r\n"));
      const res = parseResponse(r.data, { closed: true });
      assert.equal(res.header("Connection"), "close");
      assert.ok(res.body.toString().includes("URI is too long"));
      assert.equal(seen.length, 0);
      assert.deepEqual(logs, ["code 414, message URI Too Long", '"" 414 -']);
    });
  });

  it("a request line of exactly 65536 bytes with its CRLF is accepted; one byte more is 414", async () => {
    const seen: Seen[] = [];
    await withServer(makeTypicalHandler(seen), async ({ port }) => {
      const fill = (n: number) => "GET /" + "a".repeat(n) + " HTTP/1.1\r\n";
      const ok = fill(65536 - "GET / HTTP/1.1\r\n".length);
      assert.equal(ok.length, 65536);
      const r1 = await rawRequest(port, ok + "Host: h\r\nConnection: close\r\n\r\n");
      assert.equal(parseResponse(r1.data, { closed: true }).status, 200);
      const r2 = await rawRequest(port, fill(65537 - "GET / HTTP/1.1\r\n".length) + "Host: h\r\n\r\n");
      assert.equal(parseResponse(r2.data, { closed: true }).status, 414);
    });
  });

  it("test_header_length: a header line over 65536 bytes is 431 Line too long", async () => {
    const seen: Seen[] = [];
    await withServer(makeTypicalHandler(seen), async ({ port, logs }) => {
      const r = await rawRequest(port, "GET / HTTP/1.1\r\nX-Foo: bar" + "r".repeat(65537) + "\r\n\r\n", { timeoutMs: 5000 });
      const res = parseResponse(r.data, { closed: true });
      assert.equal(res.statusLine, "HTTP/1.1 431 Line too long");
      assert.ok(res.body.toString().includes("got more than 65536 bytes when reading header line"));
      assert.equal(seen.length, 0);
      assert.equal(logs[1], '"GET / HTTP/1.1" 431 -');
    });
  });

  it("test_too_many_headers: 101 header lines are 431 Too many headers; 100 are fine", async () => {
    const seen: Seen[] = [];
    await withServer(makeTypicalHandler(seen), async ({ port, logs }) => {
      const r = await rawRequest(port, "GET / HTTP/1.1\r\n" + "X-Foo: bar\r\n".repeat(101) + "\r\n");
      const res = parseResponse(r.data, { closed: true });
      assert.equal(res.statusLine, "HTTP/1.1 431 Too many headers");
      assert.ok(res.body.toString().includes("got more than 100 headers"));
      assert.equal(seen.length, 0);
      assert.equal(logs[1], '"GET / HTTP/1.1" 431 -');
      const r2 = await rawRequest(port, "GET / HTTP/1.1\r\nHost: h\r\n" + "X-Foo: bar\r\n".repeat(98) + "Connection: close\r\n\r\n");
      assert.equal(parseResponse(r2.data, { closed: true }).status, 200);
      assert.equal(seen[0]?.headers.length, 100);
    });
  });

  it("test_html_escape_on_error: the request line is HTML-escaped in the error page", async () => {
    await withServer(makeTypicalHandler([]), async ({ port }) => {
      const r = await rawRequest(port, '<script>alert("hello")</script> / HTTP/1.1\r\n\r\n');
      const res = parseResponse(r.data, { closed: true });
      assert.equal(res.status, 400);
      const body = res.body.toString();
      assert.ok(body.includes(escapeHtml('<script>alert("hello")</script>', false)), body);
      assert.ok(!body.includes("<script>"));
    });
  });

  it("test_date_time_string: IMF-fixdate for a timestamp in seconds", () => {
    const h = Object.create(BaseHTTPRequestHandler.prototype) as BaseHTTPRequestHandler;
    assert.equal(h.dateTimeString(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    assert.equal(h.dateTimeString(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
    assert.equal(h.dateTimeString(1700000000.9), "Tue, 14 Nov 2023 22:13:20 GMT");
    assert.match(h.dateTimeString(), /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  });

  it("test_header_buffering: headers are written once, at endHeaders()", async () => {
    const observed: number[] = [];
    class Buffering extends QuietHandler {
      async do_GET(): Promise<void> {
        this.sendResponseOnly(418);
        observed.push(this.wfile.bytesSent);
        this.sendHeader("Foo", "foo");
        this.sendHeader("bar", "bar");
        observed.push(this.wfile.bytesSent);
        await this.endHeaders();
        observed.push(this.wfile.bytesSent);
      }
    }
    await withServer(Buffering, async ({ port }) => {
      const r = await rawRequest(port, "GET / HTTP/1.0\r\n\r\n");
      const head = "HTTP/1.0 418 I'm a Teapot\r\nFoo: foo\r\nbar: bar\r\n\r\n";
      assert.equal(r.data.toString("latin1"), head);
      assert.deepEqual(observed, [0, 0, head.length]);
    });
  });

  it("test_close_connection: handle() loops handleOneRequest() until closeConnection", async () => {
    const h = Object.create(BaseHTTPRequestHandler.prototype) as BaseHTTPRequestHandler & { server: { closing: boolean } };
    Object.defineProperty(h, "server", { value: { closing: false } });
    for (const values of [[true], [false, false, true]]) {
      const left = [...values];
      h.handleOneRequest = async function (this: BaseHTTPRequestHandler) {
        if (left.length === 0) throw new Error("called too often");
        this.closeConnection = left.shift() as boolean;
      };
      await h.handle();
      assert.equal(left.length, 0);
    }
  });
});

// --- sendHeader / sendResponse, error page, headers ----------------------------

describe("sendHeader and sendResponse", () => {
  for (const [what, call] of [
    ["CR in a header value", (h: BaseHTTPRequestHandler) => h.sendHeader("X-A", "a\rb")],
    ["LF in a header value", (h: BaseHTTPRequestHandler) => h.sendHeader("X-A", "a\nSet-Cookie: x=1")],
    ["NUL in a header value", (h: BaseHTTPRequestHandler) => h.sendHeader("X-A", "a\0b")],
    ["CRLF in a header name", (h: BaseHTTPRequestHandler) => h.sendHeader("X-A\r\nX-B", "v")],
    ["NUL in a header name", (h: BaseHTTPRequestHandler) => h.sendHeader("X\0", "v")],
    ["CRLF in a reason phrase (sendResponse)", (h: BaseHTTPRequestHandler) => h.sendResponse(200, "OK\r\nX-Evil: 1")],
    ["LF in a reason phrase (sendResponseOnly)", (h: BaseHTTPRequestHandler) => h.sendResponseOnly(200, "OK\nX-Evil: 1")],
    ["NUL in a reason phrase", (h: BaseHTTPRequestHandler) => h.sendResponse(200, "O\0K")],
  ] as const) {
    it(`${what} throws a TypeError before anything is written`, async () => {
      const outcome: Array<string | number> = [];
      class Injecting extends QuietHandler {
        async do_GET(): Promise<void> {
          try {
            call(this);
            outcome.push("no error");
          } catch (err) {
            outcome.push(err instanceof TypeError ? "TypeError" : String(err));
          }
          outcome.push(this.wfile.bytesSent);
          this.sendResponse(200);
          this.sendHeader("Content-Length", 2);
          await this.endHeaders();
          await this.wfile.write("ok");
        }
      }
      await withServer(Injecting, async ({ port }) => {
        const r = await rawRequest(port, "GET / HTTP/1.0\r\n\r\n");
        assert.deepEqual(outcome, ["TypeError", 0]);
        const text = r.data.toString("latin1");
        assert.ok(!text.includes("X-Evil") && !text.includes("X-A") && !text.includes("Set-Cookie"), text);
        const res = parseResponse(r.data, { closed: true });
        assert.equal(res.statusLine, "HTTP/1.0 200 OK");
        assert.equal(res.body.toString(), "ok");
      });
    });
  }

  it("a non-latin-1 header value is a TypeError too", async () => {
    let caught: unknown;
    class Wide extends QuietHandler {
      async do_GET(): Promise<void> {
        try {
          this.sendHeader("X-A", "snow \u2603");
        } catch (err) {
          caught = err;
        }
        await this.sendError(204);
      }
    }
    await withServer(Wide, async ({ port }) => {
      await rawRequest(port, "GET / HTTP/1.0\r\n\r\n");
      assert.ok(caught instanceof TypeError);
    });
  });

  it("Server and Date headers, versionString()", async () => {
    class Plain extends QuietHandler {
      async do_GET(): Promise<void> {
        this.sendResponse(200, "Fine");
        await this.endHeaders();
      }
    }
    await withServer(Plain, async ({ port }) => {
      const r = await rawRequest(port, "GET / HTTP/1.0\r\n\r\n");
      const res = parseResponse(r.data, { closed: true });
      assert.equal(res.statusLine, "HTTP/1.0 200 Fine");
      assert.equal(res.header("Server"), `BaseHTTP/0.6 Node/${process.versions.node}`);
      const date = res.header("Date") ?? "";
      assert.match(date, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      assert.ok(Math.abs(Date.parse(date) - Date.now()) < 5000);
      assert.deepEqual(res.headers.map(([n]) => n), ["Server", "Date"]);
    });
  });

  it("a custom errorMessageFormat and errorContentType (Python %-placeholders, HTML-escaped)", async () => {
    class Custom extends QuietHandler {
      async do_GET(): Promise<void> {
        await this.sendError(404, "No <such> thing", "Look & see");
      }
      async do_PUT(): Promise<void> {
        await this.sendError(403);
      }
    }
    Custom.prototype.errorMessageFormat = "<%(code)d|%(message)s|%(explain)s|%(code)s>";
    Custom.prototype.errorContentType = "text/x-custom";
    await withServer(Custom, async ({ port }) => {
      const res = parseResponse((await rawRequest(port, "GET / HTTP/1.0\r\n\r\n")).data, { closed: true });
      assert.equal(res.statusLine, "HTTP/1.0 404 No <such> thing");
      assert.equal(res.header("Content-Type"), "text/x-custom");
      assert.equal(res.body.toString(), "<404|No &lt;such&gt; thing|Look &amp; see|404>");
      assert.equal(res.header("Content-Length"), String(res.body.length));
      const res2 = parseResponse((await rawRequest(port, "PUT / HTTP/1.0\r\n\r\n")).data, { closed: true });
      assert.equal(res2.body.toString(), "<403|Forbidden|Request forbidden -- authorization will not help|403>");
    });
  });

  it("the default error page is CPython's, UTF-8 encoded", async () => {
    class Unicode extends QuietHandler {
      async do_GET(): Promise<void> {
        await this.sendError(400, undefined, "caf\xe9 \u2603");
      }
    }
    await withServer(Unicode, async ({ port }) => {
      const res = parseResponse((await rawRequest(port, "GET / HTTP/1.0\r\n\r\n")).data, { closed: true });
      const expected = Buffer.from(errorPage(400, "Bad Request", "caf\xe9 \u2603"), "utf8");
      assert.deepEqual(res.body, expected);
      assert.equal(Number(res.header("Content-Length")), expected.length);
      assert.ok(res.body.toString().startsWith("<!DOCTYPE HTML>\n<html lang=\"en\">"));
    });
  });

  it("request headers: case-insensitive, ordered, repeats kept", async () => {
    let got: { get: string | undefined; all: string[]; keys: string[]; size: number; has: boolean } | null = null;
    class Headers extends QuietHandler {
      async do_GET(): Promise<void> {
        got = { get: this.headers.get("x-multi"), all: this.headers.getAll("X-MULTI"), keys: this.headers.keys(), size: this.headers.size, has: this.headers.has("HOST") };
        await this.sendError(204);
      }
    }
    await withServer(Headers, async ({ port }) => {
      await rawRequest(port, "GET / HTTP/1.1\r\nHost: h\r\nX-Multi: 1\r\nx-other:  spaced  \r\nX-MULTI: 2\r\n\r\n");
      assert.deepEqual(got, { get: "1", all: ["1", "2"], keys: ["Host", "X-Multi", "x-other", "X-MULTI"], size: 4, has: true });
    });
  });
});
