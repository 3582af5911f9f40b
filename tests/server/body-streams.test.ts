// rfile (RequestBody) and wfile (ResponseWriter) over real sockets.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { BodyTooLargeError, ConnectionClosedError, type RequestBody } from "../../src/index.js";
import { QuietHandler, sleep, withServer } from "../helpers/server.js";
import { RawConnection, rawRequest } from "../helpers/raw-client.js";
import { parseResponse, parseResponses } from "../helpers/http-response.js";

/** A handler whose do_POST runs `script(rfile)` and answers with the JSON of its result. */
function bodyHandler(script: (rfile: RequestBody) => Promise<unknown>) {
  class H extends QuietHandler {
    async do_POST(): Promise<void> {
      const result = await script(this.rfile);
      const out = Buffer.from(JSON.stringify(result), "utf8");
      this.sendResponse(200);
      this.sendHeader("Content-Length", out.length);
      await this.endHeaders();
      await this.wfile.write(out);
    }
  }
  H.prototype.protocolVersion = "HTTP/1.1";
  return H;
}

const post = (body: string, extra = "") => `POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ${Buffer.byteLength(body, "latin1")}\r\n${extra}\r\n${body}`;
const chunked = (parts: string[], extra = "") =>
  `POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n${extra}\r\n` +
  parts.map((p) => `${Buffer.byteLength(p, "latin1").toString(16)}\r\n${p}\r\n`).join("") +
  "0\r\n\r\n";

async function result(port: number, pieces: string | string[], gapMs = 0): Promise<unknown> {
  const withClose = (Array.isArray(pieces) ? pieces : [pieces]).map((p, i, a) => (i === a.length - 1 ? p + "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n" : p));
  const r = await rawRequest(port, withClose, { gapMs });
  const res = parseResponse(r.data, { closed: true });
  assert.equal(res.status, 200, res.statusLine + " " + res.body.toString());
  return JSON.parse(res.body.toString("utf8"));
}

