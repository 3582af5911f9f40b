/**
 * HTTPSServer and ThreadingHTTPSServer as a library: construction and its
 * errors (before any port is bound), the options, what handlers see.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import https from "node:https";
import net from "node:net";
import { TLSSocket } from "node:tls";
import {
  BaseHTTPRequestHandler,
  HTTPSServer,
  SimpleHTTPRequestHandler,
  TLSConfigError,
  ThreadingHTTPSServer,
  type HTTPSServerOptions,
  type TLSConfigErrorCode,
} from "../../src/index.js";
import { PASSWORD, httpsRequest, makeFixture, wrongPassword, type Fixture } from "../helpers/tls.js";

let fx: Fixture;
let ca: Buffer;
before(() => {
  fx = makeFixture();
  ca = readFileSync(fx.cert);
});
after(() => fx.rm());

/** Answers with what the handler sees of its connection, as JSON. */
class InfoHandler extends BaseHTTPRequestHandler {
  override protocolVersion = "HTTP/1.1";
  override logMessage(): void {}
  async do_GET(): Promise<void> {
    const secure = this.request instanceof TLSSocket;
    const body = Buffer.from(
      JSON.stringify({
        secure,
        encrypted: "encrypted" in this.request && (this.request as TLSSocket).encrypted,
        alpn: secure ? (this.request as TLSSocket).alpnProtocol : null,
        tlsVersion: secure ? (this.request as TLSSocket).getProtocol() : null,
        clientPort: this.clientAddress[1],
        path: this.path,
      }),
    );
    this.sendResponse(200);
    this.sendHeader("Content-Type", "application/json");
    this.sendHeader("Content-Length", body.length);
    await this.endHeaders();
    await this.wfile.write(body);
  }
  /** Echoes the body back: rfile and wfile over TLS. */
  async do_POST(): Promise<void> {
    const body = await this.rfile.readAll(64 * 1024 * 1024);
    this.sendResponse(200);
    this.sendHeader("Content-Length", body.length);
    await this.endHeaders();
    await this.wfile.write(body);
  }
}

async function serving(options: HTTPSServerOptions, Server: typeof HTTPSServer = ThreadingHTTPSServer): Promise<HTTPSServer> {
  const server = new Server(["127.0.0.1", 0], InfoHandler, options);
  await server.ready;
  void server.serveForever(0.05);
  return server;
}

async function stop(server: HTTPSServer): Promise<void> {
  await server.shutdown();
  server.closeAllConnections();
  await server.serverClose();
}

/** A port free right now. */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Resolves once `port` can be bound (so nothing holds it). */
async function assertPortFree(port: number): Promise<void> {
  const s = net.createServer();
  await new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.listen(port, "127.0.0.1", resolve);
  });
  await new Promise<void>((r) => s.close(() => r()));
}

