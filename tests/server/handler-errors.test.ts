// Handlers that throw or reject: 500 when nothing was sent, a close otherwise,
// a report through server.handleError(), and a server that keeps serving.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HTTPServer, ThreadingHTTPServer } from "../../src/index.js";
import { QuietHandler, sleep, withServer } from "../helpers/server.js";
import { RawConnection, rawRequest } from "../helpers/raw-client.js";
import { parseResponse, parseResponses } from "../helpers/http-response.js";
import { captureStderr } from "../helpers/capture.js";

class Boom extends Error {
  override name = "Boom";
}

class Failing extends QuietHandler {
  /** Throws synchronously before sending anything. */
  do_THROW(): void {
    throw new Boom("thrown");
  }
  /** Rejects after an await. */
  async do_REJECT(): Promise<void> {
    await sleep(5);
    throw new Boom("rejected");
  }
  /** Rejects with something that is not an Error. */
  async do_STRING(): Promise<void> {
    throw "a string"; // eslint-disable-line no-throw-literal
  }
  /** Buffers a status line and headers, then fails before endHeaders(). */
  async do_HALF(): Promise<void> {
    this.sendResponse(200);
    this.sendHeader("X-Half", "yes");
    throw new Boom("after sendResponse");
  }
  /** Sends headers and part of a Content-Length body, then fails. */
  async do_PARTIAL(): Promise<void> {
    this.sendResponse(200);
    this.sendHeader("Content-Length", 100);
    await this.endHeaders();
    await this.wfile.write("0123456789");
    throw new Boom("mid-body");
  }
  /** Auto-chunked body, then fails. */
  async do_CHUNKFAIL(): Promise<void> {
    this.sendResponse(200);
    await this.endHeaders();
    await this.wfile.write("first chunk");
    throw new Boom("mid-chunked");
  }
  async do_GET(): Promise<void> {
    const body = Buffer.from("ok " + this.path);
    this.sendResponse(200);
    this.sendHeader("Content-Length", body.length);
    await this.endHeaders();
    await this.wfile.write(body);
  }
}
Failing.prototype.protocolVersion = "HTTP/1.1";

const req = (method: string, path = "/", extra = "") => `${method} ${path} HTTP/1.1\r\nHost: h\r\n${extra}\r\n`;

