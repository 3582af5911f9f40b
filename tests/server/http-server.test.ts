// The socketserver lifecycle of HTTPServer / ThreadingHTTPServer.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import net, { type Socket } from "node:net";
import { BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer, type ClientAddress } from "../../src/index.js";
import { QuietHandler, sleep, withServer } from "../helpers/server.js";
import { RawConnection, rawRequest } from "../helpers/raw-client.js";
import { parseResponse, parseResponses } from "../helpers/http-response.js";

class Hello extends QuietHandler {
  async do_GET(): Promise<void> {
    const body = Buffer.from(`hello ${this.clientAddress[0]} ${this.server.serverPort}`);
    this.sendResponse(200);
    this.sendHeader("Content-Length", body.length);
    await this.endHeaders();
    await this.wfile.write(body);
  }
}
class Hello11 extends Hello {}
Hello11.prototype.protocolVersion = "HTTP/1.1";

const GET10 = "GET / HTTP/1.0\r\n\r\n";

function connectFails(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.once("connect", () => {
      s.destroy();
      resolve(false);
    });
    s.once("error", () => resolve(true));
  });
}

describe("binding", () => {
  it("binds once the constructors have returned, so a subclass's own fields are used (requestQueueSize as a class field)", async () => {
    let seen = 0;
    class Small extends HTTPServer {
      override requestQueueSize = 5;
      override async serverBind(): Promise<void> {
        seen = this.requestQueueSize;
        await super.serverBind();
      }
    }
    const server = new Small(["127.0.0.1", 0], Hello);
    try {
      await server.ready;
      assert.equal(seen, 5);
      assert.ok(server.serverPort > 0);
    } finally {
      await server.serverClose();
    }
  });

  it("serverClose() right after construction binds nothing: ready settles, no port is left open", async () => {
    const server = new HTTPServer(["127.0.0.1", 0], Hello);
    await server.serverClose();
    await server.ready;
    assert.equal(server.serverPort, 0);
    assert.equal(server.listener.listening, false);
  });

  it("port 0 gives a real port before serving; connections made early wait in the backlog", async () => {
    const server = new HTTPServer(["127.0.0.1", 0], Hello);
    try {
      await server.ready;
      assert.ok(server.serverPort > 0);
      assert.deepEqual(server.serverAddress, ["127.0.0.1", server.serverPort]);
      assert.equal(server.serverName, "localhost");
      const early = rawRequest(server.serverPort, GET10);
      await sleep(100);
      const serving = server.serveForever(0.05);
      const r = await early;
      assert.equal(parseResponse(r.data, { closed: true }).body.toString(), `hello 127.0.0.1 ${server.serverPort}`);
      await server.shutdown();
      await serving;
    } finally {
      await server.serverClose();
    }
  });

  it("HTTPServer.create() resolves once listening; a busy port rejects", async () => {
    const a = await ThreadingHTTPServer.create(["127.0.0.1", 0], Hello);
    try {
      assert.ok(a instanceof ThreadingHTTPServer);
      const b = new HTTPServer(["127.0.0.1", a.serverPort], Hello);
      await assert.rejects(b.ready, (err: NodeJS.ErrnoException) => err.code === "EADDRINUSE");
      await b.serverClose();
    } finally {
      await a.serverClose();
    }
  });

  it("IPv6 ::1", () =>
    withServer(Hello, async ({ port, server }) => {
      assert.equal(server.serverAddress[0], "::1");
      const r = await rawRequest(port, GET10, { host: "::1" });
      assert.equal(parseResponse(r.data, { closed: true }).body.toString(), `hello ::1 ${port}`);
    }, { host: "::1" }));

  it("`::` is dual-stack: reachable over IPv4 and IPv6", () =>
    withServer(Hello, async ({ port }) => {
      const v4 = await rawRequest(port, GET10, { host: "127.0.0.1" });
      assert.match(parseResponse(v4.data, { closed: true }).body.toString(), /^hello (::ffff:)?127\.0\.0\.1 /);
      const v6 = await rawRequest(port, GET10, { host: "::1" });
      assert.equal(parseResponse(v6.data, { closed: true }).body.toString(), `hello ::1 ${port}`);
    }, { host: "::" }));
});

