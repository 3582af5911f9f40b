#!/usr/bin/env node
// npm run soak: the hostile clients of issue 10 at full scale, one after another, against
// `node dist/cli.js`, with a normal client alongside. Prints one table row per attack: the
// server's peak RSS and descriptors, and the normal client's latency. Not part of CI.
//
//   node bench/soak.mjs [--duration S] [--only NAME,...]
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, openSync, ftruncateSync, closeSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({ options: { duration: { type: "string", default: "20" }, only: { type: "string" } } });
const DURATION = Number(values.duration) * 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const www = mkdtempSync(path.join(os.tmpdir(), "simplehttp-soak-"));
writeFileSync(path.join(www, "1k.bin"), Buffer.alloc(1024, 7));
const big = openSync(path.join(www, "big.bin"), "w");
ftruncateSync(big, 2 * 1024 ** 3); // 2 GiB, sparse
closeSync(big);

chmodSync(www, 0o755); // as root, scripts run as nobody, who must reach them
mkdirSync(path.join(www, "cgi-bin"), { mode: 0o755 });
// Reads its input, then answers after a while: what a slow CGI application does.
writeFileSync(path.join(www, "cgi-bin", "slow.sh"), "#!/bin/sh\ncat > /dev/null\nsleep 30\nprintf 'Content-Type: text/plain\\r\\n\\r\\nlate\\n'\n", { mode: 0o755 });

/** Starts the server (with `flags` before the others); resolves with its pid and port. */
function startServer(flags = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "dist/cli.js"), ...flags, "-q", "-b", "127.0.0.1", "-d", www, "0"], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /port (\d+)/.exec(out);
      if (m) resolve({ child, pid: child.pid, port: Number(m[1]) });
    });
    child.on("exit", (code) => reject(new Error(`server exited (${code})`)));
  });
}

/** Processes whose parent is `pid` (CGI scripts lead groups of their own, but are its children). */
function children(pid) {
  let n = 0;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "latin1");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) n++;
    } catch {}
  }
  return n;
}

/** The server's resident size (MiB), open descriptors and child processes. */
function sample(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  const fds = readdirSync(`/proc/${pid}/fd`).length;
  return { rss, fds, procs: children(pid) };
}

/**
 * A normal client: one GET of 1k.bin after another on fresh connections; latencies in ms
 * from connect() to the last byte, and to the first byte of the answer (`firstBytes`).
 */
