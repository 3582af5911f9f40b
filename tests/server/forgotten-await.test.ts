/**
 * A handler written as a Python user writes it, without `await` on its I/O,
 * serving a client that resets: no promise the engine made may reject
 * unhandled (which would end the process), and the server goes on serving.
 * Issue 10, item 2.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { withServer, QuietHandler } from "../helpers/server.js";
import { rawRequest } from "../helpers/raw-client.js";

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
before(() => process.on("unhandledRejection", onUnhandled));
after(() => process.off("unhandledRejection", onUnhandled));

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Each way a handler can forget to await, run after the client reset. */
type Forgetting = (h: QuietHandler) => void;
const FORGOTTEN: ReadonlyArray<[name: string, forget: Forgetting]> = [
  ["wfile.write()", (h) => void h.wfile.write("data: tick\n\n")],
  ["wfile.flush()", (h) => {
    void h.wfile.write("data: tick\n\n");
    void h.wfile.flush();
  }],
  ["endHeaders()", (h) => {
    h.sendHeader("X-Late", "1");
    void h.endHeaders();
  }],
  ["flushHeaders()", (h) => {
    h.sendHeader("X-Late", "1");
    void h.flushHeaders();
  }],
  ["sendError()", (h) => void h.sendError(500)],
];

/** Where the streaming handler records how many ticks ran (the test waits for the loop to end). */
const finished: string[] = [];

class Streaming extends QuietHandler {
  override protocolVersion = "HTTP/1.1";
  async do_GET(): Promise<void> {
    const name = decodeURIComponent(this.path.slice(1));
    const forget = FORGOTTEN.find(([n]) => n === name)?.[1];
    if (forget === undefined) {
      this.sendResponse(200);
      this.sendHeader("Content-Length", "2");
      await this.endHeaders();
      await this.wfile.write("ok");
      return;
    }
    this.sendResponse(200);
    this.sendHeader("Content-Type", "text/event-stream");
    void this.endHeaders(); // not awaited, as in Python
    void this.wfile.write("data: first\n\n");
    // An SSE loop every 20 ms: the client resets after the first event.
    for (let i = 0; i < 15; i++) {
      await sleep(20);
      forget(this);
    }
    finished.push(name);
  }
}

/** Connects, sends the request, waits for the first bytes, then resets the connection (RST). */
async function resetAfterFirstBytes(port: number, target: string): Promise<void> {
  const sock = net.connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    sock.once("error", reject);
    sock.once("connect", () => {
      sock.write(`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`);
    });
    sock.once("data", () => {
      sock.resetAndDestroy();
      resolve();
    });
  });
}

describe("a handler that forgets to await its I/O to a client that reset", () => {
  for (const [name] of FORGOTTEN) {
    it(`an un-awaited ${name} after the client reset raises no unhandled rejection, and the server goes on`, async () => {
      await withServer(Streaming, async ({ port }) => {
        const before = unhandled.length;
        await resetAfterFirstBytes(port, "/" + encodeURIComponent(name));
        // The loop runs 15 x 20 ms after the reset; give it time to finish.
        for (let i = 0; i < 100 && !finished.includes(name); i++) await sleep(20);
        assert.ok(finished.includes(name), "the handler's loop ran to its end");
        await sleep(50);
        assert.deepEqual(unhandled.slice(before), [], "no unhandled rejection");
        const r = await rawRequest(port, "GET /plain HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assert.match(r.data.toString("latin1"), /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nok$/);
      });
    });
  }
});