describe("a handler that throws or rejects", () => {
  for (const [method, message] of [["THROW", "thrown"], ["REJECT", "rejected"], ["HALF", "after sendResponse"]] as const) {
    it(`${method}: 500 when nothing was sent; reported through handleError`, () =>
      withServer(Failing, async ({ port, errors, logs }) => {
        const r = await rawRequest(port, req(method) + req("GET", "/next"));
        assert.ok(r.closed);
        const { responses } = parseResponses(r.data, { closed: true });
        assert.equal(responses.length, 1, "the 500 closes the connection");
        const res = responses[0];
        assert.equal(res?.statusLine, "HTTP/1.1 500 Internal Server Error");
        assert.equal(res?.header("Connection"), "close");
        assert.equal(res?.header("X-Half"), undefined, "half-built headers are dropped");
        assert.equal(Number(res?.header("Content-Length")), res?.body.length);
        assert.ok(res?.body.toString().includes("Error code: 500"));
        assert.equal(errors.length, 1);
        assert.ok(errors[0] instanceof Boom);
        assert.equal((errors[0] as Boom).message, message);
        assert.ok(logs.includes("code 500, message Internal Server Error"), logs.join("|"));
        // The server goes on.
        assert.equal(parseResponse((await rawRequest(port, req("GET", "/again", "Connection: close\r\n"))).data, { closed: true }).body.toString(), "ok /again");
      }));
  }

  it("a non-Error rejection is a 500 too", () =>
    withServer(Failing, async ({ port, errors }) => {
      const res = parseResponse((await rawRequest(port, req("STRING"))).data, { closed: true });
      assert.equal(res.status, 500);
      assert.deepEqual(errors, ["a string"]);
    }));

  it("HALF on the second request of a persistent connection is still a clean 500", () =>
    withServer(Failing, async ({ port, errors }) => {
      const r = await rawRequest(port, req("GET", "/first") + req("HALF"));
      assert.ok(r.closed);
      const { responses, complete } = parseResponses(r.data, { closed: true });
      assert.ok(complete, `stray bytes: ${JSON.stringify(r.data.toString("latin1"))}`);
      assert.deepEqual(responses.map((x) => x.status), [200, 500]);
      assert.equal(responses[1]?.header("X-Half"), undefined);
      assert.equal(errors.length, 1);
    }));

  it("after part of a Content-Length body: the connection is closed, no second response", () =>
    withServer(Failing, async ({ port, errors }) => {
      const r = await rawRequest(port, req("PARTIAL") + req("GET", "/next"));
      assert.ok(r.closed);
      const text = r.data.toString("latin1");
      assert.ok(text.startsWith("HTTP/1.1 200 OK\r\n"));
      assert.ok(text.endsWith("\r\n\r\n0123456789"), text);
      assert.equal(text.split("HTTP/1.1 ").length, 2);
      assert.equal(errors.length, 1);
    }));

  it("after part of a chunked body: the connection is closed without the last chunk", () =>
    withServer(Failing, async ({ port, errors }) => {
      const r = await rawRequest(port, req("CHUNKFAIL") + req("GET", "/next"));
      assert.ok(r.closed);
      const text = r.data.toString("latin1");
      assert.ok(text.includes("Transfer-Encoding: chunked\r\n"), text);
      assert.ok(text.endsWith("\r\n\r\nb\r\nfirst chunk\r\n"), `the body must look truncated: ${JSON.stringify(text)}`);
      assert.equal(parseResponses(r.data, { closed: true }).responses.length, 0, "no complete response");
      assert.equal(errors.length, 1);
    }));

  it("HTTP/0.9: a failure after part of the body closes without an error page appended", async () => {
    class Fail09 extends QuietHandler {
      async do_GET(): Promise<void> {
        this.sendResponse(200);
        await this.endHeaders();
        await this.wfile.write("partial");
        throw new Boom("0.9");
      }
    }
    await withServer(Fail09, async ({ port, errors }) => {
      const r = await rawRequest(port, "GET /x\r\n");
      assert.ok(r.closed);
      assert.equal(r.data.toString("latin1"), "partial");
      assert.equal(errors.length, 1);
    });
  });

  it("a failure after 100 Continue is still answered with a 500", async () => {
    class AfterContinue extends QuietHandler {
      async do_PUT(): Promise<void> {
        await this.rfile.read(1);
        throw new Boom("after continue");
      }
    }
    AfterContinue.prototype.protocolVersion = "HTTP/1.1";
    await withServer(AfterContinue, async ({ port, errors }) => {
      const c = await RawConnection.connect(port);
      try {
        c.write("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
        await c.readUntil((d) => d.toString("latin1").endsWith("\r\n\r\n"));
        c.write("abc");
        assert.ok(await c.waitClose());
        const { responses, complete } = parseResponses(c.received, { closed: true });
        assert.ok(complete);
        assert.deepEqual(responses.map((x) => x.status), [100, 500]);
        assert.equal(errors.length, 1);
      } finally {
        c.destroy();
      }
    });
  });

  it("a BodyTooLargeError thrown after sendResponse() (headers only buffered) becomes a clean 413", async () => {
    class Late extends QuietHandler {
      async do_POST(): Promise<void> {
        this.sendResponse(200);
        this.sendHeader("X-Late", "1");
        await this.rfile.readAll(4);
      }
    }
    await withServer(Late, async ({ port, errors }) => {
      const r = await rawRequest(port, "POST / HTTP/1.0\r\nContent-Length: 10\r\n\r\n0123456789");
      const { responses, complete } = parseResponses(r.data, { closed: true });
      assert.ok(complete);
      assert.equal(responses.length, 1);
      assert.equal(responses[0]?.status, 413);
      assert.equal(responses[0]?.header("X-Late"), undefined);
      assert.deepEqual(errors, [], "a client error, not a server error");
    });
  });

  it("handleError's default report goes to stderr in CPython's shape", () =>
    withServer(
      Failing,
      async ({ port }) => {
        const c = await RawConnection.connect(port);
        const local = c.socket.localPort;
        const { text } = await captureStderr(async () => {
          c.write(req("THROW"));
          assert.ok(await c.waitClose());
        });
        c.destroy();
        const lines = text.split("\n");
        assert.equal(lines[0], "-".repeat(40));
        assert.equal(lines[1], `Exception occurred during processing of request from ('127.0.0.1', ${local})`);
        assert.ok(lines[2]?.startsWith("Boom: thrown"), lines[2]);
        assert.ok(text.endsWith("-".repeat(40) + "\n"));
        assert.equal(parseResponse(c.received, { closed: true }).status, 500);
      },
      { quietErrors: false },
    ));

  it("a client that disconnects in the middle of a chunked response does not crash the server", async () => {
    const rejections: unknown[] = [];
    const onRejection = (e: unknown): void => void rejections.push(e);
    process.on("unhandledRejection", onRejection);
    class Endless extends QuietHandler {
      async do_GET(): Promise<void> {
        this.sendResponse(200);
        await this.endHeaders();
        for (let i = 0; i < 100000; i++) await this.wfile.write(Buffer.alloc(16 * 1024, 0x62));
      }
    }
    Endless.prototype.protocolVersion = "HTTP/1.1";
    try {
      await withServer(Endless, async ({ port, errors }) => {
        for (let round = 0; round < 5; round++) {
          const c = await RawConnection.connect(port);
          c.write(req("GET"));
          await c.readUntil((d) => d.length > 50000);
          c.destroy();
        }
        await sleep(100);
        assert.deepEqual(errors, [], "a vanished client is not a server error");
        const c = await RawConnection.connect(port);
        c.write(req("GET"));
        await c.readUntil((d) => d.length > 1000);
        c.destroy();
      });
      await sleep(50);
      assert.deepEqual(rejections, []);
    } finally {
      process.off("unhandledRejection", onRejection);
    }
  });

  for (const [name, threading] of [["HTTPServer", false], ["ThreadingHTTPServer", true]] as const) {
    it(`${name} keeps serving after many failing requests`, () =>
      withServer(
        Failing,
        async ({ server, port, errors }) => {
          assert.ok(threading ? server instanceof ThreadingHTTPServer : !(server instanceof ThreadingHTTPServer));
          assert.ok(server instanceof HTTPServer);
          for (let i = 0; i < 10; i++) {
            const m = ["THROW", "REJECT", "PARTIAL", "CHUNKFAIL", "HALF"][i % 5] as string;
            const r = await rawRequest(port, req(m));
            assert.ok(r.closed);
          }
          assert.equal(errors.length, 10);
          const ok = await rawRequest(port, req("GET", "/alive", "Connection: close\r\n"));
          assert.equal(parseResponse(ok.data, { closed: true }).body.toString(), "ok /alive");
        },
        { threading },
      ));
  }
});
