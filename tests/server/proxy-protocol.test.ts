// The PROXY protocol and trusted proxies on a real server (issue 13): the
// header read before the first request byte (and before the TLS ClientHello),
// the client it names seen by handlers; malformed, truncated, oversized and
// slow headers each closed without a byte while other connections are served;
// Forwarded / X-Forwarded-For believed from trusted peers only; a draining
// server says `Connection: close` on what it still answers.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import tls from "node:tls";
import { readFileSync } from "node:fs";
import { HeaderMap, ThreadingHTTPServer, ThreadingHTTPSServer } from "../../src/index.js";
import { buildCgiEnvironment } from "../../src/cgi/cgi-environment.js";
import { QuietHandler, startServer, type ServerFixture } from "../helpers/server.js";
import { makeFixture, type Fixture } from "../helpers/tls.js";
import { parseResponse } from "../helpers/http-response.js";

/** Answers with the client address it sees. */
class WhoHandler extends QuietHandler {
  override protocolVersion = "HTTP/1.1";
  async do_GET(): Promise<void> {
    if (this.path === "/slow") await new Promise((r) => setTimeout(r, 300));
    const body = `${this.clientAddress[0]} ${this.clientAddress[1]} via ${this.peerAddress[0]}`;
    this.sendResponse(200);
    this.sendHeader("Content-Length", String(body.length));
    await this.endHeaders();
    await this.wfile.write(body);
  }
}

const V2_TCP4 = Buffer.concat([
  Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x21, 0x11, 0x00, 0x0c]),
  Buffer.from([198, 51, 100, 7, 127, 0, 0, 1, 0x1f, 0x90, 0x00, 0x50]),
]);
const GET = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

