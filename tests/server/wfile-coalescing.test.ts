// wfile sends small responses as one buffer (head encoded in place, body
// copied behind it) and larger ones as a writev of the pieces: every size on
// both sides of those boundaries must arrive byte-exact, pipelined or not.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { QuietHandler, withServer } from "../helpers/server.js";
import { rawRequest } from "../helpers/raw-client.js";
import { parseResponses } from "../helpers/http-response.js";

/** Deterministic bytes of length `n` (no run of equal bytes to hide an offset error). */
function bodyOf(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >> 8)) & 0xff;
  return b;
}

/** GET /<n>[/<pieces>]: a body of n bytes written in `pieces` writes, with a latin-1 header. */
class SizedHandler extends QuietHandler {
  async do_GET(): Promise<void> {
    const [, size = "0", pieces = "1"] = this.path.split("/");
    const body = bodyOf(Number(size));
    this.sendResponse(200);
    this.sendHeader("Content-Length", body.length);
    this.sendHeader("X-Latin1", "caf\u00e9 \u00ff");
    await this.endHeaders();
    const n = Number(pieces);
    const step = Math.ceil(body.length / n) || 1;
    for (let at = 0; at < body.length; at += step) await this.wfile.write(body.subarray(at, at + step));
  }
}
SizedHandler.prototype.protocolVersion = "HTTP/1.1";

const SIZES = [0, 1, 1000, 16 * 1024 - 300, 16 * 1024, 16 * 1024 + 1, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 300 * 1024];
const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

describe("wfile coalescing and writev", () => {
  it("sends bodies of every size around the 16 KiB and 64 KiB boundaries byte-exact, pipelined on one connection", async () => {
    await withServer(SizedHandler, async ({ port }) => {
      const requests = SIZES.map((n) => `GET /${n} HTTP/1.1\r\nHost: h\r\n\r\n`).join("") + "GET /5 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
      const r = await rawRequest(port, requests, { timeoutMs: 10_000 });
      assert.ok(r.closed, "the server closes after the last response");
      const { responses, complete } = parseResponses(r.data, { closed: true });
      assert.ok(complete, "no stray bytes after the last response");
      assert.equal(responses.length, SIZES.length + 1);
      for (const [i, n] of [...SIZES, 5].entries()) {
        const res = responses[i];
        assert.ok(res, `response ${i}`);
        assert.equal(res.status, 200);
        assert.equal(res.header("Content-Length"), String(n));
        assert.equal(res.body.length, n, `body of ${n}`);
        assert.equal(sha(res.body), sha(bodyOf(n)), `bytes of ${n}`);
      }
    });
  });

  it("encodes the header block as latin-1, one byte per character", async () => {
    await withServer(SizedHandler, async ({ port }) => {
      const r = await rawRequest(port, "GET /3 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
      const at = r.data.indexOf("X-Latin1: ");
      assert.ok(at > 0);
      const value = r.data.subarray(at + "X-Latin1: ".length, r.data.indexOf("\r\n", at));
      assert.deepEqual([...value], [0x63, 0x61, 0x66, 0xe9, 0x20, 0xff]);
    });
  });

  it("keeps the order of a body written in many small pieces behind a large head-less flush", async () => {
    await withServer(SizedHandler, async ({ port }) => {
      const requests = ["GET /70000/7 HTTP/1.1", "GET /20000/3 HTTP/1.1", "GET /100/100 HTTP/1.1"]
        .map((l) => `${l}\r\nHost: h\r\n\r\n`)
        .join("") + "GET /0 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
      const r = await rawRequest(port, requests, { timeoutMs: 10_000 });
      const { responses } = parseResponses(r.data, { closed: true });
      assert.deepEqual(responses.map((x) => x.body.length), [70000, 20000, 100, 0]);
      for (const x of responses) assert.equal(sha(x.body), sha(bodyOf(x.body.length)));
    });
  });
});
