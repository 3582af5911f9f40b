// Beyond CPython: a client that leaves, or a script past cgiTimeout, kills
// the script's whole process group; no zombies, no leaked descriptors; many
// scripts at once.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { startServer, type ServerFixture } from "../helpers/server.js";
import { buildRequest, RawConnection, rawRequest } from "../helpers/raw-client.js";
import { parseResponse, parseResponses } from "../helpers/http-response.js";
import { cgiHandlerFor, eventually, gone, makeSite, openFds, processState, shScript, zombieChildren, type Site } from "./helpers.js";

// Records its pid and its child's in "$1.pid" and "$1.child", then waits on the child (silent).
const SLEEPER = '#!/bin/sh\necho $$ > "$1.pid"\nsleep 300 &\necho $! > "$1.child"\nwait\n';
// Same, but writes a response and then output forever.
const STREAMER = shScript('echo $$ > "$1.pid"\nsleep 300 &\necho $! > "$1.child"\nwhile :; do echo line; done');
// A header, some body, then silence.
const STALLER = shScript('echo $$ > "$1.pid"\nprintf \'start\\n\'\nsleep 300 &\necho $! > "$1.child"\nwait');

function pidsOf(base: string): number[] {
  return [".pid", ".child"].map((ext) => Number(readFileSync(base + ext, "utf8").trim()));
}

async function waitForFile(file: string): Promise<void> {
  assert.ok(await eventually(() => existsSync(file) && readFileSync(file, "utf8").trim() !== "", 5000), `${file} appears`);
}

