// What a subclass sees of the engine: the attributes at the moments CPython
// sets them, and its overrides called where the old single class called them.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { BaseHTTPRequestHandler, SimpleHTTPRequestHandler } from "../../src/index.js";
import { QuietHandler, withServer } from "../helpers/server.js";
import { removeDir, startServer, tempDir } from "../helpers/file-server.js";
import { rawRequest, request } from "../helpers/raw-client.js";
import { parseResponse } from "../helpers/http-response.js";

describe("what a subclass sees", () => {
  it("closeConnection turns true at endHeaders() when the body can only end with the connection (HTTP/1.0 client, no length)", async () => {
    const seen: boolean[] = [];
    class Unframed extends QuietHandler {
      override protocolVersion = "HTTP/1.1";
      async do_GET(): Promise<void> {
        this.sendResponse(200);
        seen.push(this.closeConnection);
        await this.endHeaders();
        seen.push(this.closeConnection);
        await this.wfile.write("to the close");
      }
    }
    await withServer(Unframed, async ({ port }) => {
      const r = await rawRequest(port, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
      assert.ok(r.closed);
      const res = parseResponse(r.data, { closed: true });
      assert.equal(res.header("Connection"), "close");
      assert.equal(res.body.toString(), "to the close");
    });
    assert.deepEqual(seen, [false, true]);
  });

  it("an overridden flushHeaders() sends a head the handler never ended", async () => {
    const calls: string[] = [];
    class Unended extends QuietHandler {
      override protocolVersion = "HTTP/1.1";
      override flushHeaders(): Promise<void> {
        calls.push("flushHeaders");
        return super.flushHeaders();
      }
      async do_GET(): Promise<void> {
        this.sendResponse(204);
      }
    }
    await withServer(Unended, async ({ port }) => {
      const r = await rawRequest(port, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
      assert.match(r.data.toString("latin1"), /^HTTP\/1\.1 204 No Content\r\nServer: /);
    });
    assert.deepEqual(calls, ["flushHeaders"]);
  });

  it("sendHead() copes with a sendError() override that returns nothing (a 404 is still a 404, nothing reported)", async () => {
    const dir = tempDir();
    class Careless extends SimpleHTTPRequestHandler {
      override logMessage(): void {}
      // Written as a Python user would: no return, no await.
      override sendError(code: number, message?: string): Promise<void> {
        void super.sendError(code, message);
        return undefined as unknown as Promise<void>;
      }
    }
    try {
      await withServer(Careless.withOptions({ directory: dir }), async ({ port, errors }) => {
        const missing = await request(port, "GET", "/nothing-here");
        assert.equal(missing.status, 404);
        writeFileSync(path.join(dir, "here.txt"), "here\n");
        const found = await request(port, "GET", "/here.txt");
        assert.equal(found.status, 200);
        assert.equal(found.body.toString(), "here\n");
        assert.deepEqual(errors, []);
      });
    } finally {
      removeDir(dir);
    }
  });

  it("guessType() is asked before the file is opened, as CPython's send_head does (once per 200 and per 304)", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "a.txt"), "a");
    const asked: string[] = [];
    class Typed extends SimpleHTTPRequestHandler {
      override logMessage(): void {}
      override guessType(p: string): string {
        asked.push(path.basename(p));
        return "text/x-test";
      }
    }
    const server = await startServer(dir, { Handler: Typed });
    try {
      const r = await request(server.port, "GET", "/a.txt");
      assert.equal(r.header("Content-type"), "text/x-test");
      const date = r.header("Last-Modified") ?? "";
      const again = await request(server.port, "GET", "/a.txt", [`If-Modified-Since: ${date}`]);
      assert.equal(again.status, 304);
      assert.deepEqual(asked, ["a.txt", "a.txt"]);
    } finally {
      await server.close();
      removeDir(dir);
    }
  });

  it("rawRequestline keeps the last request's line once the client has gone (as CPython's attribute does)", async () => {
    const lines: string[] = [];
    class Remembering extends BaseHTTPRequestHandler {
      override logMessage(): void {}
      override protocolVersion = "HTTP/1.1";
      async do_GET(): Promise<void> {
        this.sendResponse(204);
        await this.endHeaders();
      }
      override async finish(): Promise<void> {
        lines.push(this.rawRequestline.toString("latin1"));
        await super.finish();
      }
    }
    await withServer(Remembering, async ({ port }) => {
      const r = await rawRequest(port, "GET /last HTTP/1.1\r\nHost: h\r\n\r\n", { halfClose: true });
      assert.ok(r.closed);
    });
    assert.deepEqual(lines, ["GET /last HTTP/1.1\r\n"]);
  });
});
