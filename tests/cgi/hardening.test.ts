// Issue 10, item 6: CGI scripts cannot pile up. A client that half-closes
// before any output kills the script at once; a request body that trickles
// (or stops) gets 408 and the script is killed; past cgiMax scripts at once,
// 503 with Retry-After; a background process holding the script's stdout
// after it exits is killed after a short grace and the response ends
// properly (a last chunk, the connection kept), without losing what the
// script wrote before exiting to a client that reads slowly.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { startServer, type ServerFixture } from "../helpers/server.js";
import { buildRequest, RawConnection } from "../helpers/raw-client.js";
import { parseResponse, parseResponses } from "../helpers/http-response.js";
import { cgiHandlerFor, eventually, gone, makeSite, shScript, type Site } from "./helpers.js";

// Records its pid and its child's, then waits on the child (silent).
const SLEEPER = '#!/bin/sh\necho $$ > "$1.pid"\nsleep 300 &\necho $! > "$1.child"\nwait\n';
// Answers, leaves a child holding stdout (it inherits it), and exits.
const LEAVER = shScript('printf \'hi\\n\'\nsleep 300 &\necho $! > "$1.child"\nexit 0');
// Writes 1 MiB and exits at once.
const BULK = shScript("head -c 1048576 /dev/zero | tr '\\0' 'a'");
// Reads its whole input before it answers.
const READER = "#!/bin/sh\nn=$(wc -c | tr -d ' ')\nprintf 'Content-Type: text/plain\\r\\n\\r\\n%s\\n' \"$n\"\n";

function pidOf(file: string): number {
  return Number(readFileSync(file, "utf8").trim());
}

