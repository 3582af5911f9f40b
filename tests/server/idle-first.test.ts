import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { QuietHandler, withServer } from "../helpers/server.js";
import { rawRequest } from "../helpers/raw-client.js";

class Hello extends QuietHandler {
  override keepAliveTimeout = 0.3;
  async do_GET(): Promise<void> {
    this.sendResponse(200);
    this.sendHeader("Content-Length", 2);
    await this.endHeaders();
    await this.wfile.write("ok");
  }
}

function silentConnection(port: number): Promise<{ closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const s = net.connect(port, "127.0.0.1");
    s.on("error", reject);
    s.on("close", () => resolve({ closedAfterMs: Date.now() - started }));
    s.setTimeout(5000, () => {
      s.destroy();
      reject(new Error("the server kept a silent connection open for 5 s"));
    });
  });
}

test("a connection that never sends a byte is closed after keepAliveTimeout, even with timeout = null", async () => {
  await withServer(Hello, async ({ port, logs }) => {
    const { closedAfterMs } = await silentConnection(port);
    assert.ok(closedAfterMs >= 250, `closed too early (${closedAfterMs} ms)`);
    assert.deepEqual(logs, [], "closing an idle connection is quiet");
  });
});

test("HTTPServer (one connection at a time) is not blocked for good by a silent client", async () => {
  await withServer(
    Hello,
    async ({ port }) => {
      const silent = net.connect(port, "127.0.0.1");
      silent.on("error", () => {});
      await new Promise((r) => silent.once("connect", r));
      const res = await rawRequest(port, "GET / HTTP/1.0\r\n\r\n", { timeoutMs: 4000 });
      assert.match(res.data.toString("latin1"), /^HTTP\/1\.0 200 OK\r\n[\s\S]*\r\n\r\nok$/);
      silent.destroy();
    },
    { threading: false },
  );
});
