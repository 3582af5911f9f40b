// Request parsing strictness over real sockets (RFC 9112 MUSTs from the issue):
// header fields, Host, request targets, body framing, methods.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { QuietHandler, withServer, type ServerFixture } from "../helpers/server.js";
import { RawConnection, rawRequest } from "../helpers/raw-client.js";
import { parseResponse, parseResponses, type ParsedResponse } from "../helpers/http-response.js";

interface Call {
  command: string | null;
  path: string;
  version: string;
  headers: Array<[string, string]>;
  body: string;
}

/** Echoes what it saw as JSON; `calls` records every dispatch. */
function makeEcho(calls: Call[], readBody = true) {
  class Echo extends QuietHandler {
    async #echo(): Promise<void> {
      const body = readBody ? (await this.rfile.readAll()).toString("latin1") : "";
      const call: Call = { command: this.command, path: this.path, version: this.requestVersion, headers: this.headers.entries(), body };
      calls.push(call);
      const out = Buffer.from(JSON.stringify(call), "utf8");
      this.sendResponse(200);
      this.sendHeader("Content-Type", "application/json");
      this.sendHeader("Content-Length", out.length);
      await this.endHeaders();
      await this.wfile.write(out);
    }
    do_GET(): Promise<void> {
      return this.#echo();
    }
    do_POST(): Promise<void> {
      return this.#echo();
    }
    do_PUT(): Promise<void> {
      return this.#echo();
    }
    do_SPAM(): Promise<void> {
      return this.#echo();
    }
    do_OPTIONS(): Promise<void> {
      return this.#echo();
    }
  }
  Echo.prototype.protocolVersion = "HTTP/1.1";
  return Echo;
}

type Fixture = ServerFixture & { calls: Call[] };
const run = (fn: (f: Fixture) => Promise<void>, readBody = true) => () => {
  const calls: Call[] = [];
  return withServer(makeEcho(calls, readBody), (f) => fn({ ...f, calls }));
};

async function send(port: number, bytes: string | Buffer, methods?: string[]): Promise<{ responses: ParsedResponse[]; closed: boolean; data: Buffer }> {
  const r = await rawRequest(port, bytes);
  const { responses } = parseResponses(r.data, { closed: r.closed, ...(methods ? { methods } : {}) });
  return { responses, closed: r.closed, data: r.data };
}

async function expectRefused(port: number, raw: string, status: number, reason?: string | RegExp): Promise<ParsedResponse> {
  const { responses, closed } = await send(port, raw);
  assert.equal(responses.length, 1, "exactly one response");
  const res = responses[0] as ParsedResponse;
  assert.equal(res.status, status, res.statusLine);
  if (typeof reason === "string") assert.equal(res.reason, reason);
  else if (reason) assert.match(res.reason, reason);
  assert.equal(res.header("Connection"), "close");
  assert.equal(Number(res.header("Content-Length")), res.body.length);
  assert.ok(closed, "the connection is closed after a refusal");
  return res;
}