async function waitForFile(file: string): Promise<void> {
  assert.ok(await eventually(() => existsSync(file) && readFileSync(file, "utf8").trim() !== "", 5000), `${file} appears`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("CGI hardening", () => {
  let site: Site;
  let tmp: string;
  let f: ServerFixture; // slow-body limits of 0.5 s and 2,000 bytes/s, two scripts at most
  let counter = 0;
  const marker = (): string => path.join(tmp, `m${++counter}`);

  before(async () => {
    site = makeSite();
    tmp = site.mkdir("tmp");
    chmodSync(tmp, 0o777); // scripts may run as nobody
    site.write("cgi-bin/sleeper.sh", SLEEPER);
    site.write("cgi-bin/leaver.sh", LEAVER);
    site.write("cgi-bin/bulk.sh", BULK);
    site.write("cgi-bin/count.sh", READER);
    site.write("cgi-bin/hello.sh", shScript("printf 'hello\\n'"));
    f = await startServer(cgiHandlerFor(site.root, { protocol: "HTTP/1.1", cgiBodyTimeout: 0.5, cgiMinUploadRate: 2000, cgiMax: 2 }));
  });

  after(async () => {
    await f.close();
    site.rm();
  });

  it("a client that half-closes before any output: the script is killed at once, not at cgiTimeout", async () => {
    const m = marker();
    const conn = await RawConnection.connect(f.port);
    try {
      conn.write(buildRequest("GET", `/cgi-bin/sleeper.sh?${m}`, ["Host: x"]));
      await waitForFile(m + ".child");
      const pids = [pidOf(m + ".pid"), pidOf(m + ".child")];
      assert.ok(pids.every((p) => !gone(p)), "running");
      conn.socket.end(); // FIN: the client's sending side is shut
      assert.ok(await eventually(() => pids.every(gone), 3000), "killed");
      assert.ok(await eventually(() => f.logs.includes("CGI script '/cgi-bin/sleeper.sh' killed: the client went away")), f.logs.join("\n"));
    } finally {
      conn.destroy();
    }
  });

  it("a request body that trickles under the minimum rate: 408, the connection closed, the script killed", async () => {
    const conn = await RawConnection.connect(f.port);
    try {
      conn.write(buildRequest("POST", "/cgi-bin/count.sh", ["Host: x", "Content-Length: 100000"]));
      const t0 = Date.now();
      // 100 bytes every 100 ms: 1,000 bytes/s, never idle for 0.5 s, under the 2,000 bytes/s asked for
      const drip = setInterval(() => conn.write("x".repeat(100)), 100);
      try {
        assert.ok(await conn.waitClose(5000), "closed");
      } finally {
        clearInterval(drip);
      }
      const elapsed = Date.now() - t0;
      const res = parseResponse(conn.received, { closed: true });
      assert.equal(res.status, 408);
      assert.equal(res.reason, "Request body too slow");
      assert.ok(elapsed >= 400 && elapsed < 3000, `${elapsed} ms`);
      assert.ok(await eventually(() => f.logs.includes("CGI script '/cgi-bin/count.sh' killed: request body too slow (under 2000 bytes/s)")), f.logs.join("\n"));
    } finally {
      conn.destroy();
    }
  });

  it("a request body that stops: 408 after cgiBodyTimeout", async () => {
    const conn = await RawConnection.connect(f.port);
    try {
      conn.write(buildRequest("POST", "/cgi-bin/count.sh", ["Host: x", "Content-Length: 100"]) + "x".repeat(10));
      assert.ok(await conn.waitClose(5000), "closed");
      const res = parseResponse(conn.received, { closed: true });
      assert.equal(res.status, 408);
      assert.ok(await eventually(() => f.logs.includes("CGI script '/cgi-bin/count.sh' killed: request body too slow (no byte for 0.5 s)")), f.logs.join("\n"));
    } finally {
      conn.destroy();
    }
  });

  it("a chunked body that trickles (spooled before the script starts): 408", async () => {
    const conn = await RawConnection.connect(f.port);
    try {
      conn.write(buildRequest("POST", "/cgi-bin/count.sh", ["Host: x", "Transfer-Encoding: chunked"]));
      const drip = setInterval(() => conn.write("1\r\nx\r\n"), 100);
      try {
        assert.ok(await conn.waitClose(5000), "closed");
      } finally {
        clearInterval(drip);
      }
      const res = parseResponse(conn.received, { closed: true });
      assert.equal(res.status, 408);
      assert.ok(f.logs.some((l) => l.startsWith("request body too slow (under 2000 bytes/s)")), f.logs.join("\n"));
    } finally {
      conn.destroy();
    }
  });

  it("a body sent at a good pace reaches the script whole", async () => {
    const conn = await RawConnection.connect(f.port);
    try {
      const body = Buffer.alloc(256 * 1024, "y");
      conn.write([buildRequest("POST", "/cgi-bin/count.sh", ["Host: x", `Content-Length: ${body.length}`, "Connection: close"]), body]);
      assert.ok(await conn.waitClose(5000), "closed");
      const res = parseResponse(conn.received, { closed: true });
      assert.equal(res.status, 200);
      assert.equal(res.body.toString().trim(), String(body.length));
    } finally {
      conn.destroy();
    }
  });

  it("past cgiMax scripts at once: 503 with Retry-After, and scripts run again once a slot is free", async () => {
    const held: RawConnection[] = [];
    try {
      const markers = [marker(), marker()];
      for (const m of markers) {
        const c = await RawConnection.connect(f.port);
        c.write(buildRequest("GET", `/cgi-bin/sleeper.sh?${m}`, ["Host: x"]));
        held.push(c);
        await waitForFile(m + ".child");
      }
      const third = await RawConnection.connect(f.port);
      held.push(third);
      third.write(buildRequest("GET", "/cgi-bin/hello.sh", ["Host: x", "Connection: close"]));
      assert.ok(await third.waitClose(5000), "answered");
      const refused = parseResponse(third.received, { closed: true });
      assert.equal(refused.status, 503);
      assert.equal(refused.header("retry-after"), "1");
      assert.ok(f.logs.includes("2 CGI scripts running (cgiMax): answering 503"), f.logs.join("\n"));
      // a file is still served: the cap is on scripts, not requests
      const file = await RawConnection.connect(f.port);
      held.push(file);
      file.write(buildRequest("GET", "/cgi-bin/", ["Host: x", "Connection: close"]));
      assert.ok(await file.waitClose(5000));
      assert.notEqual(parseResponse(file.received, { closed: true }).status, 503);

      (held[0] as RawConnection).destroy();
      const pid = pidOf((markers[0] as string) + ".pid");
      assert.ok(await eventually(() => gone(pid), 3000), "first script killed");
      // the slot is given back once the killed script's pipes have closed
      let status = 0;
      for (let i = 0; i < 30 && status !== 200; i++) {
        const c = await RawConnection.connect(f.port);
        c.write(buildRequest("GET", "/cgi-bin/hello.sh", ["Host: x", "Connection: close"]));
        await c.waitClose(5000);
        status = parseResponse(c.received, { closed: true }).status;
        c.destroy();
        if (status !== 200) await sleep(100);
      }
      assert.equal(status, 200);
    } finally {
      for (const c of held) c.destroy();
    }
  });

  it("a background process holding stdout after the script exits: killed after the grace, the response ends with its last chunk", async () => {
    const m = marker();
    const conn = await RawConnection.connect(f.port);
    try {
      const t0 = Date.now();
      conn.write(buildRequest("GET", `/cgi-bin/leaver.sh?${m}`, ["Host: x"]));
      await conn.readUntil((d) => d.includes("0\r\n\r\n"), 6000);
      const elapsed = Date.now() - t0;
      assert.ok(elapsed >= 1500 && elapsed < 5000, `${elapsed} ms`);
      const res = parseResponses(conn.received).responses[0];
      assert.equal(res?.status, 200);
      assert.equal(res?.body.toString(), "hi\n");
      await waitForFile(m + ".child");
      const child = pidOf(m + ".child");
      assert.ok(await eventually(() => gone(child), 3000), "the background process is killed");
      assert.ok(f.logs.includes("CGI script '/cgi-bin/leaver.sh' exited but left a process holding its output: killed after 2 s"), f.logs.join("\n"));
      // the connection is still good for another request
      conn.clear();
      conn.write(buildRequest("GET", "/cgi-bin/hello.sh", ["Host: x"]));
      await conn.readUntil((d) => d.includes("0\r\n\r\n"), 5000);
      assert.equal(parseResponses(conn.received).responses[0]?.body.toString(), "hello\n");
    } finally {
      conn.destroy();
    }
  });

  it("output written before the script exits reaches a client that reads slowly, whole", async () => {
    const conn = await RawConnection.connect(f.port);
    try {
      conn.socket.pause(); // read nothing for 3 s: longer than the grace after exit
      conn.write(buildRequest("GET", "/cgi-bin/bulk.sh", ["Host: x", "Connection: close"]));
      await sleep(3000);
      conn.socket.resume();
      assert.ok(await conn.waitClose(10000), "closed");
      const res = parseResponse(conn.received, { closed: true });
      assert.equal(res.status, 200);
      assert.equal(res.body.length, 1048576);
      assert.ok(res.body.every((b) => b === 0x61));
    } finally {
      conn.destroy();
    }
  });
});