/** Sends `bytes` (pieces `gapMs` apart) and resolves with everything received until the server closes. */
function exchange(port: number, pieces: ReadonlyArray<string | Buffer>, gapMs = 0): Promise<{ data: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    let data = "";
    const s = net.connect(port, "127.0.0.1", async () => {
      for (const p of pieces) {
        if (s.destroyed) break;
        s.write(p);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
    s.on("data", (d: Buffer) => (data += d.toString("latin1")));
    s.on("error", () => {});
    s.on("close", () => resolve({ data, ms: Date.now() - t0 }));
  });
}

describe("PROXY protocol on a plain server", () => {
  let f: ServerFixture;
  before(async () => {
    f = await startServer(WhoHandler);
    f.server.proxyProtocol = true; // read per connection: set before the first one
    f.server.proxyProtocolTimeout = 0.5;
  });
  after(() => f.close());

  it("v1 and v2: the handler sees the client the header names, split anywhere", async () => {
    const v1 = await exchange(f.port, ["PROXY TCP4 203.0.113.9 127.0.0.1 40000 80\r\n" + GET]);
    assert.match(v1.data, /\r\n\r\n203\.0\.113\.9 40000 via 203\.0\.113\.9$/);
    const v2 = await exchange(f.port, [V2_TCP4.subarray(0, 5), V2_TCP4.subarray(5), GET], 20);
    assert.match(v2.data, /\r\n\r\n198\.51\.100\.7 8080 via 198\.51\.100\.7$/);
    const local = await exchange(f.port, ["PROXY UNKNOWN\r\n" + GET]);
    assert.match(local.data, /\r\n\r\n127\.0\.0\.1 \d+ via 127\.0\.0\.1$/, "no address: the connection's own");
  });

  it("malformed, truncated and oversized headers are closed without a byte", async () => {
    assert.equal((await exchange(f.port, [GET])).data, "", "no header");
    assert.equal((await exchange(f.port, ["PROXY TCP4 999.1.1.1 127.0.0.1 1 2\r\n" + GET])).data, "", "malformed");
    assert.equal((await exchange(f.port, ["PROXY TCP6 " + "a".repeat(200)])).data, "", "oversized");
    const truncated = await exchange(f.port, [V2_TCP4.subarray(0, 20)]);
    assert.equal(truncated.data, "", "truncated, then silent: closed at the deadline");
  });

  it("a slow header is closed at its deadline while another connection is served", async () => {
    const slow = exchange(f.port, ["PROXY TCP4 ", "203.0.113.9 "], 100);
    const other = await exchange(f.port, ["PROXY TCP4 203.0.113.10 127.0.0.1 40001 80\r\n" + GET]);
    assert.match(other.data, /^HTTP\/1\.1 200 /);
    const s = await slow;
    assert.equal(s.data, "");
    assert.ok(s.ms >= 400 && s.ms < 3000, `${s.ms} ms`);
  });
});

describe("PROXY protocol before TLS", () => {
  let fx: Fixture;
  let f: ServerFixture<ThreadingHTTPSServer>;
  before(async () => {
    fx = makeFixture();
    class Tls extends ThreadingHTTPSServer {
      constructor(address: readonly [string, number], handler: typeof WhoHandler) {
        super(address, handler, { certfile: fx.cert, keyfile: fx.key });
        this.proxyProtocol = true; // before the listener is made
      }
    }
    f = await startServer<ThreadingHTTPSServer>(WhoHandler, { ServerClass: Tls as never });
  });
  after(async () => {
    await f.close();
    fx.rm();
  });

  it("the header comes before the ClientHello; the handler sees its client over TLS", async () => {
    const raw = net.connect(f.port, "127.0.0.1");
    await new Promise<void>((r) => raw.once("connect", () => r()));
    raw.write(V2_TCP4);
    const data = await new Promise<string>((resolve, reject) => {
      const s = tls.connect({ socket: raw, ca: readFileSync(fx.cert), servername: "localhost" }, () => s.write(GET));
      let got = "";
      s.on("data", (d: Buffer) => (got += d.toString()));
      s.on("error", reject);
      s.on("close", () => resolve(got));
    });
    assert.match(data, /^HTTP\/1\.1 200 /);
    assert.match(data, /\r\n\r\n198\.51\.100\.7 8080 via 198\.51\.100\.7$/);
  });
});

describe("trusted proxies and draining", () => {
  let f: ServerFixture;
  before(async () => {
    f = await startServer(WhoHandler);
  });
  after(() => f.close());

  it("X-Forwarded-For is believed only from a trusted peer", async () => {
    const request = "GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 6.6.6.6, 198.51.100.7\r\nConnection: close\r\n\r\n";
    assert.match((await exchange(f.port, [request])).data, /\r\n\r\n127\.0\.0\.1 \d+ via 127\.0\.0\.1$/, "nobody trusted");
    f.server.trustedProxies = ["loopback"];
    assert.match((await exchange(f.port, [request])).data, /\r\n\r\n198\.51\.100\.7 0 via 127\.0\.0\.1$/, "the right-most untrusted hop");
    f.server.trustedProxies = ["10.0.0.0/8"];
    assert.match((await exchange(f.port, [request])).data, /\r\n\r\n127\.0\.0\.1 \d+ via/, "the peer is not in the trusted range");
    f.server.trustedProxies = [];
  });

  it("a request answered while the server drains says Connection: close", async () => {
    const server = new ThreadingHTTPServer(["127.0.0.1", 0], WhoHandler);
    await server.ready;
    const serving = server.serveForever(0.05);
    const got = await new Promise<string>((resolve) => {
      let data = "";
      const s = net.connect(server.serverPort, "127.0.0.1", () => {
        s.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        setTimeout(() => void server.serverClose(), 100);
      });
      s.on("data", (d: Buffer) => (data += d.toString("latin1")));
      s.on("close", () => resolve(data));
    });
    await server.shutdown();
    await serving;
    const res = parseResponse(Buffer.from(got, "latin1"), { closed: true });
    assert.equal(res.status, 200);
    assert.equal(res.header("connection"), "close");
  });
});

describe("the scheme a trusted proxy says", () => {
  class SchemeHandler extends QuietHandler {
    override protocolVersion = "HTTP/1.1";
    async do_GET(): Promise<void> {
      const body = this.scheme;
      this.sendResponse(200);
      this.sendHeader("Content-Length", String(body.length));
      await this.endHeaders();
      await this.wfile.write(body);
    }
  }
  let f: ServerFixture;
  before(async () => {
    f = await startServer(SchemeHandler);
  });
  after(() => f.close());

  it("this.scheme is https when a trusted proxy says so (X-Forwarded-Proto, Forwarded: proto=), http otherwise", async () => {
    const ask = async (header: string): Promise<string> => (await exchange(f.port, [`GET / HTTP/1.1\r\nHost: x\r\n${header}Connection: close\r\n\r\n`])).data.split("\r\n\r\n")[1] ?? "";
    assert.equal(await ask("X-Forwarded-Proto: https\r\n"), "http", "nobody trusted");
    f.server.trustedProxies = ["loopback"];
    assert.equal(await ask("X-Forwarded-Proto: https\r\n"), "https");
    assert.equal(await ask('Forwarded: for=198.51.100.7;proto=https\r\n'), "https");
    assert.equal(await ask(""), "http");
    f.server.trustedProxies = [];
  });

  it("a CGI script behind a TLS-terminating proxy gets HTTPS=on and REQUEST_SCHEME=https", () => {
    const base = { serverSoftware: "x", serverName: "h", serverProtocol: "HTTP/1.1", serverPort: 80, requestMethod: "GET", pathInfo: "", pathTranslated: "", scriptName: "/cgi-bin/x", queryString: "", remoteAddr: "1.2.3.4", headers: new HeaderMap() };
    const https = buildCgiEnvironment({}, { ...base, scheme: "https" });
    assert.equal(https["HTTPS"], "on");
    assert.equal(https["REQUEST_SCHEME"], "https");
    const plain = buildCgiEnvironment({}, { ...base, scheme: "http" });
    assert.equal(plain["HTTPS"], undefined, "CPython's environment otherwise");
  });
});