describe("HTTPSServer construction", () => {
  it("serves with a certificate and a key file; the handler sees a secure connection", async () => {
    const server = await serving({ certfile: fx.cert, keyfile: fx.key });
    try {
      assert.ok(server.serverPort > 0);
      assert.equal(server.certfile, fx.cert);
      assert.equal(server.keyfile, fx.key);
      assert.deepEqual(server.alpnProtocols, ["http/1.1"]);
      const r = await httpsRequest(server.serverPort, "/x?y=1", ca);
      assert.equal(r.status, 200);
      const info = JSON.parse(r.body) as Record<string, unknown>;
      assert.equal(info["secure"], true);
      assert.equal(info["encrypted"], true);
      assert.equal(info["alpn"], "http/1.1");
      assert.match(String(info["tlsVersion"]), /^TLSv1\.[23]$/);
      assert.equal(info["path"], "/x?y=1");
      assert.equal(r.alpn, "http/1.1");
    } finally {
      await stop(server);
    }
  });

  it("takes the key from the certificate file when no key file is given (combined PEM)", async () => {
    const server = await serving({ certfile: fx.combined });
    try {
      assert.equal(server.keyfile, null);
      const r = await httpsRequest(server.serverPort, "/", ca);
      assert.equal(r.status, 200);
    } finally {
      await stop(server);
    }
  });

  for (const [label, password] of [
    ["a string", PASSWORD],
    ["a function", () => PASSWORD],
  ] as const) {
    it(`decrypts an encrypted key with a password given as ${label}`, async () => {
      const server = await serving({ certfile: fx.cert, keyfile: fx.encKey, password });
      try {
        assert.equal((await httpsRequest(server.serverPort, "/", ca)).status, 200);
      } finally {
        await stop(server);
      }
    });
  }

  it("decrypts a key in OpenSSL's traditional encrypted format", async () => {
    const server = await serving({ certfile: fx.cert, keyfile: fx.encKeyTraditional, password: PASSWORD });
    try {
      assert.equal((await httpsRequest(server.serverPort, "/", ca)).status, 200);
    } finally {
      await stop(server);
    }
  });

  it("calls the password function only when the key is encrypted", async () => {
    let calls = 0;
    const server = new ThreadingHTTPSServer(["127.0.0.1", 0], InfoHandler, {
      certfile: fx.cert,
      keyfile: fx.key,
      password: () => {
        calls++;
        return "unused";
      },
    });
    await server.ready;
    await server.serverClose();
    assert.equal(calls, 0);
  });

  const failures: ReadonlyArray<readonly [string, () => HTTPSServerOptions, TLSConfigErrorCode, () => string, RegExp]> = [
    ["a missing certificate file", () => ({ certfile: fx.dir + "/nope.pem", keyfile: fx.key }), "ERR_TLS_CERT_UNREADABLE", () => fx.dir + "/nope.pem", /^cannot read TLS certificate file: \[Errno 2\] No such file or directory: '.*nope\.pem'$/],
    ["a directory as certificate", () => ({ certfile: fx.dir, keyfile: fx.key }), "ERR_TLS_CERT_UNREADABLE", () => fx.dir, /\[Errno 21\] Is a directory: /],
    ["a file that is no certificate", () => ({ certfile: fx.notPem, keyfile: fx.key }), "ERR_TLS_CERT_INVALID", () => fx.notPem, /not-pem\.txt holds no PEM certificate/],
    ["a key file given as the certificate", () => ({ certfile: fx.key }), "ERR_TLS_CERT_INVALID", () => fx.key, /key\.pem holds no PEM certificate/],
    ["a certificate without its key", () => ({ certfile: fx.cert }), "ERR_TLS_KEY_MISSING", () => fx.cert, /cert\.pem holds no private key, and no key file was given$/],
    ["a missing key file", () => ({ certfile: fx.cert, keyfile: fx.dir + "/nokey.pem" }), "ERR_TLS_KEY_UNREADABLE", () => fx.dir + "/nokey.pem", /^cannot read TLS key file: \[Errno 2\] No such file or directory: '.*nokey\.pem'$/],
    ["a key file without a key", () => ({ certfile: fx.cert, keyfile: fx.notPem }), "ERR_TLS_KEY_MISSING", () => fx.notPem, /TLS key file .*not-pem\.txt holds no PEM private key/],
    ["the key of another certificate", () => ({ certfile: fx.cert, keyfile: fx.otherKey }), "ERR_TLS_KEY_MISMATCH", () => fx.otherKey, /TLS key file .*other-key\.pem does not match the certificate in .*cert\.pem$/],
    ["an encrypted key without a password", () => ({ certfile: fx.cert, keyfile: fx.encKey }), "ERR_TLS_PASSWORD_REQUIRED", () => fx.encKey, /enc\.pem: the private key is encrypted and no password was given$/],
    ["an encrypted key with a wrong password", () => ({ certfile: fx.cert, keyfile: fx.encKey, password: wrongPassword(fx.encKey, "bad decrypt") }), "ERR_TLS_BAD_PASSWORD", () => fx.encKey, /enc\.pem: wrong password for the private key \(bad decrypt\)$/],
    ["a traditional encrypted key with a wrong password", () => ({ certfile: fx.cert, keyfile: fx.encKeyTraditional, password: () => wrongPassword(fx.encKeyTraditional, "bad decrypt") }), "ERR_TLS_BAD_PASSWORD", () => fx.encKeyTraditional, /enc-trad\.pem: wrong password for the private key \(bad decrypt\)$/],
    // The rare wrong password that decrypts to well-padded garbage (seen in CI, about 1 run in 200).
    ["an encrypted key with a wrong password that decrypts to garbage", () => ({ certfile: fx.cert, keyfile: fx.encKey, password: wrongPassword(fx.encKey, "garbled") }), "ERR_TLS_BAD_PASSWORD", () => fx.encKey, /enc\.pem: wrong password for the private key, or the key is damaged \(\w[^)]*\)$/],
    ["a traditional encrypted key with a wrong password that decrypts to garbage", () => ({ certfile: fx.cert, keyfile: fx.encKeyTraditional, password: wrongPassword(fx.encKeyTraditional, "garbled") }), "ERR_TLS_BAD_PASSWORD", () => fx.encKeyTraditional, /enc-trad\.pem: wrong password for the private key, or the key is damaged \(\w[^)]*\)$/],
    ["an empty ALPN protocol name", () => ({ certfile: fx.combined, alpnProtocols: [""] }), "ERR_TLS_ALPN_INVALID", () => "", /ALPN protocol names are 1 to 255 bytes: ''/],
  ];
  for (const [label, options, code, file, message] of failures) {
    it(`refuses ${label} with ${code}, before binding the port`, async () => {
      const port = await freePort();
      let thrown: unknown;
      try {
        new ThreadingHTTPSServer(["127.0.0.1", port], InfoHandler, options());
      } catch (err) {
        thrown = err;
      }
      assert.ok(thrown instanceof TLSConfigError, `expected a TLSConfigError, got ${String(thrown)}`);
      assert.equal(thrown.name, "TLSConfigError");
      assert.equal(thrown.code, code);
      assert.equal(thrown.file, file());
      assert.match(thrown.message, message);
      await assertPortFree(port);
    });
  }

  it("throws a TypeError when the password function returns no string", () => {
    assert.throws(
      () => new ThreadingHTTPSServer(["127.0.0.1", 0], InfoHandler, { certfile: fx.cert, keyfile: fx.encKey, password: (() => 42) as unknown as () => string }),
      { name: "TypeError", message: /must return a string, not number/ },
    );
  });

  it("throws a TypeError without certfile", () => {
    assert.throws(() => new ThreadingHTTPSServer(["127.0.0.1", 0], InfoHandler, {} as HTTPSServerOptions), { name: "TypeError", message: /certfile/ });
  });

  it("keeps no key or password once closed before binding: a later bind fails with a clear error", async () => {
    const server = new HTTPSServer(["127.0.0.1", 0], InfoHandler, { certfile: fx.combined }, false);
    await server.serverClose();
    await assert.rejects(server.serverBind(), { message: /no credentials left: it was closed before it bound/ });
  });

  it("does not bind when bindAndActivate is false", async () => {
    const port = await freePort();
    const server = new HTTPSServer(["127.0.0.1", port], InfoHandler, { certfile: fx.combined }, false);
    await server.ready;
    assert.equal(server.listener.listening, false);
    await assertPortFree(port);
    await server.serverClose();
  });
});