async function normalClient(port, until, latencies, firstBytes) {
  while (Date.now() < until) {
    const t0 = performance.now();
    await new Promise((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => s.write("GET /1k.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
      s.setTimeout(10_000, () => s.destroy());
      s.on("error", () => {});
      s.once("data", () => firstBytes.push(performance.now() - t0));
      s.on("close", resolve);
    });
    latencies.push(performance.now() - t0);
    await sleep(20);
  }
}

/** The attacks: each opens its connections and keeps them busy until `until`; returns what it closes. */
const ATTACKS = {
  "slowloris (2,000 connections, a header byte every 5 s)": async (port, until) => {
    const socks = [];
    for (let i = 0; i < 2000; i++) {
      const s = net.connect(port, "127.0.0.1", () => s.write("GET / HTTP/1.1\r\nHost: x\r\n"));
      s.on("error", () => {});
      socks.push(s);
      if (i % 200 === 0) await sleep(10);
    }
    while (Date.now() < until) {
      for (const s of socks) if (!s.destroyed) s.write("X");
      await sleep(5000);
    }
    return socks;
  },
  "idle keep-alive (5,000 connections after one request)": async (port) => {
    const socks = [];
    for (let i = 0; i < 5000; i++) {
      const s = net.connect(port, "127.0.0.1", () => s.write("GET /1k.bin HTTP/1.1\r\nHost: x\r\n\r\n"));
      s.on("error", () => {});
      s.on("data", () => {});
      socks.push(s);
      if (i % 250 === 0) await sleep(10);
    }
    return socks;
  },
  "header bomb (1,000 heads of 60 KiB, unfinished)": async (port) => {
    const socks = [];
    const line = `X-Bomb: ${"z".repeat(8000)}\r\n`;
    for (let i = 0; i < 1000; i++) {
      const s = net.connect(port, "127.0.0.1", () => s.write("GET / HTTP/1.1\r\nHost: x\r\n" + line.repeat(7)));
      s.on("error", () => {});
      s.on("data", () => {});
      socks.push(s);
      if (i % 100 === 0) await sleep(10);
    }
    return socks;
  },
  "pipelining flood (200 connections x 20,000 requests, responses unread)": async (port) => {
    const socks = [];
    const reqs = "GET /1k.bin HTTP/1.1\r\nHost: x\r\n\r\n".repeat(20_000);
    for (let i = 0; i < 200; i++) {
      const s = net.connect(port, "127.0.0.1", () => s.write(reqs));
      s.on("error", () => {});
      s.pause(); // never read
      socks.push(s);
    }
    return socks;
  },
  "slow readers (200 downloads of a 2 GiB file, never read)": async (port) => {
    const socks = [];
    for (let i = 0; i < 200; i++) {
      const s = net.connect(port, "127.0.0.1", () => s.write("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"));
      s.on("error", () => {});
      s.pause();
      socks.push(s);
    }
    return socks;
  },
  "CGI pile-up (--cgi: 500 clients that leave before the answer, 100 bodies at 10 bytes/s)": async (port) => {
    const socks = [];
    for (let i = 0; i < 500; i++) {
      const s = net.connect(port, "127.0.0.1", () => {
        s.write("POST /cgi-bin/slow.sh HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        setTimeout(() => s.end(), 200);
      });
      s.on("error", () => {});
      if (i % 50 === 0) await sleep(10);
    }
    for (let i = 0; i < 100; i++) {
      const s = net.connect(port, "127.0.0.1", () => s.write("POST /cgi-bin/slow.sh HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"));
      s.on("error", () => {});
      const drip = setInterval(() => (s.destroyed ? clearInterval(drip) : s.write("x")), 100);
      socks.push(s);
    }
    return socks;
  },
  "reset storm (requests whose client resets at once, 20 s)": async (port, until) => {
    while (Date.now() < until) {
      const batch = [];
      for (let i = 0; i < 50; i++) {
        batch.push(new Promise((resolve) => {
          const s = net.connect(port, "127.0.0.1", () => {
            s.write("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
            setImmediate(() => {
              s.resetAndDestroy();
              resolve();
            });
          });
          s.on("error", () => resolve());
        }));
      }
      await Promise.all(batch);
    }
    return [];
  },
};

const pct = (xs, p) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

const only = values.only ? values.only.split(",") : null;
const rows = [];
for (const [name, attack] of Object.entries(ATTACKS)) {
  if (only && !only.some((o) => name.startsWith(o))) continue;
  const server = await startServer(name.includes("--cgi") ? ["--cgi"] : []);
  const base = sample(server.pid);
  const until = Date.now() + DURATION;
  const latencies = [];
  const firstBytes = [];
  let peak = { ...base };
  const sampler = setInterval(() => {
    try {
      const s = sample(server.pid);
      peak = { rss: Math.max(peak.rss, s.rss), fds: Math.max(peak.fds, s.fds), procs: Math.max(peak.procs, s.procs) };
    } catch {}
  }, 200);
  const [socks] = await Promise.all([attack(server.port, until), normalClient(server.port, until, latencies, firstBytes)]);
  await sleep(Math.max(0, until - Date.now()));
  clearInterval(sampler);
  const alive = server.child.exitCode === null;
  for (const s of socks) s.destroy();
  await sleep(1000);
  const after = alive ? sample(server.pid) : { rss: NaN, fds: NaN, procs: NaN };
  server.child.kill("SIGKILL");
  rows.push({ name, base, peak, after, alive, n: latencies.length, p50: pct(latencies, 50), p99: pct(latencies, 99), max: pct(latencies, 100), fb99: pct(firstBytes, 99) });
  console.error(`[soak] ${name}: peak RSS ${peak.rss.toFixed(0)} MiB, fds ${peak.fds}, normal client p99 ${pct(latencies, 99).toFixed(1)} ms over ${latencies.length} requests`);
}
rmSync(www, { recursive: true, force: true });

const cpu = os.cpus()[0]?.model ?? "?";
console.log(`\nSoak: ${DURATION / 1000} s per attack, ${cpu}, ${os.cpus().length} cores, Node ${process.version}; server \`node dist/cli.js -q\`; a normal client sends one GET of a 1 KiB file per fresh connection every 20 ms alongside.\n`);
console.log("| attack | RSS before → peak → after (MiB) | descriptors peak | processes peak → after | server alive | normal client: requests, p50 / p99 / max (ms) | first byte p99 (ms) |");
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) {
  console.log(`| ${r.name} | ${r.base.rss.toFixed(0)} → ${r.peak.rss.toFixed(0)} → ${r.after.rss.toFixed(0)} | ${r.peak.fds} | ${r.peak.procs} → ${r.after.procs} | ${r.alive ? "yes" : "**no**"} | ${r.n}, ${r.p50.toFixed(1)} / ${r.p99.toFixed(1)} / ${r.max.toFixed(0)} | ${r.fb99.toFixed(1)} |`);
}
process.exit(0);
