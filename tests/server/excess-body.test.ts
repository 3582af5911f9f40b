/**
 * A body written past its declared Content-Length is cut there (the client
 * gets exactly the bytes announced, then the connection closes) and the
 * handler's log gets one line saying so. Issue 10, item 14.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { withServer, QuietHandler } from "../helpers/server.js";
import { rawRequest } from "../helpers/raw-client.js";

class CountsCharacters extends QuietHandler {
  override protocolVersion = "HTTP/1.1";
  async do_GET(): Promise<void> {
    const text = this.path === "/twice" ? "abc" : '{"name":"Zoë","city":"Köln"}';
    this.sendResponse(200);
    this.sendHeader("Content-Type", "application/json");
    this.sendHeader("Content-Length", String(text.length)); // characters, not bytes: the mistake
    await this.endHeaders();
    await this.wfile.write(text);
    if (this.path === "/twice") await this.wfile.write("defg");
  }
}

describe("a body longer than its Content-Length", () => {
  it("is cut at the declared length, the connection closes, and one line is logged with the excess", async () => {
    await withServer(CountsCharacters, async ({ port, logs }) => {
      const r = await rawRequest(port, "GET /json HTTP/1.1\r\nHost: x\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n", { timeoutMs: 2000 });
      const text = r.data.toString("latin1");
      const body = text.slice(text.indexOf("\r\n\r\n") + 4);
      const json = '{"name":"Zoë","city":"Köln"}';
      assert.equal(body, Buffer.from(json, "utf8").subarray(0, json.length).toString("latin1"));
      assert.equal(r.closed, true);
      assert.equal((text.match(/HTTP\/1\.1 200/g) ?? []).length, 1, "the pipelined request is not answered");
      const lines = logs.filter((l) => l.includes("Content-Length"));
      assert.deepEqual(lines, ["response body longer than its Content-Length: 2 bytes past it were not sent"]);
    });
  });

  it("counts every write past the length in the one line", async () => {
    await withServer(CountsCharacters, async ({ port, logs }) => {
      await rawRequest(port, "GET /twice HTTP/1.1\r\nHost: x\r\n\r\n", { timeoutMs: 2000 });
      assert.deepEqual(logs.filter((l) => l.includes("Content-Length")), ["response body longer than its Content-Length: 4 bytes past it were not sent"]);
    });
  });
});