describe("HTTPSServer options and behaviour", () => {
  it("offers the ALPN protocols given, in the server's order", async () => {
    const server = await serving({ certfile: fx.combined, alpnProtocols: ["h2x", "http/1.1"] });
    try {
      assert.deepEqual(server.alpnProtocols, ["h2x", "http/1.1"]);
      const alpn = await new Promise<string | false | null>((resolve, reject) => {
        const agent = new https.Agent({ ca, ALPNProtocols: ["http/1.1", "h2x"] } as https.AgentOptions);
        const req = https.get({ host: "127.0.0.1", port: server.serverPort, path: "/", agent }, (res) => {
          res.resume();
          res.on("end", () => {
            agent.destroy();
            resolve((res.socket as TLSSocket).alpnProtocol);
          });
        });
        req.on("error", reject);
      });
      // The client will speak HTTP/1.1 anyway; what matters is that the server chose its first.
      assert.equal(alpn, "h2x");
    } finally {
      await stop(server);
    }
  });

  it("offers no ALPN with an empty list, and still serves clients that offer it", async () => {
    const server = await serving({ certfile: fx.combined, alpnProtocols: [] });
    try {
      const r = await httpsRequest(server.serverPort, "/", ca);
      assert.equal(r.status, 200);
      assert.equal(r.alpn, false);
      assert.equal((JSON.parse(r.body) as { alpn: unknown }).alpn, false);
    } finally {
      await stop(server);
    }
  });

  it("keeps a connection alive for several requests (Node's https agent)", async () => {
    const server = await serving({ certfile: fx.combined });
    let connections = 0;
    server.listener.on("secureConnection", () => connections++);
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const a = await httpsRequest(server.serverPort, "/one", ca, { agent });
      const b = await httpsRequest(server.serverPort, "/two", ca, { agent });
      assert.equal(a.status, 200);
      assert.equal(b.status, 200);
      assert.equal(a.reused, false);
      assert.equal(b.reused, true);
      assert.equal(a.localPort, b.localPort);
      assert.equal((JSON.parse(b.body) as { clientPort: number }).clientPort, b.localPort);
      assert.equal(connections, 1);
    } finally {
      agent.destroy();
      await stop(server);
    }
  });

  it("reads a large request body and writes it back (rfile and wfile over TLS)", async () => {
    const server = await serving({ certfile: fx.combined });
    try {
      const body = Buffer.alloc(3 * 1024 * 1024 + 17);
      for (let i = 0; i < body.length; i++) body[i] = (i * 31) & 0xff;
      const r = await new Promise<Buffer>((resolve, reject) => {
        const req = https.request({ host: "127.0.0.1", port: server.serverPort, path: "/", method: "POST", ca, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve(Buffer.concat(chunks)));
        });
        req.on("error", reject);
        req.end(body);
      });
      assert.equal(r.length, body.length);
      assert.ok(r.equals(body));
    } finally {
      await stop(server);
    }
  });

  it("serves a file and a listing with SimpleHTTPRequestHandler", async () => {
    const Handler = SimpleHTTPRequestHandler.withOptions({ directory: fx.www });
    Handler.prototype.logMessage = () => {};
    const server = new ThreadingHTTPSServer(["127.0.0.1", 0], Handler, { certfile: fx.cert, keyfile: fx.key });
    await server.ready;
    void server.serveForever(0.05);
    try {
      const file = await httpsRequest(server.serverPort, "/hello.txt", ca);
      assert.equal(file.status, 200);
      assert.equal(file.body, "hello over TLS\n");
      assert.equal(file.headers["content-type"], "text/plain; charset=utf-8");
      const listing = await httpsRequest(server.serverPort, "/", ca);
      assert.equal(listing.status, 200);
      assert.match(listing.body, /<title>Directory listing for \/<\/title>/);
      assert.match(listing.body, /<a href="hello\.txt">hello\.txt<\/a>/);
      assert.match(listing.body, /<a href="a%20b\.html">a b\.html<\/a>/);
      assert.match(listing.body, /<a href="sub\/">sub\/<\/a>/);
      const redirect = await httpsRequest(server.serverPort, "/sub", ca);
      assert.equal(redirect.status, 301);
      assert.equal(redirect.headers["location"], "/sub/");
    } finally {
      await stop(server);
    }
  });

  it("the one-at-a-time HTTPSServer serves connections in turn over TLS", async () => {
    const server = await serving({ certfile: fx.combined }, HTTPSServer);
    try {
      assert.equal(server.handlesConcurrently, false);
      const [a, b] = await Promise.all([httpsRequest(server.serverPort, "/a", ca), httpsRequest(server.serverPort, "/b", ca)]);
      assert.equal(a.status, 200);
      assert.equal(b.status, 200);
    } finally {
      await stop(server);
    }
  });

  it("disposes with await using", async () => {
    let port = 0;
    {
      await using server = new ThreadingHTTPSServer(["127.0.0.1", 0], InfoHandler, { certfile: fx.combined });
      await server.ready;
      port = server.serverPort;
      void server.serveForever(0.05);
      assert.equal((await httpsRequest(port, "/", ca)).status, 200);
    }
    await assertPortFree(port);
  });
});
