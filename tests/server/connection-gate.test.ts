// Issue 10, item 5: the server never accepts-and-drops for lack of
// descriptors. Past `maxConnections` (default: half the descriptor limit) a
// connection is answered 503 with Retry-After and closed; for a second after
// a handler ran out of descriptors, new connections are answered the same
// way; the condition is logged once a second at most. Node cannot stop
// accepting (libuv accepts, and on EMFILE closes waiting connections without
// a byte), so the server keeps clear of EMFILE on accept instead.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { busyResponse, defaultMaxConnections, descriptorLimit } from "../../src/server/connection-gate.js";
import { HTTPServer, ThreadingHTTPServer } from "../../src/index.js";
import { OkHandler, startServer } from "../helpers/server.js";
import { buildRequest, RawConnection } from "../helpers/raw-client.js";
import { parseResponse } from "../helpers/http-response.js";

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

describe("connection gate: the rules", () => {
  it("descriptorLimit() reads the soft limit from /proc/self/limits, null when it cannot", () => {
    assert.equal(descriptorLimit(() => LIMITS), 1024);
    assert.equal(descriptorLimit(() => LIMITS.replace("1024   ", "unlimited")), null);
    assert.equal(
      descriptorLimit(() => {
        throw new Error("ENOENT");
      }),
      null,
    );
    assert.equal(typeof descriptorLimit(), "number", "this machine is Linux");
  });

  it("defaultMaxConnections() is half the limit less 16, at least 16, none without a limit", () => {
    assert.equal(defaultMaxConnections(1024), 496);
    assert.equal(defaultMaxConnections(64), 16);
    assert.equal(defaultMaxConnections(20000), 9984);
    assert.equal(defaultMaxConnections(null), null);
    assert.equal(HTTPServer.prototype.maxConnections, defaultMaxConnections());
  });

  it("busyResponse() is a complete 503 with Retry-After that closes", () => {
    const res = parseResponse(Buffer.from(busyResponse("Mon, 30 Nov 2026 09:00:00 GMT"), "latin1"), { closed: true });
    assert.equal(res.status, 503);
    assert.equal(res.header("retry-after"), "1");
    assert.equal(res.header("connection"), "close");
    assert.equal(res.header("date"), "Mon, 30 Nov 2026 09:00:00 GMT");
    assert.equal(Number(res.header("content-length")), res.body.length);
  });
});

class Logged extends ThreadingHTTPServer {
  overloads: string[] = [];
  override logOverload(message: string): void {
    this.overloads.push(message);
  }
}

async function answerOf(conn: RawConnection): Promise<ReturnType<typeof parseResponse>> {
  assert.ok(await conn.waitClose(3000), "closed by the server");
  return parseResponse(conn.received, { closed: true });
}

describe("connection gate: a real server", () => {
  it("past maxConnections: 503 with Retry-After and closed (not dropped without a byte); served again once one closes", async () => {
    const f = await startServer<Logged>(OkHandler, { ServerClass: Logged });
    f.server.maxConnections = 2;
    const held: RawConnection[] = [];
    try {
      held.push(await RawConnection.connect(f.port), await RawConnection.connect(f.port));
      await new Promise((r) => setTimeout(r, 50));
      const extra = [await RawConnection.connect(f.port), await RawConnection.connect(f.port)];
      held.push(...extra);
      for (const conn of extra) {
        const res = await answerOf(conn);
        assert.equal(res.status, 503);
        assert.equal(res.header("retry-after"), "1");
      }
      assert.equal(f.server.overloads.length, 1, "logged once a second at most");
      assert.match(f.server.overloads[0] ?? "", /^2 connections open \(maxConnections 2\): answering 503$/);
      // the two within the cap are served
      (held[0] as RawConnection).write(buildRequest("GET", "/", ["Host: x"]));
      await (held[0] as RawConnection).readUntil((d) => d.includes("\r\n\r\nok"));
      // one leaves: a new connection is served
      (held[1] as RawConnection).destroy();
      await new Promise((r) => setTimeout(r, 100));
      const next = await RawConnection.connect(f.port);
      held.push(next);
      next.write(buildRequest("GET", "/", ["Host: x", "Connection: close"]));
      assert.equal((await answerOf(next)).status, 200);
    } finally {
      for (const c of held) c.destroy();
      await f.close();
    }
  });

  it("for a second after a handler ran out of descriptors, new connections get 503; then they are served", async () => {
    const f = await startServer<Logged>(OkHandler, { ServerClass: Logged });
    try {
      f.server.noteDescriptorShortage();
      const refused = await RawConnection.connect(f.port);
      refused.write(buildRequest("GET", "/", ["Host: x"]));
      const res = await answerOf(refused);
      refused.destroy();
      assert.equal(res.status, 503);
      assert.equal(res.header("retry-after"), "1");
      await new Promise((r) => setTimeout(r, 1100));
      const served = await RawConnection.connect(f.port);
      served.write(buildRequest("GET", "/", ["Host: x", "Connection: close"]));
      assert.equal((await answerOf(served)).status, 200);
      served.destroy();
    } finally {
      await f.close();
    }
  });
});
