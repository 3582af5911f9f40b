/**
 * Real clients over TLS against ThreadingHTTPSServer + SimpleHTTPRequestHandler:
 * curl (--cacert), Python's ssl + http.client, Node's https. Each gets a
 * file and a listing, and makes two requests on one connection.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import https from "node:https";
import { SimpleHTTPRequestHandler, ThreadingHTTPSServer } from "../../src/index.js";
import { httpsRequest, makeFixture, run, type Fixture } from "../helpers/tls.js";

let fx: Fixture;
let ca: Buffer;
let server: ThreadingHTTPSServer;
let connections = 0;
let base = "";

before(async () => {
  fx = makeFixture();
  ca = readFileSync(fx.cert);
  const Handler = SimpleHTTPRequestHandler.withOptions({ directory: fx.www });
  Handler.prototype.protocolVersion = "HTTP/1.1";
  Handler.prototype.logMessage = () => {};
  server = new ThreadingHTTPSServer(["127.0.0.1", 0], Handler, { certfile: fx.cert, keyfile: fx.key });
  await server.ready;
  server.listener.on("secureConnection", () => connections++);
  void server.serveForever(0.05);
  base = `https://127.0.0.1:${server.serverPort}`;
});

after(async () => {
  await server.shutdown();
  server.closeAllConnections();
  await server.serverClose();
  fx.rm();
});

/** Connections the server accepted while `fn` ran. */
async function connectionsDuring(fn: () => Promise<void>): Promise<number> {
  const before = connections;
  await fn();
  return connections - before;
}

const LISTING = /<title>Directory listing for \/<\/title>[\s\S]*<a href="hello\.txt">hello\.txt<\/a>/;

describe("curl --cacert", () => {
  it("gets a file", async () => {
    const r = await run("curl", ["-sS", "--cacert", fx.cert, `${base}/hello.txt`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "hello over TLS\n");
  });

  it("gets a listing", async () => {
    const r = await run("curl", ["-sS", "--cacert", fx.cert, `${base}/`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, LISTING);
  });

  it("negotiates http/1.1 by ALPN and reuses the connection for a second request", async () => {
    let r = { code: 0 as number | null, stdout: "", stderr: "" };
    const n = await connectionsDuring(async () => {
      r = await run("curl", [
        "-sS", "--cacert", fx.cert,
        "-w", "%{http_code} %{num_connects} %{http_version}\\n",
        "-o", "/dev/null", `${base}/hello.txt`,
        "-o", "/dev/null", `${base}/`,
      ]);
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "200 1 1.1\n200 0 1.1\n");
    assert.equal(n, 1);
  });

  it("refuses the certificate when not told to trust it (the client sees a real TLS server)", async () => {
    const r = await run("curl", ["-sS", "--cacert", fx.otherCert, `${base}/hello.txt`]);
    assert.equal(r.code, 60, r.stderr); // CURLE_PEER_FAILED_VERIFICATION
  });
});

const PY_CLIENT = `
import http.client, json, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
conn = http.client.HTTPSConnection("127.0.0.1", int(sys.argv[2]), context=ctx, timeout=10)
out = []
for path in sys.argv[3:]:
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read()
    out.append({"status": r.status, "body": body.decode("utf-8"), "port": conn.sock.getsockname()[1],
                "version": conn.sock.version(), "ctype": r.getheader("Content-Type")})
conn.close()
print(json.dumps(out))
`;

interface PyReply {
  status: number;
  body: string;
  port: number;
  version: string;
  ctype: string;
}

describe("Python ssl + http.client", () => {
  it("gets a file and a listing on one kept-alive connection, verifying the certificate", async () => {
    let r = { code: 0 as number | null, stdout: "", stderr: "" };
    const n = await connectionsDuring(async () => {
      r = await run("python3", ["-c", PY_CLIENT, fx.cert, String(server.serverPort), "/hello.txt", "/"]);
    });
    assert.equal(r.code, 0, r.stderr);
    const [file, listing] = JSON.parse(r.stdout) as [PyReply, PyReply];
    assert.equal(file.status, 200);
    assert.equal(file.body, "hello over TLS\n");
    assert.equal(file.ctype, "text/plain; charset=utf-8");
    assert.match(file.version, /^TLSv1\.[23]$/);
    assert.equal(listing.status, 200);
    assert.match(listing.body, LISTING);
    assert.equal(listing.ctype, "text/html; charset=utf-8");
    assert.equal(file.port, listing.port);
    assert.equal(n, 1);
  });

  it("fails verification against another CA (so the test above really verified)", async () => {
    const r = await run("python3", ["-c", PY_CLIENT, fx.otherCert, String(server.serverPort), "/hello.txt"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /CERTIFICATE_VERIFY_FAILED|certificate verify failed/);
  });
});

describe("Node https", () => {
  it("gets a file and a listing on one kept-alive connection", async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      let file = await httpsRequest(server.serverPort, "/hello.txt", ca, { agent });
      let listing = file;
      const n = await connectionsDuring(async () => {
        file = await httpsRequest(server.serverPort, "/hello.txt", ca, { agent });
        listing = await httpsRequest(server.serverPort, "/", ca, { agent });
      });
      assert.equal(file.status, 200);
      assert.equal(file.body, "hello over TLS\n");
      assert.equal(file.alpn, "http/1.1");
      assert.equal(listing.status, 200);
      assert.match(listing.body, LISTING);
      assert.equal(listing.reused, true);
      assert.equal(file.localPort, listing.localPort);
      assert.equal(n, 0); // both on the connection the first request opened
    } finally {
      agent.destroy();
    }
  });

  it("refuses the server without the CA (the default trust store does not know it)", async () => {
    await assert.rejects(
      new Promise((resolve, reject) => {
        https.get({ host: "127.0.0.1", port: server.serverPort, path: "/", agent: false }, resolve).on("error", reject);
      }),
      { code: "DEPTH_ZERO_SELF_SIGNED_CERT" },
    );
  });
});
