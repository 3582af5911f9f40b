/**
 * serverClose() (and `await using`) lets responses in progress finish for up
 * to `drainTimeout` seconds, then closes their connections: a stream without
 * end cannot keep it waiting for ever. A handler sees `this.server.closing`.
 * Issue 10, item 3.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { ThreadingHTTPServer } from "../../src/index.js";
import { QuietHandler } from "../helpers/server.js";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Server-sent events every 20 ms, for ever (or until the server is closing, on /polite). */
class Events extends QuietHandler {
  override protocolVersion = "HTTP/1.1";
  async do_GET(): Promise<void> {
    this.sendResponse(200);
    this.sendHeader("Content-Type", "text/event-stream");
    await this.endHeaders();
    for (let i = 0; ; i++) {
      if (this.path === "/polite" && this.server.closing) return;
      await this.wfile.write(`data: ${i}\n\n`);
      await sleep(20);
    }
  }
}

/** Opens an event stream; resolves once the first event arrived, with a promise of the connection's end. */
async function subscribe(port: number, target: string): Promise<{ ended: Promise<string> }> {
  const sock = net.connect(port, "127.0.0.1");
  sock.on("error", () => {});
  let data = "";
  const ended = new Promise<string>((resolve) => sock.on("close", () => resolve(data)));
  await new Promise<void>((resolve) => {
    sock.on("data", (d: Buffer) => {
      data += d.toString("latin1");
      if (data.includes("data: 0")) resolve();
    });
    sock.write(`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`);
  });
  return { ended };
}

/** Races `p` against `ms`: "timeout" if it did not settle in time. */
function within<T>(p: Promise<T>, ms: number): Promise<T | "timeout"> {
  return Promise.race([p, sleep(ms).then(() => "timeout" as const)]);
}

describe("serverClose() with a response that never ends", () => {
  it("closes the stream's connection after drainTimeout and resolves", async () => {
    const server = new ThreadingHTTPServer(["127.0.0.1", 0], Events);
    server.drainTimeout = 0.3;
    await server.ready;
    const serving = server.serveForever(0.05);
    const { ended } = await subscribe(server.serverPort, "/forever");
    const t0 = Date.now();
    await server.shutdown();
    await serving;
    assert.notEqual(await within(server.serverClose(), 3000), "timeout", "serverClose() resolved");
    const ms = Date.now() - t0;
    assert.ok(ms >= 250, `it waited for the drain (${ms} ms)`);
    const data = await within(ended, 1000);
    assert.notEqual(data, "timeout", "the client's connection was closed");
    assert.match(data as string, /data: 5\n/, "events kept coming during the drain");
  });

  it("`await using` ends too (the default deadline is 10 s: here a short one)", async () => {
    let ended: Promise<string> | null = null;
    const t0 = Date.now();
    {
      await using server = await ThreadingHTTPServer.create(["127.0.0.1", 0], Events);
      server.drainTimeout = 0.2;
      void server.serveForever(0.05);
      ({ ended } = await subscribe(server.serverPort, "/forever"));
    }
    assert.ok(Date.now() - t0 < 3000);
    assert.ok(ended !== null);
    assert.notEqual(await within(ended, 1000), "timeout");
  });

  it("a handler that watches server.closing ends its stream by itself, before the deadline", async () => {
    const server = new ThreadingHTTPServer(["127.0.0.1", 0], Events);
    assert.equal(server.drainTimeout, 10, "the default is the command line's 10 s");
    await server.ready;
    const serving = server.serveForever(0.05);
    const { ended } = await subscribe(server.serverPort, "/polite");
    const t0 = Date.now();
    await server.shutdown();
    await serving;
    assert.notEqual(await within(server.serverClose(), 3000), "timeout");
    assert.ok(Date.now() - t0 < 2000, "well before the 10 s deadline");
    const data = await within(ended, 1000);
    assert.match(data as string, /0\r\n\r\n$/, "the stream ended properly (its last chunk)");
  });
});
