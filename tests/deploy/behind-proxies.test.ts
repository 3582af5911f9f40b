/**
 * Several instances behind the load balancers people run (issue 13), with
 * the real engines: nginx (Debian nginx-light) and HAProxy (Debian haproxy)
 * in front of two `node dist/cli.js` instances on loopback.
 *
 * - nginx with X-Forwarded-For: the instances log the real client (a
 *   client bound to 127.0.0.2), not nginx (127.0.0.1); a forged
 *   X-Forwarded-For is ignored from a peer that is not trusted, and cannot
 *   displace the real client through nginx.
 * - The same answers from every instance: an ETag from one gives 304 from
 *   the other; a download resumed on the other with If-Range is byte-exact.
 * - HAProxy with `send-proxy-v2` and `send-proxy` (v1): the client's address
 *   arrives in the PROXY header.
 * - A rolling restart through nginx: 200 requests a second for 10 s while
 *   each instance in turn gets SIGTERM and is started again on its port; the
 *   same with one instance of `--workers 2` getting SIGHUP; no request
 *   fails, no body is cut (each is hashed).
 *
 * In CI (CI=true) a missing nginx or haproxy is a failure; elsewhere the
 * tests are skipped. .ci/run installs both.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { indent, nginxConf, proxyToSimplehttp } from "../../bench/lib/nginx-conf.mjs";
import { startCli, type RunningCli } from "../cli/helpers.js";

const inCI = (process.env["CI"] ?? "") !== "" && process.env["CI"] !== "false" && process.env["CI"] !== "0";
const which = (names: string[]): string | undefined => names.find((p) => existsSync(p));
const NGINX = which(["/usr/sbin/nginx", "/usr/bin/nginx"]);
const HAPROXY = which(["/usr/sbin/haproxy", "/usr/bin/haproxy"]);
const skipNginx = NGINX === undefined && !inCI ? "nginx is not installed (apt-get install nginx-light); required when CI=true" : false;
const skipHaproxy = HAPROXY === undefined && !inCI ? "haproxy is not installed (apt-get install haproxy); required when CI=true" : false;

const dir = mkdtempSync(path.join(os.tmpdir(), "simplehttp-deploy-"));
const www = path.join(dir, "www");
const BIG = Buffer.alloc(256 * 1024);
for (let i = 0; i < BIG.length; i++) BIG[i] = (i * 31 + (i >> 8)) & 0xff;
const BIG_SHA = createHash("sha256").update(BIG).digest("hex");

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One GET from `localAddress` (a loopback address of our choosing, so the client is told apart from the proxy). */
function get(port: number, target: string, headers: http.OutgoingHttpHeaders = {}, localAddress = "127.0.0.2", agent: http.Agent | false = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: target, headers, localAddress, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.setTimeout(10_000, () => req.destroy(new Error("timeout")));
    req.end();
  });
}

/** Starts a program that stays in the foreground; resolves once `port` accepts connections. */
async function startDaemon(cmd: string, args: string[], port: number): Promise<ChildProcess> {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (out += c.toString()));
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`${cmd} exited ${child.exitCode}: ${out}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (up) return child;
    await sleep(50);
  }
  child.kill("SIGKILL");
  throw new Error(`${cmd} did not listen on ${port}: ${out}`);
}

async function stopDaemon(child: ChildProcess | undefined, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill(signal);
  const t = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(t);
}

/** nginx in front of `upstreams` with the README's Deploying block (bench/lib/nginx-conf.mjs writes both). */
function nginxConfFor(port: number, upstreams: number[], prefix: string): string {
  return nginxConf({
    dir: prefix,
    comment: "generated by tests/deploy/behind-proxies.test.ts",
    masterProcess: false,
    http: `    access_log off;\n${indent(proxyToSimplehttp({ listen: `127.0.0.1:${port}`, upstreams }))}`,
  });
}

it("the README's Deploying block is the one these tests run", () => {
  const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
  const printed = /```nginx\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.equal(printed, proxyToSimplehttp({ listen: 80, upstreams: [8001, 8002] }));
});

