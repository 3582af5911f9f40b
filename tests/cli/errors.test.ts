/**
 * Errors a person can act on: one line (or usage and a line), the right exit
 * status, and never a stack trace.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import os from "node:os";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { removeDir, tempDir } from "../helpers/file-server.js";
import { runCli } from "./helpers.js";
import { USAGE, HELP } from "../../src/cli/options.js";

let root: string;
before(() => {
  root = tempDir();
  writeFileSync(path.join(root, "file.txt"), "not a directory");
});
after(() => removeDir(root));

function noTrace(stderr: string): void {
  assert.doesNotMatch(stderr, /    at /);
  assert.doesNotMatch(stderr, /Error:|node:internal/);
}

/** A usage error: argparse's two parts on stderr, nothing on stdout, exit 2. */
async function usageError(args: string[], message: string | RegExp): Promise<void> {
  const r = await runCli(args);
  assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
  assert.equal(r.stdout, "");
  assert.ok(r.stderr.startsWith(USAGE + "\n"), r.stderr);
  const last = r.stderr.slice(USAGE.length + 1);
  assert.ok(last.endsWith("\n") && last.split("\n").length === 2, `one line after the usage: ${JSON.stringify(last)}`);
  if (typeof message === "string") assert.equal(last, `simplehttp: error: ${message}\n`);
  else assert.match(last, message);
  noTrace(r.stderr);
}

/** An error that is not about usage: exactly one line on stderr. */
async function oneLine(args: string[], code: number, message: string | RegExp): Promise<void> {
  const r = await runCli(args);
  assert.equal(r.code, code, `${args.join(" ")}: ${r.stderr}`);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr.split("\n").length, 2, `one line: ${JSON.stringify(r.stderr)}`);
  if (typeof message === "string") assert.equal(r.stderr, `simplehttp: error: ${message}\n`);
  else assert.match(r.stderr, message);
  noTrace(r.stderr);
}

test("port in use: one line naming the port, exit 1", async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    await oneLine(["-b", "127.0.0.1", "-d", root, String(port)], 1, new RegExp(`^simplehttp: error: port ${port} is already in use.*\\n$`));
  } finally {
    await new Promise<void>((r) => blocker.close(() => r()));
  }
});

test("bad port abc: usage and argparse's message, exit 2", async () => {
  await usageError(["abc"], "argument port: invalid int value: 'abc'");
});

test("bad port 70000: usage and a message, exit 2", async () => {
  await usageError(["70000"], /^simplehttp: error: argument port: 70000 .*\n$/);
});

test("bad PORT in the environment: usage and a message, exit 2", async () => {
  const r = await runCli(["-d", root], { env: { ...process.env, PORT: "http" } });
  assert.equal(r.code, 2);
  assert.ok(r.stderr.endsWith("simplehttp: error: argument port: invalid int value: 'http'\n"), r.stderr);
});

test("unknown option: usage, exit 2", async () => {
  await usageError(["--frobnicate"], "unrecognized arguments: --frobnicate");
  await usageError(["8000", "extra"], "unrecognized arguments: extra");
});

test("an option without its value: usage, exit 2", async () => {
  await usageError(["-d"], "argument -d/--directory: expected one argument");
});

test("missing directory: one line, exit 2", async () => {
  const missing = path.join(root, "nope");
  await oneLine(["-d", missing, "0"], 2, `directory not found: ${missing}`);
});

test("-d pointing at a file: one line, exit 2", async () => {
  const file = path.join(root, "file.txt");
  await oneLine(["-d", file, "0"], 2, `not a directory: ${file}`);
});

test("-H malformed: usage and a message, exit 2", async () => {
  await usageError(["-H", "NoColon"], /^simplehttp: error: argument -H\/--header: .*NoColon.*\n$/);
  await usageError(["-H", "NoColon", "-q", "0"], /^simplehttp: error: argument -H\/--header: .*NoColon.*\n$/);
  await usageError(["-H", "Bad Name: x", "0"], /^simplehttp: error: argument -H\/--header: .*\n$/);
  await usageError(["-H", "X: a\r\nInjected: 1", "0"], /^simplehttp: error: argument -H\/--header: .*\n$/);
});

test("-p with something that is not an HTTP version: usage, exit 2", async () => {
  await usageError(["-p", "HTTP/2", "0"], /^simplehttp: error: argument -p\/--protocol: .*\n$/);
});

test("a bind address that does not resolve: one line, non-zero exit", async () => {
  const bad = await runCli(["-b", "no-such-host.invalid", "-d", root, "0"]);
  assert.notEqual(bad.code, 0);
  assert.equal(bad.stderr.split("\n").length, 2, bad.stderr);
  assert.match(bad.stderr, /^simplehttp: error: .*no-such-host\.invalid/);
  noTrace(bad.stderr);
});

test("an address not on this machine: one line, exit 1", async () => {
  const mine = new Set(Object.values(os.networkInterfaces()).flatMap((l) => (l ?? []).map((i) => i.address)));
  const addr = ["203.0.113.77", "198.51.100.77", "192.0.2.77"].find((a) => !mine.has(a)) as string;
  await oneLine(["-b", addr, "-d", root, "0"], 1, new RegExp(`^simplehttp: error: .*${addr.replace(/\./g, "\\.")}.*\n$`));
});

test("--version: the package version on stdout, exit 0", async () => {
  const r = await runCli(["--version"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^simplehttp \d+\.\d+\.\d+\S*\n$/);
  assert.equal(r.stderr, "");
});

test("-h: the help on stdout, exit 0", async () => {
  for (const flag of ["-h", "--help"]) {
    const r = await runCli([flag]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, HELP + "\n");
    assert.equal(r.stderr, "");
  }
});
