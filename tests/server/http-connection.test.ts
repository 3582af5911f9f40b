// Persistent connections, pipelining, response framing and timeouts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { QuietHandler, sleep, withServer } from "../helpers/server.js";
import { RawConnection, rawRequest } from "../helpers/raw-client.js";
import { parseResponse, parseResponses } from "../helpers/http-response.js";

/** Answers with the path as body and a Content-Length. */
class PathHandler extends QuietHandler {
  async do_GET(): Promise<void> {
    const body = Buffer.from(this.path, "latin1");
    this.sendResponse(200);
    this.sendHeader("Content-Length", body.length);
    await this.endHeaders();
    await this.wfile.write(body);
  }
  async do_POST(): Promise<void> {
    await this.rfile.readAll();
    await this.do_GET();
  }
  async do_HEAD(): Promise<void> {
    this.sendResponse(200);
    this.sendHeader("Content-Length", 42);
    await this.endHeaders();
    await this.wfile.write("this is dropped");
  }
  /** No Content-Length: the engine frames the body. */
  async do_STREAM(): Promise<void> {
    this.sendResponse(200);
    await this.endHeaders();
    await this.wfile.write("part1,");
    await this.wfile.write("");
    await this.wfile.write(Buffer.from("part2"));
  }
  /** Declares 5 bytes and writes 11. */
  async do_OVER(): Promise<void> {
    this.sendResponse(200);
    this.sendHeader("Content-Length", 5);
    await this.endHeaders();
    await this.wfile.write("hello");
    await this.wfile.write(" world");
  }
  /** Declares 10 bytes and writes 5. */
  async do_UNDER(): Promise<void> {
    this.sendResponse(200);
    this.sendHeader("Content-Length", 10);
    await this.endHeaders();
    await this.wfile.write("hello");
  }
  /** Frames its own chunks. */
  async do_OWNCHUNKS(): Promise<void> {
    this.sendResponse(200);
    this.sendHeader("Transfer-Encoding", "chunked");
    await this.endHeaders();
    await this.wfile.write("3\r\nabc\r\n0\r\n\r\n");
  }
}
const Http11 = class extends PathHandler {};
Http11.prototype.protocolVersion = "HTTP/1.1";

const get = (path: string, extra = "", version = "HTTP/1.1") => `GET ${path} ${version}\r\nHost: h\r\n${extra}\r\n`;

