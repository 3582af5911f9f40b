/**
 * Header bombs: a request head is bounded (64 KiB of fields, 431 beyond), and
 * all heads still arriving share a process-wide budget (503 beyond it), so
 * memory stays bounded whatever the number of slow clients, and a normal
 * client is served meanwhile. Issue 10, item 8.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { headBudget } from "../../src/server/head-budget.js";
import { withServer, OkHandler } from "../helpers/server.js";
import { rawRequest } from "../helpers/raw-client.js";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const LIMIT = headBudget.limit;
after(() => {
  headBudget.limit = LIMIT;
});

/** A client that sends an unfinished head of `bytes` bytes (a few lines of 8 KiB) and waits; what it receives. */
function bomber(port: number, bytes: number): { received: () => string; closed: Promise<void>; sock: net.Socket } {
  const sock = net.connect(port, "127.0.0.1");
  sock.on("error", () => {});
  let got = "";
  sock.on("data", (d: Buffer) => (got += d.toString("latin1")));
  const closed = new Promise<void>((resolve) => sock.on("close", () => resolve()));
  let head = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (let i = 0; head.length < bytes; i++) head += `X-${i}: ${"z".repeat(8000)}\r\n`;
  sock.write(head);
  return { received: () => got, closed, sock };
}

describe("request heads in progress", () => {
  it("one head over 64 KiB of fields gets 431", async () => {
    await withServer(OkHandler, async ({ port }) => {
      let head = "GET / HTTP/1.1\r\nHost: x\r\n";
      for (let i = 0; i < 10; i++) head += `X-${i}: ${"z".repeat(8000)}\r\n`;
      const r = await rawRequest(port, head + "\r\n", { timeoutMs: 2000 });
      assert.match(r.data.toString("latin1"), /^HTTP\/1\.1 431 /);
    });
  });

  it("past the process-wide budget, a growing head gets 503 and closes; a normal client is served; everything is given back", async () => {
    headBudget.limit = 200 * 1024; // four heads of 48 KiB fit, the fifth does not
    try {
      await withServer(OkHandler, async ({ port }) => {
        const bombs = [];
        for (let i = 0; i < 8; i++) {
          bombs.push(bomber(port, 48 * 1024));
          await sleep(30);
        }
        await sleep(200);
        assert.ok(headBudget.used <= headBudget.limit, `held ${headBudget.used} of ${headBudget.limit}`);
        const refused = bombs.filter((b) => /^HTTP\/1\.1 503 /.test(b.received()));
        assert.ok(refused.length >= 3, `${refused.length} of 8 refused with 503`);
        // A normal request (one read, no budget needed) is served while the others hold theirs.
        const r = await rawRequest(port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", { timeoutMs: 2000 });
        assert.match(r.data.toString("latin1"), /^HTTP\/1\.1 200 OK\r\n/);
        for (const b of bombs) b.sock.destroy();
        await Promise.all(bombs.map((b) => b.closed));
        await sleep(100);
        assert.equal(headBudget.used, 0, "every connection gave its share back");
      });
    } finally {
      headBudget.limit = LIMIT;
    }
  });
});
