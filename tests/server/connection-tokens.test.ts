/**
 * `Connection` is a token list across all its fields (RFC 9112 9.6): a
 * request that lists `close` anywhere is the last one the connection carries.
 * Issue 10, item 10.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { withServer, OkHandler } from "../helpers/server.js";
import { rawRequest } from "../helpers/raw-client.js";

const count = (text: string): number => (text.match(/HTTP\/1\.1 200 OK\r\n/g) ?? []).length;

describe("Connection as a token list", () => {
  const closing: ReadonlyArray<[string, string]> = [
    ["Connection: keep-alive, close", "Connection: keep-alive, close\r\n"],
    ["Connection: close, TE", "Connection: close, TE\r\n"],
    ["two Connection fields, x and close", "Connection: x\r\nConnection: close\r\n"],
    ["Connection: Foo ,  CLOSE ", "Connection: Foo ,  CLOSE \r\n"],
  ];
  for (const [name, fields] of closing) {
    it(`${name}: one response, then the connection closes (the pipelined second request is not served)`, async () => {
      await withServer(OkHandler, async ({ port }) => {
        const req = `GET /a HTTP/1.1\r\nHost: x\r\n${fields}\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n`;
        const r = await rawRequest(port, req, { timeoutMs: 2000 });
        assert.equal(r.closed, true, "the server closed the connection");
        assert.equal(count(r.data.toString("latin1")), 1, r.data.toString("latin1"));
      });
    });
  }

  it("Connection: keep-alive, TE keeps the connection: both pipelined requests are served", async () => {
    await withServer(OkHandler, async ({ port }) => {
      const req = "GET /a HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, TE\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
      const r = await rawRequest(port, req, { timeoutMs: 2000 });
      assert.equal(count(r.data.toString("latin1")), 2, r.data.toString("latin1"));
    });
  });
});