describe("rfile", () => {
  it("read(n) returns exactly n bytes (fewer only at the end), then empty", () =>
    withServer(bodyHandler(async (rfile) => {
      const a = (await rfile.read(3)).toString();
      const b = (await rfile.read(4)).toString();
      const rest = (await rfile.read(100)).toString();
      const after = (await rfile.read(1)).length;
      return { a, b, rest, after, done: rfile.done, received: rfile.received };
    }), async ({ port }) => {
      const expected = { a: "hel", b: "lo w", rest: "orld", after: 0, done: true, received: 11 };
      assert.deepEqual(await result(port, post("hello world")), expected);
      // The same with the body trickling in.
      const head = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n";
      assert.deepEqual(await result(port, [head + "he", "llo", " w", "orld"], 30), expected);
      // And chunked.
      assert.deepEqual(await result(port, chunked(["he", "llo w", "o", "rld"])), expected);
    }));

  it("read() with no argument reads the rest of the body, not the next request", () =>
    withServer(bodyHandler(async (rfile) => (await rfile.read()).toString("latin1")), async ({ port }) => {
      assert.equal(await result(port, post("abc\xff")), "abc\xff");
      assert.equal(await result(port, chunked(["abc", "def"])), "abcdef");
      assert.equal(await result(port, "POST / HTTP/1.1\r\nHost: h\r\n\r\n"), "");
    }));

  it("readline(limit) splits at LF or at the limit; empty at the end", () =>
    withServer(bodyHandler(async (rfile) => {
      const lines: string[] = [];
      lines.push((await rfile.readline()).toString());
      lines.push((await rfile.readline(4)).toString());
      lines.push((await rfile.readline(4)).toString());
      lines.push((await rfile.readline()).toString());
      lines.push((await rfile.readline()).toString());
      return lines;
    }), async ({ port }) => {
      const expected = ["one\n", "abcd", "ef\n", "last", ""];
      assert.deepEqual(await result(port, post("one\nabcdef\nlast")), expected);
      assert.deepEqual(await result(port, chunked(["on", "e\nab", "cdef\nla", "st"])), expected);
    }));

  it("readAll() honours Content-Length and chunked", () =>
    withServer(bodyHandler(async (rfile) => (await rfile.readAll()).toString()), async ({ port }) => {
      assert.equal(await result(port, post("x".repeat(100000))), "x".repeat(100000));
      assert.equal(await result(port, chunked(["a".repeat(70000), "b".repeat(3)])), "a".repeat(70000) + "bbb");
    }));

  it("readAll(limit): a Content-Length past the limit is 413 before reading; the connection closes", async () => {
    let error: unknown = null;
    let received = -1;
    const H = bodyHandler(async (rfile) => {
      try {
        return (await rfile.readAll(10)).toString();
      } catch (err) {
        error = err;
        received = rfile.received;
        throw err;
      }
    });
    await withServer(H, async ({ port }) => {
      const ok = await result(port, post("0123456789"));
      assert.equal(ok, "0123456789");
      const r = await rawRequest(port, post("01234567890") + "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
      assert.ok(r.closed);
      const { responses } = parseResponses(r.data, { closed: true });
      assert.equal(responses.length, 1);
      assert.equal(responses[0]?.status, 413);
      assert.equal(responses[0]?.header("Connection"), "close");
      assert.ok(error instanceof BodyTooLargeError);
      assert.equal((error as BodyTooLargeError).status, 413);
      assert.equal(received, 0, "refused before reading");
    });
  });

  it("readAll(limit): a chunked body past the limit is 413", () =>
    withServer(bodyHandler(async (rfile) => (await rfile.readAll(10)).toString()), async ({ port }) => {
      const r = await rawRequest(port, chunked(["0123456", "7890"]));
      const res = parseResponse(r.data, { closed: true });
      assert.equal(res.status, 413);
      assert.equal(res.reason, "request body larger than 10 bytes");
    }));

  it("async iteration yields the whole body", () =>
    withServer(bodyHandler(async (rfile) => {
      const hash = createHash("sha256");
      let n = 0;
      for await (const chunk of rfile) {
        hash.update(chunk);
        n += chunk.length;
      }
      return { n, sha: hash.digest("hex") };
    }), async ({ port }) => {
      const big = Array.from({ length: 300000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join("");
      const sha = createHash("sha256").update(big, "latin1").digest("hex");
      assert.deepEqual(await result(port, post(big)), { n: big.length, sha });
      assert.deepEqual(await result(port, chunked([big.slice(0, 1000), big.slice(1000, 200000), big.slice(200000)])), { n: big.length, sha });
    }));

  it("remaining counts down for Content-Length and is null for chunked; text() decodes UTF-8", () =>
    withServer(bodyHandler(async (rfile) => {
      const before = rfile.remaining;
      await rfile.read(2);
      const mid = rfile.remaining;
      const text = await rfile.text();
      return { before, mid, text, end: rfile.remaining };
    }), async ({ port }) => {
      const body = Buffer.from("ab\u00e9\u2603", "utf8").toString("latin1");
      assert.deepEqual(await result(port, post(body)), { before: 7, mid: 5, text: "\u00e9\u2603", end: 0 });
      assert.deepEqual(await result(port, chunked(["ab", "cd"])), { before: null, mid: null, text: "cd", end: null });
    }));

  it("a client that closes mid-body: reads reject with ConnectionClosedError and the server goes on", async () => {
    let error: unknown = null;
    const H = bodyHandler(async (rfile) => {
      try {
        return (await rfile.readAll()).length;
      } catch (err) {
        error = err;
        throw err;
      }
    });
    await withServer(H, async ({ port, errors }) => {
      const r = await rawRequest(port, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nshort", { halfClose: true });
      assert.ok(r.closed);
      assert.equal(r.data.length, 0);
      assert.ok(error instanceof ConnectionClosedError);
      assert.deepEqual(errors, [], "not reported as a server error");
      assert.equal(await result(port, post("fine")), 4);
    });
  });
});

describe("wfile timing", () => {
  it("streamed small writes reach the client while the handler is still running", async () => {
    class Ticker extends QuietHandler {
      async do_GET(): Promise<void> {
        this.sendResponse(200);
        await this.endHeaders();
        for (let i = 0; i < 3; i++) {
          await this.wfile.write(`tick ${i}\n`);
          await sleep(400);
        }
      }
    }
    await withServer(Ticker, async ({ port }) => {
      const c = await RawConnection.connect(port);
      try {
        const t0 = Date.now();
        c.write("GET / HTTP/1.0\r\n\r\n");
        await c.readUntil((d) => d.toString("latin1").endsWith("tick 0\n"), 2000);
        const first = Date.now() - t0;
        assert.ok(first < 300, `first tick after ${first} ms`);
        assert.ok(!c.text.includes("tick 1"));
        await c.readUntil((d) => d.toString("latin1").endsWith("tick 1\n"), 2000);
        assert.ok(await c.waitClose());
      } finally {
        c.destroy();
      }
    });
  });

  it("a small response (status line, headers, body) leaves in one socket write", async () => {
    const writes: number[] = [];
    class OneWrite extends QuietHandler {
      override async setup(): Promise<void> {
        await super.setup();
        const original = this.request.write.bind(this.request) as (...a: unknown[]) => boolean;
        (this.request as unknown as { write: (...a: unknown[]) => boolean }).write = (...args: unknown[]) => {
          writes.push(Buffer.byteLength(args[0] as Buffer));
          return original(...args);
        };
      }
      async do_GET(): Promise<void> {
        this.sendResponse(200);
        this.sendHeader("Content-Length", 5);
        await this.endHeaders();
        await this.wfile.write("he");
        await this.wfile.write("llo");
      }
    }
    await withServer(OneWrite, async ({ port }) => {
      const r = await rawRequest(port, "GET / HTTP/1.0\r\n\r\n");
      assert.equal(parseResponse(r.data, { closed: true }).body.toString(), "hello");
      assert.equal(writes.length, 1, `writes: ${writes.join(", ")}`);
      assert.equal(writes[0], r.data.length);
    });
  });
});

describe("wfile back-pressure", () => {
  it("a 64 MiB response to a client that does not read is not buffered; write() waits", async () => {
    const TOTAL = 64 * 1024 * 1024;
    const CHUNK = 256 * 1024;
    const state = { sent: 0, waiting: false, done: false, maxQueued: 0 };
    const block = Buffer.alloc(CHUNK);
    for (let i = 0; i < CHUNK; i++) block[i] = i % 251;
    class Big extends QuietHandler {
      async do_GET(): Promise<void> {
        this.sendResponse(200);
        this.sendHeader("Content-Length", TOTAL);
        await this.endHeaders();
        for (let off = 0; off < TOTAL; off += CHUNK) {
          state.waiting = true;
          await this.wfile.write(block);
          state.waiting = false;
          state.sent = this.wfile.bodyBytes;
          state.maxQueued = Math.max(state.maxQueued, this.request.writableLength);
        }
        state.done = true;
      }
    }
    await withServer(Big, async ({ port }) => {
      const c = await RawConnection.connect(port);
      try {
        c.socket.pause();
        const memBefore = process.memoryUsage().arrayBuffers;
        c.write("GET / HTTP/1.0\r\n\r\n");
        await sleep(600);
        const stalledAt = state.sent;
        assert.equal(state.done, false);
        assert.equal(state.waiting, true, "the handler waits in write()");
        assert.ok(stalledAt < 24 * 1024 * 1024, `only socket buffers' worth written: ${stalledAt}`);
        await sleep(300);
        assert.equal(state.sent, stalledAt, "no progress while the client does not read");
        assert.ok(state.maxQueued < 2 * 1024 * 1024, `user-space queue stays small: ${state.maxQueued}`);
        const grew = process.memoryUsage().arrayBuffers - memBefore;
        assert.ok(grew < 32 * 1024 * 1024, `memory grew by ${grew}`);
        // Now read everything and check it.
        let got = 0;
        let headerSkipped = false;
        let bodyOk = true;
        let bodyPos = 0;
        c.socket.removeAllListeners("data");
        const finished = new Promise<void>((resolve) => c.socket.once("close", () => resolve()));
        c.socket.on("data", (d: Buffer) => {
          let data = d;
          if (!headerSkipped) {
            const i = d.indexOf("\r\n\r\n");
            if (i < 0) return;
            headerSkipped = true;
            data = d.subarray(i + 4);
          }
          for (let j = 0; j < data.length; j += 4099) {
            if (data[j] !== ((bodyPos + j) % CHUNK) % 251) bodyOk = false;
          }
          bodyPos += data.length;
          got += data.length;
        });
        c.socket.resume();
        await finished;
        assert.equal(got, TOTAL);
        assert.ok(bodyOk, "body bytes intact");
        assert.equal(state.done, true);
      } finally {
        c.destroy();
      }
    });
  });

  it("auto-chunked writes wait for the client too", async () => {
    const state = { chunks: 0, done: false, maxQueued: 0 };
    class Stream extends QuietHandler {
      async do_GET(): Promise<void> {
        this.sendResponse(200);
        await this.endHeaders();
        const block = Buffer.alloc(64 * 1024, 0x61);
        for (let i = 0; i < 1024; i++) {
          await this.wfile.write(block);
          state.maxQueued = Math.max(state.maxQueued, this.request.writableLength);
          state.chunks++;
        }
        state.done = true;
      }
    }
    Stream.prototype.protocolVersion = "HTTP/1.1";
    await withServer(Stream, async ({ port }) => {
      const c = await RawConnection.connect(port);
      try {
        c.socket.pause();
        c.write("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        await sleep(500);
        const at = state.chunks;
        assert.ok(at < 384, `stalled after ${at} of 1024 chunks`);
        assert.ok(state.maxQueued < 1024 * 1024, `user-space queue stays small: ${state.maxQueued}`);
        await sleep(200);
        assert.equal(state.chunks, at);
        let got = 0;
        let tail = "";
        c.socket.removeAllListeners("data");
        const ended = new Promise<void>((resolve) => {
          c.socket.on("data", (d: Buffer) => {
            got += d.length;
            tail = (tail + d.toString("latin1")).slice(-5);
            if (tail === "0\r\n\r\n" && state.done) resolve();
          });
        });
        c.socket.resume();
        await ended;
        assert.ok(state.done);
        assert.ok(got > 64 * 1024 * 1024);
      } finally {
        c.destroy();
      }
    });
  });

  it("`timeout` bounds how long a write waits for a client that does not read", async () => {
    let error: unknown = null;
    class Stuck extends QuietHandler {
      async do_GET(): Promise<void> {
        this.sendResponse(200);
        this.sendHeader("Content-Length", 256 * 1024 * 1024);
        await this.endHeaders();
        try {
          const block = Buffer.alloc(1024 * 1024);
          for (let i = 0; i < 256; i++) await this.wfile.write(block);
        } catch (err) {
          error = err;
          throw err;
        }
      }
    }
    Stuck.prototype.timeout = 0.3;
    await withServer(Stuck, async ({ port, errors }) => {
      const c = await RawConnection.connect(port);
      try {
        c.socket.pause();
        c.write("GET / HTTP/1.0\r\n\r\n");
        const t0 = Date.now();
        for (let i = 0; i < 250 && error === null; i++) await sleep(20);
        const took = Date.now() - t0;
        assert.equal((error as { name?: string } | null)?.name, "ConnectionTimeoutError", String(error));
        assert.ok(took >= 250 && took < 4000, `gave up after ${took} ms`);
        assert.deepEqual(errors, [], "a slow client is not a server error");
      } finally {
        c.destroy();
      }
    });
  });

  it("writes after the client went away reject with ConnectionClosedError, not a crash", async () => {
    let error: unknown = null;
    class Gone extends QuietHandler {
      async do_GET(): Promise<void> {
        this.sendResponse(200);
        await this.endHeaders();
        try {
          for (let i = 0; i < 10000; i++) await this.wfile.write(Buffer.alloc(64 * 1024));
        } catch (err) {
          error = err;
        }
      }
    }
    Gone.prototype.protocolVersion = "HTTP/1.1";
    await withServer(Gone, async ({ port, errors }) => {
      const c = await RawConnection.connect(port);
      c.write("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
      await c.readUntil((d) => d.length > 100000);
      c.destroy();
      for (let i = 0; i < 100 && error === null; i++) await sleep(20);
      assert.ok(error instanceof ConnectionClosedError, String(error));
      assert.deepEqual(errors, []);
    });
  });
});
