// Beyond CPython: request bodies stream to the script's stdin and its stdout
// to the client, both with back-pressure, so a 1 GiB upload or download never
// sits in the server's memory.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { startServer, type ServerFixture } from "../helpers/server.js";
import { buildRequest, RawConnection } from "../helpers/raw-client.js";
import { cgiHandlerFor, makeSite, shScript, type Site } from "./helpers.js";

const GiB = 1024 * 1024 * 1024;

/** The body of a chunked response received so far, and whether its last chunk came. */
function chunkedSoFar(data: Buffer): { body: string; done: boolean } {
  const text = data.toString("latin1");
  let pos = text.indexOf("\r\n\r\n");
  if (pos < 0) return { body: "", done: false };
  pos += 4;
  let body = "";
  for (;;) {
    const eol = text.indexOf("\r\n", pos);
    if (eol < 0) return { body, done: false };
    const size = parseInt(text.slice(pos, eol), 16);
    if (size === 0) return { body, done: true };
    if (text.length < eol + 2 + size + 2) return { body, done: false };
    body += text.slice(eol + 2, eol + 2 + size);
    pos = eol + 2 + size + 2;
  }
}
const MiB = 1024 * 1024;

/** Samples this process's resident memory until stopped; returns the peak growth over the start. */
function memoryWatch(): () => number {
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  return () => {
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    return peak - start;
  };
}

/** GET with Node's client on a keep-alive connection (so the body is chunked), counting body bytes without keeping them. */
function countBody(port: number, target: string): Promise<{ status: number; bytes: number; headers: http.IncomingHttpHeaders }> {
  const agent = new http.Agent({ keepAlive: true });
  return new Promise<{ status: number; bytes: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: target, agent }, (res) => {
        let bytes = 0;
        res.on("data", (c: Buffer) => (bytes += c.length));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes, headers: res.headers }));
        res.on("error", reject);
      })
      .on("error", reject);
  }).finally(() => agent.destroy());
}

/** POSTs `total` bytes of a repeating pattern, written with back-pressure; resolves to the response text. */
function upload(port: number, target: string, total: number, chunked: boolean): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = chunked ? { "Transfer-Encoding": "chunked" } : { "Content-Length": String(total) };
    const r = http.request({ host: "127.0.0.1", port, path: target, method: "POST", headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    r.on("error", reject);
    const block = Buffer.alloc(MiB, "0123456789abcdef");
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        const n = Math.min(block.length, total - sent);
        sent += n;
        if (!r.write(n === block.length ? block : block.subarray(0, n))) {
          r.once("drain", pump);
          return;
        }
      }
      r.end();
    };
    pump();
  });
}