describe("keep-alive by CPython's rules", () => {
  it("HTTP/1.1 request to an HTTP/1.1 handler persists", () =>
    withServer(Http11, async ({ port }) => {
      const c = await RawConnection.connect(port);
      try {
        c.write(get("/1"));
        await c.readUntil((d) => parseResponses(d).responses.length === 1);
        assert.equal(c.closed, false);
        c.write(get("/2"));
        await c.readUntil((d) => parseResponses(d).responses.length === 2);
        assert.deepEqual(parseResponses(c.received).responses.map((r) => r.body.toString()), ["/1", "/2"]);
        await sleep(50);
        assert.equal(c.closed, false);
      } finally {
        c.destroy();
      }
    }));

  it("the default protocolVersion HTTP/1.0 closes after each response, even for HTTP/1.1 and keep-alive", () =>
    withServer(PathHandler, async ({ port }) => {
      for (const req of [get("/a"), get("/b", "Connection: keep-alive\r\n"), get("/c", "Connection: keep-alive\r\n", "HTTP/1.0")]) {
        const r = await rawRequest(port, req + get("/next"));
        assert.ok(r.closed);
        const { responses } = parseResponses(r.data, { closed: true });
        assert.equal(responses.length, 1);
        assert.equal(responses[0]?.version, "HTTP/1.0");
      }
    }));

  it("HTTP/1.0 request closes unless Connection: keep-alive (protocolVersion HTTP/1.1)", () =>
    withServer(Http11, async ({ port }) => {
      const closes = await rawRequest(port, get("/a", "", "HTTP/1.0") + get("/b"));
      assert.ok(closes.closed);
      assert.equal(parseResponses(closes.data, { closed: true }).responses.length, 1);
      const keeps = await rawRequest(port, get("/a", "Connection: Keep-Alive\r\n", "HTTP/1.0") + get("/b", "Connection: close\r\n"));
      assert.ok(keeps.closed);
      const { responses } = parseResponses(keeps.data, { closed: true });
      assert.deepEqual(responses.map((r) => r.body.toString()), ["/a", "/b"]);
    }));

  it("Connection: close is honoured and announced", () =>
    withServer(Http11, async ({ port }) => {
      const r = await rawRequest(port, get("/a", "Connection: close\r\n") + get("/b"));
      assert.ok(r.closed);
      const { responses } = parseResponses(r.data, { closed: true });
      assert.equal(responses.length, 1);
      assert.equal(responses[0]?.header("Connection"), "close");
      assert.equal(responses[0]?.body.toString(), "/a");
    }));

  it("pipelined requests are answered in order", () =>
    withServer(Http11, async ({ port }) => {
      const paths = Array.from({ length: 20 }, (_, i) => `/p${i}`);
      const r = await rawRequest(port, paths.map((p) => get(p)).join("") + get("/last", "Connection: close\r\n"));
      assert.ok(r.closed);
      const { responses, complete } = parseResponses(r.data, { closed: true });
      assert.ok(complete);
      assert.deepEqual(responses.map((x) => x.body.toString()), [...paths, "/last"]);
    }));

  it("pipelined requests split at odd places are answered in order", () =>
    withServer(Http11, async ({ port }) => {
      const all = get("/x") + get("/y") + get("/z", "Connection: close\r\n");
      const pieces = [all.slice(0, 7), all.slice(7, 30), all.slice(30, 31), all.slice(31)];
      const r = await rawRequest(port, pieces, { gapMs: 20 });
      const { responses } = parseResponses(r.data, { closed: true });
      assert.deepEqual(responses.map((x) => x.body.toString()), ["/x", "/y", "/z"]);
    }));

  it("HEAD responses have no body even when the handler writes one; the connection persists", () =>
    withServer(Http11, async ({ port }) => {
      const r = await rawRequest(port, "HEAD / HTTP/1.1\r\nHost: h\r\n\r\n" + get("/after", "Connection: close\r\n"));
      const { responses, complete } = parseResponses(r.data, { closed: true, methods: ["HEAD", "GET"] });
      assert.ok(complete);
      assert.equal(responses.length, 2);
      assert.equal(responses[0]?.header("Content-Length"), "42");
      assert.equal(responses[1]?.body.toString(), "/after");
    }));
});