before(() => {
  mkdirSync(www, { recursive: true });
  chmodSync(dir, 0o755);
  chmodSync(www, 0o755);
  writeFileSync(path.join(www, "hello.txt"), "hello\n");
  writeFileSync(path.join(www, "big.bin"), BIG);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** An instance of the command serving `www`, started on `port` (0: any), trusting nginx (127.0.0.1) only. */
function instance(port: number, extra: string[] = []): Promise<RunningCli> {
  return startCli(["-b", "127.0.0.1", "-d", www, "--trusted-proxy", "127.0.0.1", ...extra, String(port)]);
}

/** The client addresses of the request lines an instance logged. */
const loggedClients = (cli: RunningCli): string[] => [...cli.stderr().matchAll(/^(\S+) - - \[[^\]]+\] "GET /gm)].map((m) => m[1] as string);

describe("behind nginx", { skip: skipNginx }, () => {
  let a: RunningCli;
  let b: RunningCli;
  let nginx: ChildProcess | undefined;
  let port = 0;

  before(async () => {
    a = await instance(0);
    b = await instance(0);
    port = await freePort();
    const prefix = path.join(dir, "nginx");
    mkdirSync(prefix, { recursive: true });
    const conf = path.join(prefix, "nginx.conf");
    writeFileSync(conf, nginxConfFor(port, [a.port, b.port], prefix));
    nginx = await startDaemon(NGINX as string, ["-p", prefix, "-c", conf, "-e", path.join(prefix, "error.log")], port);
  });
  after(async () => {
    await stopDaemon(nginx, "SIGQUIT");
    await a?.stop("SIGTERM");
    await b?.stop("SIGTERM");
  });

  it("the instances log the client's address, not nginx's; a forged X-Forwarded-For does not displace it", async () => {
    for (let i = 0; i < 4; i++) assert.equal((await get(port, "/hello.txt")).status, 200);
    assert.equal((await get(port, "/hello.txt", { "X-Forwarded-For": "6.6.6.6" })).status, 200);
    await sleep(200);
    const clients = [...loggedClients(a), ...loggedClients(b)];
    assert.equal(clients.length, 5, a.stderr() + b.stderr());
    assert.deepEqual([...new Set(clients)], ["127.0.0.2"]);
  });

  it("an untrusted peer's X-Forwarded-For is ignored", async () => {
    const before = loggedClients(a).length;
    assert.equal((await get(a.port, "/hello.txt", { "X-Forwarded-For": "6.6.6.6", Forwarded: "for=6.6.6.6" }, "127.0.0.3")).status, 200);
    await sleep(200);
    assert.deepEqual(loggedClients(a).slice(before), ["127.0.0.3"]);
  });

  it("an ETag from one instance gives 304 from the other, and a download resumed there is byte-exact", async () => {
    const first = await get(a.port, "/big.bin");
    const etag = first.headers.etag;
    assert.ok(etag, "an ETag");
    const revalidated = await get(b.port, "/big.bin", { "If-None-Match": etag });
    assert.equal(revalidated.status, 304);
    const head = first.body.subarray(0, 100_000);
    const rest = await get(b.port, "/big.bin", { Range: "bytes=100000-", "If-Range": etag });
    assert.equal(rest.status, 206);
    assert.equal(createHash("sha256").update(Buffer.concat([head, rest.body])).digest("hex"), BIG_SHA);
  });

  it("a rolling restart under 200 requests a second for 10 s: no request fails, no body is cut", async () => {
    const load = loadThrough(port);
    for (const which of ["a", "b"] as const) {
      await sleep(3000);
      const old = which === "a" ? a : b;
      const exit = await old.stop("SIGTERM");
      assert.equal(exit.code, 0, `instance ${which} drains and exits 0`);
      await sleep(300);
      const again = await instance(old.port);
      if (which === "a") a = again;
      else b = again;
    }
    await sleep(3000);
    const { failures, done } = await load.stop();
    assert.deepEqual(failures, []);
    assert.ok(done >= 1500, `${done} requests completed`);
  });
});

/**
 * 200 GETs of big.bin a second through `port` (kept-alive connections) until
 * `stop()`: how many completed, and every failure (a status, a cut or changed
 * body, an error).
 */
function loadThrough(port: number): { stop(): Promise<{ failures: string[]; done: number }> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const failures: string[] = [];
  let done = 0;
  let running = true;
  const loop = (async () => {
    const inflight = new Set<Promise<void>>();
    while (running) {
      const p = get(port, "/big.bin", {}, "127.0.0.2", agent)
        .then((r) => {
          if (r.status !== 200) failures.push(`status ${r.status}`);
          else if (createHash("sha256").update(r.body).digest("hex") !== BIG_SHA) failures.push(`body of ${r.body.length} bytes`);
          done++;
        })
        .catch((err: Error) => {
          failures.push(err.message);
        });
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      await sleep(5); // 200 a second
    }
    await Promise.all(inflight);
  })();
  return {
    async stop() {
      running = false;
      await loop;
      agent.destroy();
      return { failures, done };
    },
  };
}

describe("behind nginx, --workers 2 and SIGHUP", { skip: skipNginx }, () => {
  it("every worker replaced under 200 requests a second for 10 s through nginx: no request fails", async () => {
    const cli = await instance(0, ["-q", "--workers", "2"]);
    const port = await freePort();
    const prefix = path.join(dir, "nginx-workers");
    mkdirSync(prefix, { recursive: true });
    const conf = path.join(prefix, "nginx.conf");
    writeFileSync(conf, nginxConfFor(port, [cli.port], prefix));
    const nginx = await startDaemon(NGINX as string, ["-p", prefix, "-c", conf, "-e", path.join(prefix, "error.log")], port);
    try {
      const load = loadThrough(port);
      await sleep(3000);
      process.kill(cli.pid, "SIGHUP");
      await sleep(7000);
      const { failures, done } = await load.stop();
      assert.match(cli.stderr(), /SIGHUP: replacing 2 workers one at a time/);
      assert.ok(!cli.stderr().includes("a worker stopped"), cli.stderr());
      assert.deepEqual(failures, []);
      assert.ok(done >= 1500, `${done} requests completed`);
    } finally {
      await stopDaemon(nginx, "SIGQUIT");
      await cli.stop("SIGTERM");
    }
  });
});

describe("behind HAProxy with the PROXY protocol", { skip: skipHaproxy }, () => {
  let cli: RunningCli;
  let haproxy: ChildProcess | undefined;
  const ports: Record<"v1" | "v2", number> = { v1: 0, v2: 0 };

  before(async () => {
    cli = await startCli(["-b", "127.0.0.1", "-d", www, "--proxy-protocol", "0"]);
    ports.v1 = await freePort();
    ports.v2 = await freePort();
    const conf = path.join(dir, "haproxy.cfg");
    writeFileSync(
      conf,
      `global
  maxconn 256
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend v2
  bind 127.0.0.1:${ports.v2}
  default_backend v2
backend v2
  server s1 127.0.0.1:${cli.port} send-proxy-v2
frontend v1
  bind 127.0.0.1:${ports.v1}
  default_backend v1
backend v1
  server s1 127.0.0.1:${cli.port} send-proxy
`,
    );
    haproxy = await startDaemon(HAPROXY as string, ["-db", "-f", conf], ports.v2);
  });
  after(async () => {
    await stopDaemon(haproxy, "SIGUSR1");
    await stopDaemon(haproxy, "SIGKILL");
    await cli?.stop("SIGTERM");
  });

  it("the client's address arrives in the PROXY header, v2 and v1", async () => {
    const before = loggedClients(cli).length;
    const v2 = await get(ports.v2, "/hello.txt", {}, "127.0.0.2");
    const v1 = await get(ports.v1, "/hello.txt", {}, "127.0.0.4");
    assert.equal(v2.status, 200);
    assert.equal(v2.body.toString(), "hello\n");
    assert.equal(v1.status, 200);
    await sleep(200);
    assert.deepEqual(loggedClients(cli).slice(before), ["127.0.0.2", "127.0.0.4"]);
  });

  it("a connection without a PROXY header is closed without a byte, and others are served meanwhile", async () => {
    const plain = await new Promise<string>((resolve) => {
      let got = "";
      const s = net.connect(cli.port, "127.0.0.1", () => s.write("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"));
      s.on("data", (d: Buffer) => (got += d.toString()));
      s.on("error", () => {});
      s.on("close", () => resolve(got));
    });
    assert.equal(plain, "");
    assert.equal((await get(ports.v2, "/hello.txt")).status, 200);
  });
});
