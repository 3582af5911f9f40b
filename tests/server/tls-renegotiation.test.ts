/**
 * Client-initiated TLS renegotiation (TLS 1.2; TLS 1.3 has none) costs the
 * server a handshake each time: it is refused outright and the connection
 * closed, as nginx does. Issue 10, item 4.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import tls from "node:tls";
import { BaseHTTPRequestHandler, ThreadingHTTPSServer } from "../../src/index.js";
import { makeFixture, type Fixture } from "../helpers/tls.js";

let fx: Fixture;
before(() => {
  fx = makeFixture();
});
after(() => fx.rm());

class OkHandler extends BaseHTTPRequestHandler {
  override protocolVersion = "HTTP/1.1";
  override logMessage(): void {}
  async do_GET(): Promise<void> {
    this.sendResponse(200);
    this.sendHeader("Content-Length", 2);
    await this.endHeaders();
    await this.wfile.write("ok");
  }
}

interface Outcome {
  readonly renegotiated: boolean;
  readonly closed: boolean;
  readonly reply: string;
}

/** Connects with TLS 1.2, asks for a renegotiation, then sends a request: what happened. */
function renegotiateThenRequest(port: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const sock = tls.connect({ host: "127.0.0.1", port, maxVersion: "TLSv1.2", rejectUnauthorized: false });
    let renegotiated = false;
    let reply = "";
    let closed = false;
    const finish = (): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ renegotiated, closed, reply });
    };
    const timer = setTimeout(finish, 3000);
    sock.on("error", () => {});
    sock.on("data", (d: Buffer) => {
      reply += d.toString("latin1");
      if (reply.endsWith("ok")) finish();
    });
    sock.on("close", () => {
      closed = true;
      finish();
    });
    sock.once("secureConnect", () => {
      const started = sock.renegotiate({ rejectUnauthorized: false }, (err) => {
        renegotiated = err === null || err === undefined;
        if (!sock.destroyed) sock.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      });
      if (!started) finish();
    });
  });
}

describe("TLS renegotiation", () => {
  it("a client-initiated renegotiation closes the connection: no request is served after it", async () => {
    const server = new ThreadingHTTPSServer(["127.0.0.1", 0], OkHandler, { certfile: fx.combined });
    await server.ready;
    const serving = server.serveForever(0.05);
    try {
      const outcome = await renegotiateThenRequest(server.serverPort);
      assert.equal(outcome.renegotiated, false, "the renegotiation did not complete");
      assert.equal(outcome.closed, true, "the server closed the connection");
      assert.doesNotMatch(outcome.reply, /HTTP\/1\.1 200/);
      // The server goes on: a fresh connection is served.
      const fresh = await new Promise<string>((resolve) => {
        const s = tls.connect({ host: "127.0.0.1", port: server.serverPort, rejectUnauthorized: false }, () => s.write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        let got = "";
        s.on("data", (d: Buffer) => (got += d.toString("latin1")));
        s.on("close", () => resolve(got));
        s.on("error", () => {});
      });
      assert.match(fresh, /^HTTP\/1\.1 200 OK\r\n/);
    } finally {
      await server.shutdown();
      await serving;
      server.closeAllConnections();
      await server.serverClose();
    }
  });
});
