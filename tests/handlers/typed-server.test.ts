// Python's `self.server.db` idiom, typed: a handler declares its own server
// class (`declare readonly server: MyServer`) and uses its members; the test
// build compiles this file, so a regression in the types fails the build.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { BaseHTTPRequestHandler, ThreadingHTTPServer } from "simplehttp";
import { request } from "../helpers/raw-client.js";

class CounterServer extends ThreadingHTTPServer {
  readonly db = new Map<string, number>();
}

class CounterHandler extends BaseHTTPRequestHandler {
  declare readonly server: CounterServer;
  override protocolVersion = "HTTP/1.1";

  async do_GET(): Promise<void> {
    const n = (this.server.db.get(this.path) ?? 0) + 1;
    this.server.db.set(this.path, n);
    const body = Buffer.from(`${this.path} ${n}\n`);
    this.sendResponse(200);
    this.sendHeader("Content-Length", body.length);
    await this.endHeaders();
    await this.wfile.write(body);
  }

  override logMessage(): void {}
}

describe("a handler typed with its own server class", () => {
  it("reads and writes the server's members through this.server", async () => {
    await using server = await CounterServer.create(["127.0.0.1", 0], CounterHandler);
    void server.serveForever(0.05);
    try {
      assert.equal((await request(server.serverPort, "GET", "/a")).body.toString(), "/a 1\n");
      assert.equal((await request(server.serverPort, "GET", "/a")).body.toString(), "/a 2\n");
      assert.equal((await request(server.serverPort, "GET", "/b")).body.toString(), "/b 1\n");
      assert.deepEqual([...server.db], [["/a", 2], ["/b", 1]]);
    } finally {
      await server.shutdown();
    }
  });
});