describe("CGI streaming", () => {
  let site: Site;
  let f: ServerFixture;

  before(async () => {
    site = makeSite();
    site.write("cgi-bin/zeros.sh", shScript('head -c "$1" /dev/zero'));
    site.write("cgi-bin/count.sh", shScript("wc -c | tr -d ' '"));
    // reads nothing until told to (a file appears), then counts
    site.write("cgi-bin/late-count.sh", shScript('while [ ! -e "$1" ]; do sleep 0.05; done\nwc -c | tr -d \' \''));
    // writes 64 KiB blocks forever, recording how many it has written so far
    site.write(
      "cgi-bin/producer.py",
      `import os, sys
out = sys.stdout.buffer
out.write(b"Content-Type: application/octet-stream\\r\\n\\r\\n")
progress = os.environ["QUERY_STRING"]
block = b"x" * 65536
n = 0
while True:
    out.write(block)
    out.flush()
    n += 1
    with open(progress, "w") as p:
        p.write(str(n * 65536))
`,
    );
    site.write("cgi-bin/ticks.sh", shScript("printf 'first\\n'\nsleep 0.6\nprintf 'second\\n'"));
    // print() to a pipe is block-buffered: only `python3 -u` lets the first line out early
    site.write("cgi-bin/ticks.py", 'import time\nprint("Content-Type: text/plain")\nprint()\nprint("first")\ntime.sleep(0.6)\nprint("second")\n');
    chmodSync(site.mkdir("tmp"), 0o777); // scripts may run as nobody
    f = await startServer(cgiHandlerFor(site.root, { protocol: "HTTP/1.1" }));
  });

  after(async () => {
    await f.close();
    site.rm();
  });

  it("a 1 GiB download streams through (chunked) without the server holding it", async () => {
    const done = memoryWatch();
    const r = await countBody(f.port, `/cgi-bin/zeros.sh?${GiB}`);
    const growth = done();
    assert.equal(r.status, 200);
    assert.equal(r.headers["transfer-encoding"], "chunked");
    assert.equal(r.bytes, GiB);
    assert.ok(growth < 200 * MiB, `resident memory grew by ${(growth / MiB).toFixed(0)} MiB`);
  });

  it("a 1 GiB upload (Content-Length) streams to stdin", async () => {
    const done = memoryWatch();
    const r = await upload(f.port, "/cgi-bin/count.sh", GiB, false);
    const growth = done();
    assert.equal(r.status, 200);
    assert.equal(r.text.trim(), String(GiB));
    assert.ok(growth < 200 * MiB, `resident memory grew by ${(growth / MiB).toFixed(0)} MiB`);
  });

  it("a 64 MiB chunked upload reaches the script whole (spooled to a temporary file, CONTENT_LENGTH set, EOF ends it)", async () => {
    const r = await upload(f.port, "/cgi-bin/count.sh", 64 * MiB + 123, true);
    assert.equal(r.status, 200);
    assert.equal(r.text.trim(), String(64 * MiB + 123));
  });

  it("a client that does not read stops the script (stdout back-pressure)", async () => {
    const progress = path.join(site.root, "tmp", "progress");
    const conn = await RawConnection.connect(f.port);
    try {
      conn.socket.pause();
      conn.write(buildRequest("GET", `/cgi-bin/producer.py?${progress}`, ["Host: x"]));
      await new Promise((r) => setTimeout(r, 1500));
      const written = Number(readFileSync(progress, "utf8") || "0");
      // Socket buffers on both sides, the pipe and one chunk in flight: a few MiB, not the 100s a
      // script writing 64 KiB blocks as fast as it can would otherwise produce in 1.5 s.
      assert.ok(written > 0, "the script ran");
      assert.ok(written < 24 * MiB, `the script wrote ${(written / MiB).toFixed(1)} MiB to a client that reads nothing`);
      const before = written;
      await new Promise((r) => setTimeout(r, 500));
      const after = Number(readFileSync(progress, "utf8") || "0");
      assert.ok(after - before <= 2 * 65536, "stalled, not creeping");
    } finally {
      conn.destroy();
    }
  });

  it("a script that does not read stops the client (stdin back-pressure), then gets every byte", async () => {
    const go = path.join(site.root, "tmp", "go");
    const total = 256 * MiB;
    const conn = await RawConnection.connect(f.port);
    const sock = conn.socket;
    conn.write(buildRequest("POST", `/cgi-bin/late-count.sh?${go}`, ["Host: x", `Content-Length: ${total}`]));
    const block = Buffer.alloc(MiB, 7);
    let queued = 0;
    const fill = (): void => {
      while (queued < total && sock.writableLength < 4 * MiB) {
        sock.write(block);
        queued += block.length;
      }
    };
    fill();
    const filler = setInterval(fill, 10);
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const accepted = sock.bytesWritten - sock.writableLength;
      assert.ok(accepted < 48 * MiB, `the server took ${(accepted / MiB).toFixed(1)} MiB of a body nobody reads`);
      site.write("tmp/go", "");
      const ok = await conn.wait((c) => /\r\n\r\n[\s\S]*\d+\r?\n/.test(c.text) && /0\r\n\r\n$/.test(c.text), 30000);
      assert.ok(ok, conn.text.slice(0, 300));
      assert.match(conn.text, new RegExp(`\\r\\n${total}\\n`));
    } finally {
      clearInterval(filler);
      conn.destroy();
    }
  });

  for (const script of ["ticks.sh", "ticks.py"]) {
    it(`output reaches the client as the script writes it, not at its end (${script})`, async () => {
      // The script inherits the server's environment: make sure it is -u that unbuffers Python.
      const saved = process.env["PYTHONUNBUFFERED"];
      delete process.env["PYTHONUNBUFFERED"];
      const conn = await RawConnection.connect(f.port);
      try {
        const t0 = Date.now();
        conn.write(buildRequest("GET", `/cgi-bin/${script}`, ["Host: x"]));
        await conn.readUntil((d) => chunkedSoFar(d).body.includes("first\n"), 5000);
        const firstAt = Date.now() - t0;
        assert.ok(!conn.text.includes("second"), "the second line is not written yet");
        assert.ok(firstAt < 500, `first line after ${firstAt} ms`);
        await conn.readUntil((d) => chunkedSoFar(d).done, 5000);
        assert.equal(chunkedSoFar(conn.received).body, "first\nsecond\n");
      } finally {
        conn.destroy();
        if (saved !== undefined) process.env["PYTHONUNBUFFERED"] = saved;
      }
    });
  }
});