describe("response framing", () => {
  it("204 and 304 from a handler carry no body even if one is written; 1xx interim responses are allowed", async () => {
    class NoBody extends QuietHandler {
      async do_GET(): Promise<void> {
        const code = Number(this.path.slice(1));
        if (code === 200) {
          this.sendResponseOnly(103, "Early Hints");
          this.sendHeader("Link", "</a.css>; rel=preload");
          await this.endHeaders();
        }
        this.sendResponse(code);
        await this.endHeaders();
        await this.wfile.write("must not appear");
      }
    }
    NoBody.prototype.protocolVersion = "HTTP/1.1";
    await withServer(NoBody, async ({ port }) => {
      const r = await rawRequest(port, get("/204") + get("/304") + get("/200", "Connection: close\r\n"));
      const text = r.data.toString("latin1");
      assert.equal(text.split("must not appear").length, 2, "only the 200 has a body");
      const { responses, complete } = parseResponses(r.data, { closed: true });
      assert.ok(complete);
      assert.deepEqual(responses.map((x) => x.status), [204, 304, 103, 200]);
      assert.equal(responses[2]?.header("Link"), "</a.css>; rel=preload");
      assert.equal(responses[0]?.header("Transfer-Encoding"), undefined);
      assert.equal(responses[3]?.body.toString(), "must not appear");
    });
  });

  it("a stray CRLF after a request body is ignored before the next request line", () =>
    withServer(Http11, async ({ port }) => {
      const r = await rawRequest(port, "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nab\r\n" + get("/next", "Connection: close\r\n"));
      const { responses } = parseResponses(r.data, { closed: true });
      assert.deepEqual(responses.map((x) => [x.status, x.body.toString()]), [[200, "/p"], [200, "/next"]]);
    }));

  it("no Content-Length on a persistent HTTP/1.1 connection: chunked by the engine", () =>
    withServer(Http11, async ({ port }) => {
      const r = await rawRequest(port, "STREAM / HTTP/1.1\r\nHost: h\r\n\r\n" + get("/after", "Connection: close\r\n"));
      const text = r.data.toString("latin1");
      assert.ok(text.includes("Transfer-Encoding: chunked\r\n\r\n6\r\npart1,\r\n5\r\npart2\r\n0\r\n\r\nHTTP/1.1 200 OK"), text);
      const { responses, complete } = parseResponses(r.data, { closed: true });
      assert.ok(complete);
      assert.equal(responses[0]?.framing, "chunked");
      assert.equal(responses[0]?.body.toString(), "part1,part2");
      assert.equal(responses[1]?.body.toString(), "/after");
    }));

  it("no Content-Length for an HTTP/1.0 keep-alive client: Connection: close and the body runs to the close", () =>
    withServer(Http11, async ({ port }) => {
      const r = await rawRequest(port, "STREAM / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + get("/after"));
      assert.ok(r.closed);
      const { responses } = parseResponses(r.data, { closed: true });
      assert.equal(responses.length, 1);
      assert.equal(responses[0]?.header("Connection"), "close");
      assert.equal(responses[0]?.header("Transfer-Encoding"), undefined);
      assert.equal(responses[0]?.framing, "eof");
      assert.equal(responses[0]?.body.toString(), "part1,part2");
    }));

  it("no Content-Length and Connection: close: the body runs to the close, unchunked", () =>
    withServer(Http11, async ({ port }) => {
      const r = await rawRequest(port, "STREAM / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
      const res = parseResponse(r.data, { closed: true });
      assert.equal(res.framing, "eof");
      assert.equal(res.body.toString(), "part1,part2");
    }));

  it("a handler that frames its own chunks (Transfer-Encoding sent) is passed through", () =>
    withServer(Http11, async ({ port }) => {
      const r = await rawRequest(port, "OWNCHUNKS / HTTP/1.1\r\nHost: h\r\n\r\n" + get("/after", "Connection: close\r\n"));
      const { responses, complete } = parseResponses(r.data, { closed: true });
      assert.ok(complete);
      assert.equal(responses[0]?.body.toString(), "abc");
      assert.equal(responses[1]?.body.toString(), "/after");
    }));

  it("writing more than Content-Length: the excess is dropped and the connection closes", () =>
    withServer(Http11, async ({ port }) => {
      const r = await rawRequest(port, "OVER / HTTP/1.1\r\nHost: h\r\n\r\n" + get("/after"));
      assert.ok(r.closed);
      const { responses, complete } = parseResponses(r.data, { closed: true });
      assert.ok(complete, "no stray bytes after the declared body");
      assert.equal(responses.length, 1);
      assert.equal(responses[0]?.body.toString(), "hello");
    }));

  it("writing less than Content-Length: the connection closes (the client sees a short body)", () =>
    withServer(Http11, async ({ port }) => {
      const r = await rawRequest(port, "UNDER / HTTP/1.1\r\nHost: h\r\n\r\n" + get("/after"));
      assert.ok(r.closed);
      const text = r.data.toString("latin1");
      assert.ok(text.endsWith("\r\n\r\nhello"), text);
      assert.equal(text.split("HTTP/1.1 200").length, 2);
    }));
});

describe("timeouts", () => {
  it("`timeout`: a connection that sends nothing is closed after `timeout` seconds", async () => {
    class T extends Http11 {}
    T.prototype.timeout = 0.2;
    await withServer(T, async ({ port, logs }) => {
      const c = await RawConnection.connect(port);
      try {
        const t0 = Date.now();
        assert.ok(await c.waitClose(5000), "closed");
        const took = Date.now() - t0;
        assert.ok(took >= 150 && took < 3000, `closed after ${took} ms`);
        assert.equal(c.received.length, 0);
        await sleep(20);
        // CPython: self.log_error("Request timed out: %r", e), e a TimeoutError.
        assert.deepEqual(logs, ["Request timed out: TimeoutError('timed out')"]);
      } finally {
        c.destroy();
      }
    });
  });

  it("`timeout`: a connection that was already written to (a greeting from setup()) idles out quietly, not as a timed-out first request", async () => {
    class Greeting extends Http11 {
      override setup(): Promise<void> {
        void this.wfile.write("hi\r\n");
        return super.setup();
      }
    }
    Greeting.prototype.timeout = 0.2;
    await withServer(Greeting, async ({ port, logs }) => {
      const c = await RawConnection.connect(port);
      try {
        assert.ok(await c.waitClose(5000), "closed");
        assert.equal(c.received.toString("latin1"), "hi\r\n");
        await sleep(20);
        assert.deepEqual(logs, []);
      } finally {
        c.destroy();
      }
    });
  });

  it("`timeout`: a body that stalls ends the connection without a response", async () => {
    let error: unknown = null;
    class T extends QuietHandler {
      async do_POST(): Promise<void> {
        try {
          await this.rfile.readAll();
        } catch (err) {
          error = err;
          throw err;
        }
      }
    }
    T.prototype.timeout = 0.2;
    await withServer(T, async ({ port }) => {
      const r = await rawRequest(port, "POST / HTTP/1.0\r\nContent-Length: 10\r\n\r\n123", { timeoutMs: 5000 });
      assert.ok(r.closed);
      assert.equal(r.data.length, 0);
      assert.equal((error as { name?: string } | null)?.name, "ConnectionTimeoutError");
    });
  });

  it("a read times out even after the socket's timer already fired while the handler was busy", async () => {
    // The timer fires (unnoticed) during the handler's own work; the body read that
    // follows, with the same timeout value, must arm it again instead of waiting forever.
    class T extends QuietHandler {
      async do_POST(): Promise<void> {
        await sleep(700);
        await this.rfile.read();
        this.sendResponse(200);
        this.sendHeader("Content-Length", 0);
        await this.endHeaders();
      }
    }
    T.prototype.protocolVersion = "HTTP/1.1";
    T.prototype.timeout = 0.3;
    T.prototype.keepAliveTimeout = 0.3;
    await withServer(T, async ({ port }) => {
      const t0 = Date.now();
      const r = await rawRequest(port, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n123", { timeoutMs: 5000 });
      const took = Date.now() - t0;
      assert.ok(r.closed, "the connection is closed, not left waiting for the rest of the body");
      assert.equal(r.timedOut, false);
      assert.ok(took >= 900 && took < 4000, `closed after ${took} ms`);
    });
  });

  it("each read gets the whole `timeout`, however long the handler worked before it", async () => {
    // CPython gives every recv() the full timeout. The handler works 450 ms, then reads;
    // the body comes 300 ms into that read, within its 600 ms.
    let outcome = "";
    class T extends QuietHandler {
      async do_POST(): Promise<void> {
        await sleep(450);
        try {
          outcome = (await this.rfile.read()).toString("latin1");
        } catch (err) {
          outcome = (err as Error).name;
          throw err;
        }
        this.sendResponse(200);
        this.sendHeader("Content-Length", 0);
        await this.endHeaders();
      }
    }
    T.prototype.protocolVersion = "HTTP/1.1";
    T.prototype.timeout = 0.6;
    await withServer(T, async ({ port }) => {
      const c = await RawConnection.connect(port);
      try {
        c.write("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nConnection: close\r\n\r\n");
        await sleep(750);
        c.write("ok");
        assert.ok(await c.waitClose(5000));
        assert.equal(outcome, "ok");
        assert.equal(parseResponse(c.received, { closed: true }).status, 200);
      } finally {
        c.destroy();
      }
    });
  });

  it("keepAliveTimeout: an idle persistent connection closes quietly", async () => {
    class T extends Http11 {}
    T.prototype.keepAliveTimeout = 0.2;
    await withServer(T, async ({ port }) => {
      const c = await RawConnection.connect(port);
      try {
        c.write(get("/a"));
        await c.readUntil((d) => parseResponses(d).responses.length === 1);
        const len = c.received.length;
        const t0 = Date.now();
        assert.ok(await c.waitClose(5000));
        const took = Date.now() - t0;
        assert.ok(took >= 100 && took < 3000, `closed after ${took} ms`);
        assert.equal(c.received.length, len, "nothing sent on an idle close");
      } finally {
        c.destroy();
      }
    });
  });

  it("keepAliveTimeout does not cut a connection that keeps sending requests", async () => {
    class T extends Http11 {}
    T.prototype.keepAliveTimeout = 0.5;
    await withServer(T, async ({ port }) => {
      const c = await RawConnection.connect(port);
      try {
        for (let i = 1; i <= 5; i++) {
          c.write(get(`/${i}`));
          await c.readUntil((d) => parseResponses(d).responses.length === i);
          await sleep(100);
        }
        assert.equal(c.closed, false);
      } finally {
        c.destroy();
      }
    });
  });

  it("an unread body that stalls is not waited for longer than keepAliveTimeout", async () => {
    class T extends QuietHandler {
      async do_POST(): Promise<void> {
        this.sendResponse(200);
        this.sendHeader("Content-Length", 2);
        await this.endHeaders();
        await this.wfile.write("ok");
      }
    }
    T.prototype.protocolVersion = "HTTP/1.1";
    T.prototype.keepAliveTimeout = 0.3;
    await withServer(T, async ({ port }) => {
      const c = await RawConnection.connect(port);
      try {
        c.write("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n0123456789");
        await c.readUntil((d) => parseResponses(d).responses.length === 1);
        const t0 = Date.now();
        c.write("more");
        assert.ok(await c.waitClose(5000), "closed");
        const took = Date.now() - t0;
        assert.ok(took >= 150 && took < 3000, `closed after ${took} ms`);
        assert.equal(parseResponses(c.received, { closed: true }).responses.length, 1);
      } finally {
        c.destroy();
      }
    });
  });

  it("headersTimeout: a client trickling its head gets 408 and a close", async () => {
    class T extends Http11 {}
    T.prototype.headersTimeout = 0.3;
    await withServer(T, async ({ port }) => {
      const c = await RawConnection.connect(port);
      const t0 = Date.now();
      try {
        c.write("GET / HTTP/1.1\r\n");
        let n = 0;
        while (!c.closed && Date.now() - t0 < 5000) {
          c.write(`X-${n++}: y\r\n`);
          await sleep(40);
        }
        assert.ok(c.closed, "closed");
        const took = Date.now() - t0;
        assert.ok(took >= 250 && took < 3000, `closed after ${took} ms`);
        const res = parseResponse(c.received, { closed: true });
        assert.equal(res.statusLine, "HTTP/1.1 408 Request Timeout");
        assert.equal(res.header("Connection"), "close");
      } finally {
        c.destroy();
      }
    });
  });

  it("headersTimeout: a head that stops half-way gets 408", async () => {
    class T extends Http11 {}
    T.prototype.headersTimeout = 0.3;
    await withServer(T, async ({ port }) => {
      const r = await rawRequest(port, "GET / HT", { timeoutMs: 5000 });
      assert.ok(r.closed);
      assert.equal(parseResponse(r.data, { closed: true }).status, 408);
    });
  });

  it("headersTimeout also bounds the head of a later request on a persistent connection", async () => {
    class T extends Http11 {}
    T.prototype.headersTimeout = 0.3;
    await withServer(T, async ({ port }) => {
      const r = await rawRequest(port, get("/first") + "GET /second HTTP/1.1\r\nHo", { timeoutMs: 5000 });
      assert.ok(r.closed);
      const { responses } = parseResponses(r.data, { closed: true });
      assert.deepEqual(responses.map((x) => x.status), [200, 408]);
    });
  });

  it("a peer that half-closes after its request still gets the response", () =>
    withServer(Http11, async ({ port }) => {
      const r = await rawRequest(port, get("/half"), { halfClose: true });
      assert.ok(r.closed);
      assert.equal(parseResponse(r.data, { closed: true }).body.toString(), "/half");
    }));

  it("a peer that half-closes mid-head: the partial head is answered (CPython reads to EOF)", () =>
    withServer(Http11, async ({ port }) => {
      const r = await rawRequest(port, "GET /eof HTTP/1.0\r\nX-A: b", { halfClose: true });
      assert.ok(r.closed);
      assert.equal(parseResponse(r.data, { closed: true }).body.toString(), "/eof");
    }));
});