describe("serving", () => {
  it("serveForever() settles after shutdown(); serviceActions() runs every poll", async () => {
    let actions = 0;
    class Counting extends ThreadingHTTPServer {
      override serviceActions(): void {
        actions++;
      }
    }
    const server = await Counting.create(["127.0.0.1", 0], Hello);
    try {
      let settled = false;
      const serving = server.serveForever(0.02).then(() => {
        settled = true;
      });
      await sleep(300);
      assert.ok(actions >= 5, `serviceActions ran ${actions} times`);
      assert.equal(settled, false);
      await assert.rejects(server.serveForever(0.02), /already running/);
      await server.shutdown();
      await sleep(0);
      assert.equal(settled, true);
      await serving;
      const after = actions;
      await sleep(100);
      assert.equal(actions, after, "no polling after shutdown");
    } finally {
      await server.serverClose();
    }
  });

  it("a throwing serviceActions() is reported and serving goes on", async () => {
    class Bad extends ThreadingHTTPServer {
      override serviceActions(): void {
        throw new Error("poll failed");
      }
    }
    const server = await Bad.create(["127.0.0.1", 0], Hello);
    const original = process.stderr.write;
    let text = "";
    process.stderr.write = ((chunk: string) => ((text += chunk), true)) as typeof process.stderr.write;
    try {
      const serving = server.serveForever(0.02);
      await sleep(100);
      const r = await rawRequest(server.serverPort, GET10);
      assert.equal(parseResponse(r.data, { closed: true }).status, 200);
      await server.shutdown();
      await serving;
    } finally {
      process.stderr.write = original;
      await server.serverClose();
    }
    assert.ok(text.includes("poll failed"));
  });

  it("handleRequest() serves exactly one connection", async () => {
    const server = await HTTPServer.create(["127.0.0.1", 0], Hello);
    try {
      const first = rawRequest(server.serverPort, GET10);
      const second = RawConnection.connect(server.serverPort).then((c) => {
        c.write(GET10);
        return c;
      });
      await server.handleRequest();
      assert.equal(parseResponse((await first).data, { closed: true }).status, 200);
      const c = await second;
      await sleep(150);
      assert.equal(c.received.length, 0, "the second connection waits for the next handleRequest()");
      await server.handleRequest();
      assert.ok(await c.waitClose());
      assert.equal(parseResponse(c.received, { closed: true }).status, 200);
      c.destroy();
    } finally {
      await server.serverClose();
    }
  });

  it("handleTimeout() is called when `timeout` passes without a connection", async () => {
    let timeouts = 0;
    class Timing extends HTTPServer {
      override handleTimeout(): void {
        timeouts++;
      }
    }
    const server = await Timing.create(["127.0.0.1", 0], Hello);
    try {
      server.timeout = 0.1;
      const t0 = Date.now();
      await server.handleRequest();
      const took = Date.now() - t0;
      assert.equal(timeouts, 1);
      assert.ok(took >= 80 && took < 2000, `took ${took} ms`);
      // With a connection waiting, no timeout.
      const r = rawRequest(server.serverPort, GET10);
      await sleep(50);
      await server.handleRequest();
      assert.equal(timeouts, 1);
      assert.equal(parseResponse((await r).data, { closed: true }).status, 200);
    } finally {
      await server.serverClose();
    }
  });

  it("verifyRequest() returning false closes the connection before any byte is read", async () => {
    let handlers = 0;
    let verified: ClientAddress | null = null;
    class Counting extends Hello {
      constructor(...args: ConstructorParameters<typeof BaseHTTPRequestHandler>) {
        super(...args);
        handlers++;
      }
    }
    class Refusing extends ThreadingHTTPServer {
      override verifyRequest(_request: Socket, clientAddress: ClientAddress): boolean {
        verified = clientAddress;
        return false;
      }
    }
    await withServer(Counting, async ({ port }) => {
      const r = await rawRequest(port, GET10);
      assert.ok(r.closed);
      assert.equal(r.data.length, 0);
      assert.equal(handlers, 0);
      assert.equal((verified as ClientAddress | null)?.[0], "127.0.0.1");
    }, { ServerClass: Refusing });
  });

  it("a verifyRequest() that throws or rejects refuses that connection, reports it, and the server goes on", async () => {
    let calls = 0;
    class Throwing extends ThreadingHTTPServer {
      override verifyRequest(): boolean | Promise<boolean> {
        calls++;
        if (calls === 1) throw new Error("verify exploded");
        if (calls === 2) return Promise.reject(new Error("verify rejected"));
        return true;
      }
    }
    await withServer(Hello, async ({ port, errors }) => {
      for (let i = 0; i < 2; i++) {
        const r = await rawRequest(port, GET10);
        assert.ok(r.closed);
        assert.equal(r.data.length, 0, "nothing is answered on a refused connection");
      }
      assert.equal(parseResponse((await rawRequest(port, GET10)).data, { closed: true }).status, 200);
      assert.deepEqual(errors.map((e) => (e as Error).message), ["verify exploded", "verify rejected"]);
    }, { ServerClass: Throwing });
  });

  it("an async verifyRequest() is awaited", async () => {
    class Async extends ThreadingHTTPServer {
      override async verifyRequest(): Promise<boolean> {
        await sleep(20);
        return true;
      }
    }
    await withServer(Hello, async ({ port }) => {
      assert.equal(parseResponse((await rawRequest(port, GET10)).data, { closed: true }).status, 200);
    }, { ServerClass: Async });
  });

  it("serverClose() stops listening, closes idle keep-alive connections and waits for requests in progress", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    class Slow extends Hello11 {
      async do_SLOW(): Promise<void> {
        await gate;
        this.sendResponse(200);
        this.sendHeader("Content-Length", 4);
        await this.endHeaders();
        await this.wfile.write("slow");
      }
    }
    const server = await ThreadingHTTPServer.create(["127.0.0.1", 0], Slow);
    const port = server.serverPort;
    const serving = server.serveForever(0.05);
    const idle = await RawConnection.connect(port);
    idle.write("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    await idle.readUntil((d) => parseResponses(d).responses.length === 1);
    const busy = await RawConnection.connect(port);
    busy.write("SLOW / HTTP/1.1\r\nHost: h\r\n\r\n");
    await sleep(50);
    await server.shutdown();
    await serving;
    let closed = false;
    const closing = server.serverClose().then(() => (closed = true));
    assert.ok(await idle.waitClose(2000), "idle keep-alive connection closed");
    assert.ok(await connectFails(port), "no longer listening");
    await sleep(50);
    assert.equal(closed, false, "waits for the request in progress");
    release();
    await closing;
    assert.ok(await busy.waitClose(2000));
    const res = parseResponse(busy.received, { closed: true });
    assert.equal(res.body.toString(), "slow");
    idle.destroy();
    busy.destroy();
  });

  it("`await using` closes the server at the end of the block", async () => {
    let port = 0;
    {
      await using server = await ThreadingHTTPServer.create(["127.0.0.1", 0], Hello);
      port = server.serverPort;
      void server.serveForever(0.05);
      assert.equal(parseResponse((await rawRequest(port, GET10)).data, { closed: true }).status, 200);
    }
    assert.ok(await connectFails(port));
  });
});

