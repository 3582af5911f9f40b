// withOptions() shares one frozen options object between connections, and
// copyfile() takes its one-write shortcut only for a plain BufferSource.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Socket } from "node:net";
import { SimpleHTTPRequestHandler, type SimpleHandlerOptions } from "../../src/handlers/simple-handler.js";
import { BufferSource, type BodySource } from "../../src/files/body-source.js";
import type { ClientAddress, RequestServer } from "../../src/server/request-server.js";
import { withServer } from "../helpers/server.js";
import { QuietHandler, removeDir, startServer, tempDir } from "../helpers/file-server.js";
import { request } from "../helpers/raw-client.js";

describe("withOptions() and copyfile()", () => {
  let root = "";
  before(() => {
    root = tempDir();
    writeFileSync(path.join(root, "hello.txt"), "hello\n");
  });
  after(() => removeDir(root));

  it("withOptions() binds a frozen copy: the caller's object is untouched, every connection sees the same options", async () => {
    const given: SimpleHandlerOptions = { directory: root, extraResponseHeaders: [["X-Bound", "1"]] };
    const seen: SimpleHandlerOptions[] = [];
    class Spy extends QuietHandler {
      constructor(request: Socket, clientAddress: ClientAddress, server: RequestServer, options?: SimpleHandlerOptions) {
        super(request, clientAddress, server, options);
        if (options) seen.push(options);
      }
    }
    const Bound = Spy.withOptions(given);
    await withServer(Bound, async ({ port }) => {
      for (let i = 0; i < 2; i++) {
        const r = await request(port, "GET", "/hello.txt");
        assert.equal(r.status, 200);
        assert.equal(r.header("X-Bound"), "1");
        assert.equal(r.body.toString(), "hello\n");
      }
    });
    assert.equal(seen.length, 2);
    assert.ok(seen.every((o) => Object.isFrozen(o)), "the bound options are frozen");
    assert.equal(seen[0], seen[1], "one object for every connection");
    assert.equal(Object.isFrozen(given), false, "the caller's object is not frozen");
  });

  it("copyfile() reads through a BufferSource subclass that overrides read()", async () => {
    class Upper extends BufferSource {
      override async read(max: number): Promise<Buffer> {
        const b = await super.read(Math.min(max, 3));
        return Buffer.from(b.toString("latin1").toUpperCase(), "latin1");
      }
    }
    class H extends QuietHandler {
      override async sendHead(): Promise<BodySource | null> {
        this.sendResponse(200);
        this.sendHeader("Content-Length", 8);
        await this.endHeaders();
        return new Upper(Buffer.from("abcdefgh"));
      }
    }
    const server = await startServer(root, { Handler: H });
    try {
      const r = await request(server.port, "GET", "/anything");
      assert.equal(r.status, 200);
      assert.equal(r.body.toString(), "ABCDEFGH");
    } finally {
      await server.close();
    }
  });

  it("a plain BufferSource body arrives whole", async () => {
    class H extends QuietHandler {
      override async sendHead(): Promise<BodySource | null> {
        const body = Buffer.alloc(300 * 1024, 0x61);
        this.sendResponse(200);
        this.sendHeader("Content-Length", body.length);
        await this.endHeaders();
        return new BufferSource(body);
      }
    }
    const server = await startServer(root, { Handler: H });
    try {
      const r = await request(server.port, "GET", "/x");
      assert.equal(r.body.length, 300 * 1024);
      assert.ok(r.body.every((b) => b === 0x61));
    } finally {
      await server.close();
    }
  });
});
