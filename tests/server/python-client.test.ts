// Python's http.client as a second, independent client.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { QuietHandler, withServer } from "../helpers/server.js";
import { runPython } from "../helpers/python.js";

class JsonHandler extends QuietHandler {
  async #send(code: number, value: unknown): Promise<void> {
    const body = Buffer.from(JSON.stringify(value), "utf8");
    this.sendResponse(code);
    this.sendHeader("Content-Type", "application/json");
    this.sendHeader("Content-Length", body.length);
    await this.endHeaders();
    await this.wfile.write(body);
  }
  async do_GET(): Promise<void> {
    await this.#send(200, { path: this.path, port: this.clientAddress[1], version: this.requestVersion, agent: this.headers.get("accept-encoding") ?? null });
  }
  async do_POST(): Promise<void> {
    const body = await this.rfile.readAll();
    await this.#send(201, { length: body.length, text: body.toString("latin1"), chunked: this.headers.get("transfer-encoding") ?? null });
  }
  /** No Content-Length: chunked by the engine. */
  async do_STREAM(): Promise<void> {
    this.sendResponse(200);
    await this.endHeaders();
    for (const part of ["alpha ", "beta ", "gamma"]) await this.wfile.write(part);
  }
}
JsonHandler.prototype.protocolVersion = "HTTP/1.1";

const SCRIPT = String.raw`
import http.client, json, sys
port = int(sys.argv[1])
out = {}
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
conn.request("GET", "/first")
r1 = conn.getresponse()
out["r1"] = [r1.status, r1.reason, r1.version, json.loads(r1.read())]
sock1 = conn.sock
conn.request("GET", "/second?x=1")
r2 = conn.getresponse()
out["r2"] = [r2.status, json.loads(r2.read())]
out["same_socket"] = conn.sock is sock1 and sock1 is not None
conn.request("POST", "/post", body=b"name=value&x=\xff", headers={"Content-Type": "application/x-www-form-urlencoded"})
r3 = conn.getresponse()
out["r3"] = [r3.status, r3.reason, json.loads(r3.read())]
conn.request("POST", "/chunked", body=iter([b"abc", b"defg"]), encode_chunked=True)
r4 = conn.getresponse()
out["r4"] = [r4.status, json.loads(r4.read())]
conn.request("STREAM", "/s")
r5 = conn.getresponse()
out["r5"] = [r5.status, r5.chunked, r5.read().decode()]
conn.request("NOPE", "/")
r6 = conn.getresponse()
out["r6"] = [r6.status, r6.reason, r6.getheader("Connection"), len(r6.read()) == int(r6.getheader("Content-Length"))]
out["closed_after_error"] = r6.will_close
conn.close()
print(json.dumps(out))
`;

describe("Python http.client", () => {
  it("GETs reuse one keep-alive connection; POST with a body, chunked upload, chunked download, 501", () =>
    withServer(JsonHandler, async ({ port }) => {
      const { stdout, stderr, code } = await runPython(SCRIPT, [String(port)]);
      assert.equal(code, 0, stderr);
      const out = JSON.parse(stdout) as Record<string, unknown[] | boolean>;
      const r1 = out["r1"] as [number, string, number, { path: string; port: number; version: string; agent: string }];
      const r2 = out["r2"] as [number, { path: string; port: number }];
      assert.deepEqual(r1.slice(0, 3), [200, "OK", 11]);
      assert.equal(r1[3].path, "/first");
      assert.equal(r1[3].version, "HTTP/1.1");
      assert.equal(r1[3].agent, "identity");
      assert.equal(r2[0], 200);
      assert.equal(r2[1].path, "/second?x=1");
      assert.equal(r2[1].port, r1[3].port, "same client port: the connection was reused");
      assert.equal(out["same_socket"], true);
      assert.deepEqual(out["r3"], [201, "Created", { length: 14, text: "name=value&x=\xff", chunked: null }]);
      assert.deepEqual(out["r4"], [201, { length: 7, text: "abcdefg", chunked: "chunked" }]);
      assert.deepEqual(out["r5"], [200, true, "alpha beta gamma"]);
      assert.deepEqual(out["r6"], [501, "Unsupported method ('NOPE')", "close", true]);
      assert.equal(out["closed_after_error"], true);
    }));

  it("HEAD, Connection: close and an HTTP/1.0 server as Python sees them", async () => {
    class Http10 extends JsonHandler {}
    Http10.prototype.protocolVersion = "HTTP/1.0";
    const script = String.raw`
import http.client, json, sys
port = int(sys.argv[1])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
conn.request("HEAD", "/")
r = conn.getresponse()
head = [r.status, r.version, r.will_close, r.read()]
conn.close()
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
conn.request("GET", "/a")
r = conn.getresponse()
body = json.loads(r.read())
print(json.dumps({"head": [head[0], head[1], head[2], head[3].decode()], "get": [r.version, r.will_close, body["path"]]}))
`;
    await withServer(Http10, async ({ port }) => {
      const { stdout, stderr, code } = await runPython(script, [String(port)]);
      assert.equal(code, 0, stderr);
      assert.deepEqual(JSON.parse(stdout), { head: [501, 10, true, ""], get: [10, true, "/a"] });
    });
  });
});
