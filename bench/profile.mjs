#!/usr/bin/env node
// npm run profile: where simplehttp's time goes in one benchmark cell. Starts `node dist/cli.js -q`
// with --cpu-prof on CPU 0, loads one cell's URL with wrk on CPU 1 (warm-up, then the measured
// part), stops the server, and prints the server's CPU time per request (user + system, from
// /proc) and the functions with the most self time in the V8 profile. Not part of CI.
//
//   node bench/profile.mjs [--cell a|b|c|e|g|h|i|j] [--duration S] [--top N] [--log] [-- extra CLI flags]
//   --log: the access log on (no -q), written to a file, as users run it
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { FILES, JS_FILE, LISTING_DIR, makeFixture } from "./lib/fixture.mjs";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { values, positionals } = parseArgs({
  options: { cell: { type: "string", default: "a" }, duration: { type: "string", default: "5" }, top: { type: "string", default: "25" }, log: { type: "boolean", default: false } },
  allowPositionals: true,
});
const CELLS = {
  a: { path: `/${FILES.small.name}`, headers: [] },
  b: { path: `/${FILES.small.name}`, headers: ["Connection: close"] },
  c: { path: `/${FILES.medium.name}`, headers: [] },
  e: { path: `/${LISTING_DIR}/`, headers: [] },
  g: { path: `/${FILES.small.name}`, headers: ["If-None-Match: *"] },
  h: { path: `/${FILES.small.name}`, headers: ["Accept-Encoding: gzip, deflate, br, zstd"] },
  i: { path: `/${JS_FILE.name}`, headers: ["Accept-Encoding: gzip, deflate, br"] },
  j: { path: `/${FILES.large.name}`, headers: ["Range: bytes=1048576-1114111"] },
};
const cell = CELLS[values.cell];
if (!cell) throw new Error(`--cell takes one of ${Object.keys(CELLS).join(", ")}`);
const seconds = Number(values.duration);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "simplehttp-profile-"));
const www = path.join(tmp, "www");
fs.mkdirSync(www);
makeFixture(www);
const profDir = path.join(tmp, "prof");
const port = await new Promise((resolve) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});

const logFd = values.log ? fs.openSync(path.join(tmp, "access.log"), "w") : "ignore";
const quiet = values.log ? [] : ["-q"];
const server = spawn("taskset", ["-c", "0", process.execPath, "--cpu-prof", `--cpu-prof-dir=${profDir}`, path.join(ROOT, "dist/cli.js"), ...quiet, ...positionals, "-b", "127.0.0.1", "-d", www, String(port)], {
  stdio: ["ignore", logFd, logFd],
});
if (typeof logFd === "number") fs.closeSync(logFd);
await sleep(800);
const url = `http://127.0.0.1:${port}${cell.path}`;
const wrk = (secs) => {
  const args = ["-c", "1", "wrk", "-t1", "-c50", `-d${secs}s`, ...cell.headers.flatMap((h) => ["-H", h]), url];
  return execFileSync("taskset", args, { encoding: "utf8" });
};
const cpu = () => {
  const stat = fs.readFileSync(`/proc/${server.pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks
};
wrk(3); // warm-up: measured warm, as the bench does
const before = cpu();
const out = wrk(seconds);
const ticks = cpu() - before;
const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
server.kill("SIGINT"); // --cpu-prof writes its profile on a clean exit
await new Promise((r) => server.once("exit", r));

const file = fs.readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
const profile = JSON.parse(fs.readFileSync(path.join(profDir, file), "utf8"));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const f = nodes.get(id).callFrame;
  const where = f.url.startsWith("file:") ? path.relative(ROOT, fileURLToPath(f.url)) : f.url;
  const key = `${f.functionName || "(anonymous)"}  ${where ? `${where}:${f.lineNumber + 1}` : ""}`;
  self.set(key, (self.get(key) ?? 0) + dt);
});
const hz = 100; // clock ticks per second on Linux
console.log(`cell ${values.cell}: GET ${cell.path} ${cell.headers.join(", ")}`);
console.log(`${requests} requests in ${seconds} s (${Math.round(requests / seconds)} req/s); server CPU ${((ticks / hz) * 1e6 / Math.max(1, requests)).toFixed(2)} µs per request`);
console.log(`\nself time (the whole profile, warm-up included):`);
for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  console.log(`${((100 * t) / total).toFixed(1).padStart(5)} %  ${key}`);
}
fs.rmSync(tmp, { recursive: true, force: true });
