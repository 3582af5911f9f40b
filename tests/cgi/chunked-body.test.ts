/**
 * A chunked request body reaches a CGI script with CONTENT_LENGTH set, as
 * RFC 3875 4.1.2 requires: read whole first (in memory, or a temporary file
 * removed afterwards), 413 past `cgiMaxBody`. Issue 10, item 7.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { buildRequest, rawRequest } from "../helpers/raw-client.js";
import { parseResponse } from "../helpers/http-response.js";
import { withCgiServer, cgiHandlerFor, makeSite, shScript, type Site } from "./helpers.js";
import { startServer } from "../helpers/server.js";

/** The body as chunks of at most `size` bytes. */
function chunked(body: Buffer, size: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < body.length; i += size) {
    const c = body.subarray(i, i + size);
    parts.push(Buffer.from(c.length.toString(16) + "\r\n", "latin1"), c, Buffer.from("\r\n", "latin1"));
  }
  parts.push(Buffer.from("0\r\n\r\n", "latin1"));
  return Buffer.concat(parts);
}

const spools = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith("simplehttp-cgi-body-"));

describe("chunked request bodies and CGI", () => {
  let site: Site;
  before(() => {
    site = makeSite();
    // Prints CONTENT_LENGTH, then the sha256 of exactly CONTENT_LENGTH bytes of stdin.
    site.write("cgi-bin/length.sh", shScript('echo "len=$CONTENT_LENGTH"\nhead -c "$CONTENT_LENGTH" | sha256sum | cut -d" " -f1'));
  });
  after(() => site.rm());

  for (const [name, size] of [["a small body (kept in memory)", 11], ["a 3 MiB body (spooled to a temporary file)", 3 * 1024 * 1024]] as const) {
    it(`${name}: the script gets CONTENT_LENGTH and exactly the body; nothing is left behind`, async () => {
      const before = spools();
      const body = size === 11 ? Buffer.from("hello world") : randomBytes(size);
      const sha = createHash("sha256").update(body).digest("hex");
      await withCgiServer(site.root, async (f) => {
        const head = buildRequest("POST", "/cgi-bin/length.sh", ["Transfer-Encoding: chunked", "Connection: close"], { version: "HTTP/1.1" });
        const r = await rawRequest(f.port, [head, chunked(body, 100_000)], { timeoutMs: 20_000 });
        const res = parseResponse(r.data, { closed: true });
        assert.equal(res.status, 200, r.data.toString("latin1").slice(0, 300));
        assert.equal(res.body.toString(), `len=${size}\n${sha}\n`);
      }, { protocol: "HTTP/1.1" });
      assert.deepEqual(spools(), before, "the temporary file was removed");
    });
  }

  it("a chunked body over cgiMaxBody: 413, the script never runs", async () => {
    const Handler = cgiHandlerFor(site.root, { protocol: "HTTP/1.1" });
    Handler.prototype.cgiMaxBody = 1000;
    const f = await startServer(Handler);
    try {
      const before = spools();
      const head = buildRequest("POST", "/cgi-bin/length.sh", ["Transfer-Encoding: chunked"], { version: "HTTP/1.1" });
      const r = await rawRequest(f.port, [head, chunked(randomBytes(5000), 700)], { timeoutMs: 5000 });
      const res = parseResponse(r.data, { closed: true });
      assert.equal(res.status, 413);
      assert.deepEqual(spools(), before);
    } finally {
      await f.close();
    }
  });
});