describe("CGI process lifecycle", () => {
  let site: Site;
  let tmp: string;
  let f: ServerFixture;
  let ft: ServerFixture;
  let counter = 0;
  const marker = (): string => path.join(tmp, `m${++counter}`);

  before(async () => {
    site = makeSite();
    tmp = site.mkdir("tmp");
    chmodSync(tmp, 0o777); // scripts may run as nobody
    site.write("cgi-bin/sleeper.sh", SLEEPER);
    site.write("cgi-bin/streamer.sh", STREAMER);
    site.write("cgi-bin/staller.sh", STALLER);
    site.write("cgi-bin/ticking.sh", shScript("for i in 1 2 3 4 5 6 7; do echo tick $i; sleep 0.2; done"));
    site.write("cgi-bin/hello.sh", shScript("printf 'hello %s\\n' \"$1\""));
    site.write("cgi-bin/nap.sh", shScript("sleep 0.3\nprintf 'hello %s\\n' \"$1\""));
    site.write("cgi-bin/bad.sh", "#!/bin/sh\necho nonsense\n");
    f = await startServer(cgiHandlerFor(site.root, { protocol: "HTTP/1.1", cgiMax: 100 })); // the tests below run 30 at once
    ft = await startServer(cgiHandlerFor(site.root, { protocol: "HTTP/1.1", cgiTimeout: 0.5 }));
  });

  after(async () => {
    await f.close();
    await ft.close();
    site.rm();
  });

  it("the client resetting the connection kills the script and what it started", async () => {
    const m = marker();
    const conn = await RawConnection.connect(f.port);
    conn.write(buildRequest("GET", `/cgi-bin/sleeper.sh?${m}`, ["Host: x"]));
    await waitForFile(m + ".child");
    const pids = pidsOf(m);
    assert.ok(!gone(pids[0] as number) && !gone(pids[1] as number), "running");
    conn.socket.resetAndDestroy();
    assert.ok(await eventually(() => pids.every(gone), 3000), `killed: ${pids.map((p) => JSON.stringify(processState(p))).join(" ")}`);
    assert.ok(await eventually(() => f.logs.includes("CGI script '/cgi-bin/sleeper.sh' killed: the client went away")), f.logs.join("\n"));
  });

  it("the client closing while the script streams kills it", async () => {
    const m = marker();
    const conn = await RawConnection.connect(f.port);
    conn.write(buildRequest("GET", `/cgi-bin/streamer.sh?${m}`, ["Host: x"]));
    await conn.readUntil((d) => d.includes("line\n"), 5000);
    await waitForFile(m + ".child");
    const pids = pidsOf(m);
    conn.destroy();
    assert.ok(await eventually(() => pids.every(gone), 3000), "killed");
  });

  it("a silent script past cgiTimeout: 504, its group killed, the reason logged", async () => {
    const m = marker();
    const t0 = Date.now();
    const r = await rawRequest(ft.port, buildRequest("GET", `/cgi-bin/sleeper.sh?${m}`, ["Host: x"]), { timeoutMs: 5000, until: (d) => d.includes("</html>") });
    const res = parseResponse(r.data);
    assert.equal(res.status, 504);
    assert.equal(res.reason, "CGI script timed out");
    assert.ok(Date.now() - t0 < 3000);
    assert.ok(await eventually(() => pidsOf(m).every(gone), 3000), "killed");
    assert.ok(ft.logs.includes("CGI script '/cgi-bin/sleeper.sh' killed: no progress for 0.5 seconds"), ft.logs.join("\n"));
  });

  it("a script stalling mid-body past cgiTimeout: the response is cut short (no last chunk) and the connection closed", async () => {
    const m = marker();
    const conn = await RawConnection.connect(ft.port);
    try {
      conn.write(buildRequest("GET", `/cgi-bin/staller.sh?${m}`, ["Host: x"]));
      assert.ok(await conn.waitClose(5000), "closed");
      const text = conn.text;
      assert.match(text, /^HTTP\/1\.1 200 /);
      assert.match(text, /Transfer-Encoding: chunked\r\n/);
      assert.ok(text.endsWith("6\r\nstart\n\r\n"), JSON.stringify(text));
      assert.ok(!text.includes("0\r\n\r\n"), "no last chunk: the client can tell the body is incomplete");
      assert.ok(await eventually(() => pidsOf(m).every(gone), 3000), "killed");
    } finally {
      conn.destroy();
    }
  });

  it("a script that keeps making progress is not cut by cgiTimeout (it is an idle limit)", async () => {
    const r = await rawRequest(ft.port, buildRequest("GET", "/cgi-bin/ticking.sh", ["Host: x", "Connection: close"]), { timeoutMs: 5000 });
    const res = parseResponse(r.data, { closed: true });
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), [1, 2, 3, 4, 5, 6, 7].map((i) => `tick ${i}\n`).join(""));
  });

  it("many scripts at once", async () => {
    const t0 = Date.now();
    const n = 30;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => rawRequest(f.port, buildRequest("GET", `/cgi-bin/nap.sh?n${i}`, ["Host: x", "Connection: close"]), { timeoutMs: 15000 })),
    );
    results.forEach((r, i) => {
      const res = parseResponse(r.data, { closed: true });
      assert.equal(res.status, 200);
      assert.equal(res.body.toString(), `hello n${i}\n`);
    });
    // 30 scripts sleeping 0.3 s each, run concurrently: far less than 9 s
    assert.ok(Date.now() - t0 < 6000, `${Date.now() - t0} ms`);
  });

  it("no zombies and no leaked descriptors after many requests, killed scripts included", async () => {
    // warm up whatever the runtime opens lazily (thread pool, DNS, ...)
    await rawRequest(f.port, buildRequest("GET", "/cgi-bin/hello.sh", ["Host: x", "Connection: close"]));
    await rawRequest(ft.port, buildRequest("GET", "/cgi-bin/hello.sh", ["Host: x", "Connection: close"]));
    await new Promise((r) => setTimeout(r, 200));
    const before = openFds();

    const jobs: Array<Promise<unknown>> = [];
    for (let i = 0; i < 20; i++) {
      jobs.push(rawRequest(f.port, buildRequest("GET", `/cgi-bin/hello.sh?x${i}`, ["Host: x", "Connection: close"]), { timeoutMs: 10000 }));
    }
    for (let i = 0; i < 5; i++) jobs.push(rawRequest(f.port, buildRequest("GET", "/cgi-bin/bad.sh", ["Host: x", "Connection: close"]), { timeoutMs: 10000 }));
    for (let i = 0; i < 5; i++) jobs.push(rawRequest(f.port, buildRequest("GET", "/cgi-bin/missing.sh", ["Host: x", "Connection: close"]), { timeoutMs: 10000 }));
    for (let i = 0; i < 3; i++) jobs.push(rawRequest(ft.port, buildRequest("GET", `/cgi-bin/sleeper.sh?${marker()}`, ["Host: x"]), { timeoutMs: 5000, until: (d) => d.includes("</html>") }));
    const killed: string[] = [];
    for (let i = 0; i < 5; i++) {
      const m = marker();
      killed.push(m);
      jobs.push(
        (async () => {
          const conn = await RawConnection.connect(f.port);
          conn.write(buildRequest("GET", `/cgi-bin/streamer.sh?${m}`, ["Host: x"]));
          await conn.readUntil((d) => d.includes("line\n"), 5000);
          conn.socket.resetAndDestroy();
        })(),
      );
    }
    // a keep-alive connection carrying several CGI requests
    jobs.push(
      (async () => {
        const conn = await RawConnection.connect(f.port);
        const one = buildRequest("GET", "/cgi-bin/hello.sh?ka", ["Host: x"]);
        conn.write([one, one, one, buildRequest("GET", "/cgi-bin/hello.sh?ka", ["Host: x", "Connection: close"])]);
        await conn.waitClose(10000);
        assert.equal(parseResponses(conn.received, { closed: true }).responses.length, 4);
        conn.destroy();
      })(),
    );
    await Promise.all(jobs);
    for (const m of killed) {
      await waitForFile(m + ".child");
      assert.ok(await eventually(() => pidsOf(m).every(gone), 3000), "killed");
    }

    const settled = await eventually(() => openFds().size <= before.size && zombieChildren().length === 0, 5000);
    const afterFds = openFds();
    const extra = [...afterFds].filter(([fd, target]) => before.get(fd) !== target);
    assert.ok(settled, `descriptors before ${before.size}, after ${afterFds.size}: new ${JSON.stringify(extra)}; zombies ${zombieChildren().join(",")}`);
    assert.deepEqual(extra, []);
    assert.deepEqual(zombieChildren(), []);
  });
});