describe("header fields", () => {
  for (const [name, line, reason] of [
    ["whitespace before the colon", "Host : h", "Bad header name ('Host ')"],
    ["a tab before the colon", "X-A\t: v", "Bad header name ('X-A\\t')"],
    ["a line without a colon", "NoColonHere", "Bad header line ('NoColonHere')"],
    ["an empty name", ": value", "Bad header name ('')"],
    ["a non-token name", "X@Y: v", "Bad header name ('X@Y')"],
    ["a name with a space", "X Y: v", "Bad header name ('X Y')"],
    ["a non-ASCII name", "X\xe9: v", "Bad header name ('X\xe9')"],
    ["a control character in the value", "X-A: a\x01b", /^Bad header value for X-A/],
    ["DEL in the value", "X-A: a\x7fb", /^Bad header value for X-A/],
    ["NUL in the value", "X-A: a\x00b", /^Bad header value for X-A/],
    ["a bare CR in the value", "X-A: a\rb", /^Bad header value for X-A/],
    ["an escape sequence in the value", "X-A: \x1b[2J", /^Bad header value for X-A/],
  ] as const) {
    it(`${name} -> 400`, run(async ({ port, calls }) => {
      await expectRefused(port, `GET / HTTP/1.1\r\nHost: h\r\n${line}\r\n\r\n`, 400, reason);
      assert.equal(calls.length, 0, "never dispatched");
    }));
  }

  it("obs-fold (a line starting with SP or HTAB) -> 400", run(async ({ port, calls }) => {
    await expectRefused(port, "GET / HTTP/1.1\r\nHost: h\r\nX-A: one\r\n two\r\n\r\n", 400, /^Bad header: obsolete line folding/);
    await expectRefused(port, "GET / HTTP/1.1\r\nHost: h\r\nX-A: one\r\n\ttwo\r\n\r\n", 400, /^Bad header: obsolete line folding/);
    assert.equal(calls.length, 0);
  }));

  it("a value may hold tabs, obs-text and inner spaces; outer whitespace is trimmed", run(async ({ port, calls }) => {
    const { responses } = await send(port, "GET / HTTP/1.1\r\nHost: h\r\nX-A: \t a\tb  \xff c \t\r\nX-Empty:\r\nConnection: close\r\n\r\n");
    assert.equal(responses[0]?.status, 200);
    assert.deepEqual(calls[0]?.headers, [["Host", "h"], ["X-A", "a\tb  \xff c"], ["X-Empty", ""], ["Connection", "close"]]);
  }));

  it("bare LF line endings are accepted (as CPython)", run(async ({ port, calls }) => {
    const { responses } = await send(port, "GET /lf HTTP/1.1\nHost: h\nConnection: close\n\n");
    assert.equal(responses[0]?.status, 200);
    assert.equal(calls[0]?.path, "/lf");
  }));
});

