/**
 * What a TLS port meets besides good clients: stalled handshakes (which must
 * never delay others, and end at the deadline), plain HTTP, garbage, resets;
 * none may crash the server or leak a connection.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import tls, { type TLSSocket } from "node:tls";
import { BaseHTTPRequestHandler, HTTPSServer, ThreadingHTTPSServer } from "../../src/index.js";
import { closeOf, httpsRequest, makeFixture, rawConnect, type Fixture } from "../helpers/tls.js";

let fx: Fixture;
let ca: Buffer;
before(() => {
  fx = makeFixture();
  ca = readFileSync(fx.cert);
});
after(() => fx.rm());

class OkHandler extends BaseHTTPRequestHandler {
  override protocolVersion = "HTTP/1.1";
  override logMessage(): void {}
  async do_GET(): Promise<void> {
    // A response that comes a while after the request (the client may have ended its side by then).
    if (this.path === "/slow") await new Promise((r) => setTimeout(r, 150));
    this.sendResponse(200);
    this.sendHeader("Content-Length", 2);
    await this.endHeaders();
    await this.wfile.write("ok");
  }
}

/** Records the handshake failures it sees. */
class RecordingServer extends ThreadingHTTPSServer {
  readonly failures: string[] = [];
  override handleTlsClientError(error: Error): void {
    this.failures.push((error as NodeJS.ErrnoException).code ?? error.message);
  }
}

/** A short deadline, so that the test of it is quick. */
class QuickDeadlineServer extends RecordingServer {}
QuickDeadlineServer.prototype.handshakeTimeout = 0.5;

async function start<T extends HTTPSServer>(Server: new (a: readonly [string, number], h: typeof OkHandler, o: { certfile: string }) => T): Promise<T> {
  const server = new Server(["127.0.0.1", 0], OkHandler, { certfile: fx.combined });
  await server.ready;
  void server.serveForever(0.05);
  return server;
}

async function stop(server: HTTPSServer): Promise<void> {
  await server.shutdown();
  server.closeAllConnections();
  await server.serverClose();
}

function openConnections(server: HTTPSServer): Promise<number> {
  return new Promise((resolve, reject) => server.listener.getConnections((err, n) => (err ? reject(err) : resolve(n))));
}

async function waitFor(cond: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cond();
}

/** The first bytes of a TLS ClientHello record: a handshake that began and stalled. */
const PARTIAL_HELLO = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);

describe("stalled handshakes", () => {
  for (const Server of [ThreadingHTTPSServer, HTTPSServer]) {
    it(`do not delay other clients (${Server.name})`, async () => {
      const server = await start(Server);
      const stalled = [];
      try {
        for (let i = 0; i < 4; i++) stalled.push(await rawConnect(server.serverPort)); // connected, nothing sent
        for (let i = 0; i < 4; i++) {
          const s = await rawConnect(server.serverPort);
          s.write(PARTIAL_HELLO); // a handshake begun and abandoned
          stalled.push(s);
        }
        for (const s of stalled) s.on("error", () => {});
        const t0 = Date.now();
        const r = await httpsRequest(server.serverPort, "/", ca);
        const ms = Date.now() - t0;
        assert.equal(r.status, 200);
        assert.equal(r.body, "ok");
        assert.ok(ms < 1500, `served in ${ms} ms while 8 handshakes stalled`);
        assert.ok(stalled.every((s) => !s.destroyed), "the stalled connections are still open: the server did not wait them out");
      } finally {
        for (const s of stalled) s.destroy();
        await stop(server);
      }
    });
  }

  it("are closed at the handshake deadline, reported to handleTlsClientError, and not leaked", async () => {
    const server = await start(QuickDeadlineServer);
    try {
      assert.equal(server.handshakeTimeout, 0.5);
      const quiet = await rawConnect(server.serverPort);
      const begun = await rawConnect(server.serverPort);
      begun.write(PARTIAL_HELLO);
      const [a, b] = await Promise.all([closeOf(quiet), closeOf(begun)]);
      for (const c of [a, b]) {
        assert.ok(c.ms >= 300 && c.ms < 3000, `closed after ${c.ms} ms (deadline 500 ms)`);
      }
      assert.ok(await waitFor(async () => (await openConnections(server)) === 0, 2000), "no connection left open");
      assert.deepEqual(server.failures, ["ERR_TLS_HANDSHAKE_TIMEOUT", "ERR_TLS_HANDSHAKE_TIMEOUT"]);
      assert.equal((await httpsRequest(server.serverPort, "/", ca)).status, 200);
    } finally {
      await stop(server);
    }
  });

  it("end at once when the client gives up (FIN) during the handshake, not at the deadline", async () => {
    const server = await start(RecordingServer);
    try {
      const s = await rawConnect(server.serverPort);
      const c = closeOf(s);
      s.write(PARTIAL_HELLO);
      s.end();
      const { ms } = await c;
      assert.ok(ms < 1000, `closed after ${ms} ms (the deadline is 10 s)`);
      assert.ok(await waitFor(async () => (await openConnections(server)) === 0, 1000), "no connection left open");
      assert.deepEqual(server.failures, ["ECONNRESET"]);
    } finally {
      await stop(server);
    }
  });

  it("have a 10 s deadline by default", () => {
    assert.equal(HTTPSServer.prototype.handshakeTimeout, 10);
    assert.equal(ThreadingHTTPSServer.prototype.handshakeTimeout, 10);
  });

  it("do not hold up serverClose()", async () => {
    const server = await start(ThreadingHTTPSServer);
    const s = await rawConnect(server.serverPort);
    s.on("error", () => {});
    const closed = closeOf(s);
    await waitFor(async () => (await openConnections(server)) === 1, 1000);
    const t0 = Date.now();
    await server.shutdown();
    await server.serverClose();
    const ms = Date.now() - t0;
    assert.ok(ms < 2000, `serverClose() took ${ms} ms with a handshake pending (its deadline is 10 s)`);
    await closed;
  });
});