describe("one connection at a time vs all at once", () => {
  async function scenario(threading: boolean): Promise<{ answeredWhileFirstOpen: boolean; answeredAfterClose: boolean }> {
    return withServer(Hello11, async ({ port }) => {
      const a = await RawConnection.connect(port);
      a.write("GET /a HTTP/1.1\r\nHost: h\r\n\r\n");
      await a.readUntil((d) => parseResponses(d).responses.length === 1);
      const b = await RawConnection.connect(port);
      b.write("GET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
      await b.wait((c) => c.received.length > 0, 1000);
      const answeredWhileFirstOpen = b.received.length > 0;
      a.destroy();
      await b.waitClose(3000);
      const answeredAfterClose = parseResponses(b.received, { closed: true }).responses.length === 1;
      b.destroy();
      return { answeredWhileFirstOpen, answeredAfterClose };
    }, { threading });
  }

  it("HTTPServer: a second client waits until the first connection ends", async () => {
    assert.deepEqual(await scenario(false), { answeredWhileFirstOpen: false, answeredAfterClose: true });
  });

  it("ThreadingHTTPServer: both clients are served at once", async () => {
    assert.deepEqual(await scenario(true), { answeredWhileFirstOpen: true, answeredAfterClose: true });
  });

  it("ThreadingHTTPServer runs slow handlers concurrently", async () => {
    class Slow extends QuietHandler {
      async do_GET(): Promise<void> {
        await sleep(500);
        this.sendResponse(204);
        await this.endHeaders();
      }
    }
    await withServer(Slow, async ({ port }) => {
      const t0 = Date.now();
      const rs = await Promise.all([1, 2, 3, 4].map(() => rawRequest(port, GET10)));
      const took = Date.now() - t0;
      for (const r of rs) assert.equal(parseResponse(r.data, { closed: true }).status, 204);
      assert.ok(took < 1800, `took ${took} ms (one after another would be 2000)`);
    });
  });
});

describe("the handler's lifecycle", () => {
  it("one instance per connection: setup(), handle() over every request, finish()", async () => {
    const events: string[] = [];
    let instances = 0;
    class Traced extends Hello11 {
      readonly id = ++instances;
      override async setup(): Promise<void> {
        events.push(`setup ${this.id}`);
        await super.setup();
      }
      override async handleOneRequest(): Promise<void> {
        await super.handleOneRequest();
        if (this.command) events.push(`request ${this.id} ${this.path}`);
      }
      override async finish(): Promise<void> {
        events.push(`finish ${this.id}`);
        await super.finish();
      }
    }
    await withServer(Traced, async ({ port }) => {
      await rawRequest(port, "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
      await rawRequest(port, GET10);
      await sleep(20);
    });
    assert.deepEqual(events, ["setup 1", "request 1 /1", "request 1 /2", "finish 1", "setup 2", "request 2 /", "finish 2"]);
  });

  it("the handler sees the server's name, port and address", async () => {
    let seen: unknown = null;
    class Peek extends QuietHandler {
      async do_GET(): Promise<void> {
        seen = [this.server.serverName, this.server.serverPort, [...this.server.serverAddress], this.request.localPort];
        await this.sendError(204);
      }
    }
    await withServer(Peek, async ({ port }) => {
      await rawRequest(port, GET10);
      assert.deepEqual(seen, ["localhost", port, ["127.0.0.1", port], port]);
    });
  });
});