describe("Host", () => {
  it("HTTP/1.1 without Host -> 400", run(async ({ port, calls }) => {
    await expectRefused(port, "GET / HTTP/1.1\r\n\r\n", 400, "Bad request: missing Host header");
    assert.equal(calls.length, 0);
  }));
  it("HTTP/1.1 with two Host fields -> 400", run(async ({ port, calls }) => {
    await expectRefused(port, "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400, "Bad request: more than one Host header");
    assert.equal(calls.length, 0);
  }));
  it("HTTP/1.0 needs no Host; an empty Host is one Host", run(async ({ port, calls }) => {
    assert.equal((await send(port, "GET / HTTP/1.0\r\n\r\n")).responses[0]?.status, 200);
    assert.equal((await send(port, "GET / HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n")).responses[0]?.status, 200);
    assert.equal(calls.length, 2);
  }));
});

describe("request line and target", () => {
  it("absolute-form: path is the path and query", run(async ({ port, calls }) => {
    await send(port, "GET http://example.com:8080/p?q=1 HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n");
    await send(port, "GET https://example.com HTTP/1.0\r\n\r\n");
    await send(port, "GET http://example.com?x HTTP/1.0\r\n\r\n");
    assert.deepEqual(calls.map((c) => c.path), ["/p?q=1", "/", "/?x"]);
  }));

  it("a leading // collapses to / (gh-87389)", run(async ({ port, calls }) => {
    await send(port, "GET //evil.example/x//y HTTP/1.0\r\n\r\n");
    await send(port, "GET ////a HTTP/1.0\r\n\r\n");
    assert.deepEqual(calls.map((c) => c.path), ["/evil.example/x//y", "/a"]);
  }));

  it("empty lines before the request line are ignored (RFC 9112 2.2), up to 64; more end the connection", run(async ({ port, calls }) => {
    const one = await send(port, "\r\nGET /one HTTP/1.0\r\n\r\n");
    assert.equal(one.responses[0]?.status, 200);
    assert.equal(calls[0]?.path, "/one");
    const two = await send(port, "\r\n\r\nGET /two HTTP/1.0\r\n\r\n");
    assert.equal(two.responses[0]?.status, 200);
    assert.equal(calls[1]?.path, "/two");
    const many = await send(port, "\r\n".repeat(65) + "GET /many HTTP/1.0\r\n\r\n");
    assert.equal(many.data.length, 0);
    assert.ok(many.closed);
    assert.equal(calls.length, 2);
  }));

  it("runs of spaces and tabs separate the words, as CPython's split()", run(async ({ port, calls }) => {
    await send(port, "GET  \t/x \tHTTP/1.0\r\n\r\n");
    assert.deepEqual(calls.map((c) => [c.command, c.path, c.version]), [["GET", "/x", "HTTP/1.0"]]);
  }));

  it("a control character in the target -> 400", run(async ({ port, calls }) => {
    await expectRefused(port, "GET /a\x01b HTTP/1.0\r\n\r\n", 400, "Bad request target ('/a\\x01b')");
    assert.equal(calls.length, 0);
  }));

  it("a method that is not a token -> 400, never dispatched, even if such a do_ method exists", async () => {
    const calls: Call[] = [];
    const Echo = makeEcho(calls);
    let weird = 0;
    for (const m of ["G@T", "GE(T", "G,T", "GET\x01", "\xc9T"]) {
      (Echo.prototype as unknown as Record<string, unknown>)["do_" + m] = () => {
        weird++;
      };
    }
    await withServer(Echo, async ({ port }) => {
      for (const m of ["G@T", "GE(T", "G,T", "GET\x01", "\xc9T"]) {
        const res = await expectRefused(port, `${m} / HTTP/1.0\r\n\r\n`, 400);
        assert.match(res.reason, /^Bad request method \(/);
      }
    });
    assert.equal(weird, 0);
    assert.equal(calls.length, 0);
  });

  it("methods are case-sensitive tokens: `get` is 501, `SPAM` reaches do_SPAM", run(async ({ port, calls }) => {
    await expectRefused(port, "get / HTTP/1.0\r\n\r\n", 501, "Unsupported method ('get')");
    await expectRefused(port, "DELETE / HTTP/1.0\r\n\r\n", 501, "Unsupported method ('DELETE')");
    const { responses } = await send(port, "SPAM /s HTTP/1.0\r\n\r\n");
    assert.equal(responses[0]?.status, 200);
    assert.deepEqual(calls.map((c) => c.command), ["SPAM"]);
  }));

  it("inherited object properties are not methods (do_constructor, do___proto__)", run(async ({ port, calls }) => {
    await expectRefused(port, "constructor / HTTP/1.0\r\n\r\n", 501);
    await expectRefused(port, "__proto__ / HTTP/1.0\r\n\r\n", 501);
    assert.equal(calls.length, 0);
  }));

  it("OPTIONS * is served with path *", run(async ({ port, calls }) => {
    await send(port, "OPTIONS * HTTP/1.0\r\n\r\n");
    assert.equal(calls[0]?.path, "*");
  }));
});

describe("body framing", () => {
  for (const cl of ["abc", "+5", "-1", "5 5", "0x5", "5;", "1e3", "99999999999999999999"]) {
    it(`Content-Length: ${cl} -> 400`, run(async ({ port, calls }) => {
      await expectRefused(port, `POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ${cl}\r\n\r\nhello`, 400, /^(Bad Content-Length|Conflicting)/);
      assert.equal(calls.length, 0);
    }));
  }

  it("differing repeated Content-Length values -> 400; equal ones are accepted", run(async ({ port, calls }) => {
    await expectRefused(port, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400, "Conflicting Content-Length values");
    await expectRefused(port, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 6\r\n\r\nhello!", 400, "Conflicting Content-Length values");
    const same = await send(port, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
    assert.equal(same.responses[0]?.status, 200);
    const list = await send(port, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\nConnection: close\r\n\r\nhello");
    assert.equal(list.responses[0]?.status, 200);
    assert.deepEqual(calls.map((c) => c.body), ["hello", "hello"]);
  }));

  for (const [te, status] of [
    ["gzip", 400],
    ["chunked, gzip", 400],
    ["identity", 400],
    ["foo", 501],
    ["gzip, chunked", 501],
    ["chunked, chunked", 400],
  ] as const) {
    it(`Transfer-Encoding: ${te} -> ${status}`, run(async ({ port, calls }) => {
      await expectRefused(port, `POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: ${te}\r\n\r\n5\r\nhello\r\n0\r\n\r\n`, status);
      assert.equal(calls.length, 0);
    }));
  }

  it("Transfer-Encoding in an HTTP/1.0 request -> 400", run(async ({ port, calls }) => {
    await expectRefused(port, "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400);
    assert.equal(calls.length, 0);
  }));

  it("chunked bodies are decoded; `Chunked` is case-insensitive", run(async ({ port, calls }) => {
    const c = await RawConnection.connect(port);
    try {
      c.write("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n");
      c.write("GET /after HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
      assert.ok(await c.waitClose());
      const { responses } = parseResponses(c.received, { closed: true });
      assert.equal(responses.length, 2);
      assert.deepEqual(calls.map((x) => [x.path, x.body]), [["/c", "hello world"], ["/after", ""]]);
    } finally {
      c.destroy();
    }
  }));

  it("Transfer-Encoding with Content-Length: read as chunked, then the connection closes", run(async ({ port, calls }) => {
    const smuggled = "GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n";
    const { responses, closed } = await send(
      port,
      `POST /te HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n${smuggled}`,
    );
    assert.ok(closed);
    assert.equal(responses.length, 1);
    assert.equal(responses[0]?.status, 200);
    assert.equal(responses[0]?.header("Connection"), "close", "the close is announced");
    assert.deepEqual(calls.map((c) => [c.path, c.body]), [["/te", "hello"]]);
  }));

  it("a malformed chunked body -> 400 when the handler reads it, and the connection closes", run(async ({ port, calls }) => {
    for (const bad of ["zz\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n", "-5\r\nhello\r\n0\r\n\r\n", "5 \r\nhello\r\n0\r\n\r\n".replace(" \r", "\n")]) {
      const r = await rawRequest(port, `POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n${bad}GET /x HTTP/1.1\r\nHost: h\r\n\r\n`);
      assert.ok(r.closed);
      const { responses } = parseResponses(r.data, { closed: true });
      assert.equal(responses.length, 1, JSON.stringify(bad));
      assert.equal(responses[0]?.status, 400);
      assert.match(responses[0]?.reason ?? "", /^Bad chunked encoding/);
    }
    assert.equal(calls.length, 0);
  }));

  it("an unread Content-Length body is discarded, never parsed as a request", run(async ({ port, calls }) => {
    const inner = "GET /evil HTTP/1.1\r\nHost: h\r\n\r\n";
    const c = await RawConnection.connect(port);
    try {
      c.write(`POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: ${inner.length}\r\n\r\n${inner}`);
      c.write("GET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
      assert.ok(await c.waitClose());
      const { responses } = parseResponses(c.received, { closed: true });
      assert.equal(responses.length, 2);
      assert.deepEqual(calls.map((x) => x.path), ["/a", "/b"]);
    } finally {
      c.destroy();
    }
  }, false));

  it("an unread chunked body is discarded, never parsed as a request", run(async ({ port, calls }) => {
    const inner = "GET /evil HTTP/1.1\r\nHost: h\r\n\r\n";
    const body = `${inner.length.toString(16)}\r\n${inner}\r\n0\r\n\r\n`;
    const { responses } = await send(port, `POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n${body}GET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`);
    assert.equal(responses.length, 2);
    assert.deepEqual(calls.map((x) => x.path), ["/a", "/b"]);
  }, false));

  it("a body that arrives later than its head is still discarded correctly", run(async ({ port, calls }) => {
    const c = await RawConnection.connect(port);
    try {
      c.write("POST /slow HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n01234");
      await c.readUntil((d) => parseResponses(d).responses.length === 1);
      c.write("56789GET /next HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
      assert.ok(await c.waitClose());
      assert.equal(parseResponses(c.received, { closed: true }).responses.length, 2);
      assert.deepEqual(calls.map((x) => x.path), ["/slow", "/next"]);
    } finally {
      c.destroy();
    }
  }, false));

  it("an unread body beyond maxDiscardBytes closes the connection instead", async () => {
    const calls: Call[] = [];
    const Echo = makeEcho(calls, false);
    Echo.prototype.maxDiscardBytes = 1000;
    await withServer(Echo, async ({ port }) => {
      const body = "x".repeat(5000);
      const r = await rawRequest(port, `POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: ${body.length}\r\n\r\n${body}GET /next HTTP/1.1\r\nHost: h\r\n\r\n`);
      assert.ok(r.closed);
      const { responses } = parseResponses(r.data, { closed: true });
      assert.equal(responses.length, 1);
      assert.deepEqual(calls.map((x) => x.path), ["/big"]);
    });
  });

  it("a request without a body has an empty rfile (a following request is not its body)", run(async ({ port, calls }) => {
    const { responses } = await send(port, "POST /nobody HTTP/1.1\r\nHost: h\r\n\r\nGET /second HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    assert.equal(responses.length, 2);
    assert.deepEqual(calls.map((x) => [x.path, x.body]), [["/nobody", ""], ["/second", ""]]);
  }));
});