describe("half-close over TLS", () => {
  it("a client that ends its sending side after the request still reads the response", async () => {
    const server = await start(ThreadingHTTPSServer);
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const options = { host: "127.0.0.1", port: server.serverPort, ca, allowHalfOpen: true } as tls.ConnectionOptions; // allowHalfOpen reaches the socket, though untyped
        const c = tls.connect(options, () => {
          c.end("GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        });
        let got = "";
        c.on("data", (d: Buffer) => (got += d.toString("latin1")));
        c.on("end", () => resolve(got));
        c.on("error", reject);
      });
      assert.match(reply, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nok$/);
    } finally {
      await stop(server);
    }
  });
});

describe("what is not TLS", () => {
  it("plain HTTP gets a clean close (no reset, no bytes) and the server goes on", async () => {
    const server = await start(RecordingServer);
    try {
      for (let i = 0; i < 3; i++) {
        const s = await rawConnect(server.serverPort);
        const end = closeOf(s);
        s.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        const c = await end;
        assert.equal(c.error, null, "closed without a reset");
        assert.equal(c.data.length, 0, `received ${JSON.stringify(c.data.toString("latin1"))}`);
      }
      assert.deepEqual(server.failures, ["ERR_SSL_HTTP_REQUEST", "ERR_SSL_HTTP_REQUEST", "ERR_SSL_HTTP_REQUEST"]);
      assert.ok(await waitFor(async () => (await openConnections(server)) === 0, 2000), "no connection left open");
      const r = await httpsRequest(server.serverPort, "/", ca);
      assert.equal(r.status, 200);
    } finally {
      await stop(server);
    }
  });

  it("garbage, an abrupt reset mid-handshake and a large plain request do not crash it", async () => {
    const server = await start(RecordingServer);
    try {
      const garbage = await rawConnect(server.serverPort);
      const g = closeOf(garbage);
      garbage.write(Buffer.from("\x00\x01\x02\xff\xfe binary junk \r\n\r\n", "latin1"));
      await g;

      const reset = await rawConnect(server.serverPort);
      reset.on("error", () => {});
      reset.write(PARTIAL_HELLO);
      await new Promise((r) => setTimeout(r, 50));
      reset.resetAndDestroy();

      const big = await rawConnect(server.serverPort);
      const b = closeOf(big);
      big.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n${"x".repeat(200000)}`);
      await b;

      assert.ok(await waitFor(() => server.failures.length === 3, 2000), `failures: ${server.failures.join(", ")}`);
      assert.ok(await waitFor(async () => (await openConnections(server)) === 0, 2000), "no connection left open");
      assert.equal((await httpsRequest(server.serverPort, "/", ca)).status, 200);
    } finally {
      await stop(server);
    }
  });

  it("a throwing handleTlsClientError is reported and the connection still closed", async () => {
    class Throwing extends ThreadingHTTPSServer {
      override handleTlsClientError(_error: Error, _socket: TLSSocket): void {
        throw new Error("hook exploded");
      }
    }
    const server = await start(Throwing);
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      written.push(String(chunk));
      return String(chunk).includes("hook exploded") || (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    try {
      const s = await rawConnect(server.serverPort);
      const c = closeOf(s);
      s.write("GET / HTTP/1.0\r\n\r\n");
      await c;
      assert.ok(written.some((w) => w.includes("handleTlsClientError() failed") && w.includes("hook exploded")), written.join(""));
      assert.equal((await httpsRequest(server.serverPort, "/", ca)).status, 200);
    } finally {
      process.stderr.write = write;
      await stop(server);
    }
  });
});
