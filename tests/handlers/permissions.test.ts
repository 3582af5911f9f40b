/**
 * Unreadable files and directories. Root reads everything whatever the mode,
 * so when the tests run as root the command is started as `nobody`
 * (uid/gid 65534); otherwise as the current user. Either way the server
 * really meets EACCES from the file system.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync, chmodSync, readFileSync } from "node:fs";
import path from "node:path";
import { removeDir, tempDir } from "../helpers/file-server.js";
import { request } from "../helpers/raw-client.js";
import { runCli, startCli, type RunningCli } from "../cli/helpers.js";

const asRoot = process.getuid?.() === 0;
const identity = asRoot ? { uid: 65534, gid: 65534 } : {};
// Root without CAP_SETUID (some containers) cannot start the server as nobody, and
// root itself reads every file whatever its mode: then nothing here can be tested.
const cannotDropRoot = asRoot && spawnSync(process.execPath, ["-e", ""], identity).error !== undefined;
const skip = cannotDropRoot ? "running as root without permission to switch to nobody: root reads everything, so no path can be made unreadable" : false;

describe(`unreadable paths (server running as ${asRoot ? "nobody" : "the current user"})`, { skip }, () => {
  let root: string;
  let cli: RunningCli;

  before(async () => {
    root = tempDir();
    mkdirSync(path.join(root, "locked"));
    writeFileSync(path.join(root, "locked", "inside.txt"), "inside");
    chmodSync(path.join(root, "locked"), 0o000);
    mkdirSync(path.join(root, "open"));
    writeFileSync(path.join(root, "open", "ok.txt"), "ok");
    writeFileSync(path.join(root, "secret.txt"), "secret");
    chmodSync(path.join(root, "secret.txt"), 0o000);
    writeFileSync(path.join(root, "public.txt"), "public");
    chmodSync(path.join(root, "public.txt"), 0o644);
    mkdirSync(path.join(root, "later"));
    writeFileSync(path.join(root, "later", "f.txt"), "f");
    writeFileSync(path.join(root, "later.txt"), "readable for now");
    chmodSync(path.join(root, "later.txt"), 0o644);
    cli = await startCli(["-b", "127.0.0.1", "-d", root, "0"], identity);
    // Settled directories and small files may be served from memory: let these settle.
    await new Promise((r) => setTimeout(r, 2300));
  });
  after(async () => {
    await cli.stop("SIGTERM");
    chmodSync(path.join(root, "locked"), 0o755);
    chmodSync(path.join(root, "later"), 0o755);
    removeDir(root);
  });

  test("a directory that cannot be read: 404 No permission to list directory", async () => {
    const r = await request(cli.port, "GET", "/locked/");
    assert.equal(r.status, 404);
    assert.equal(r.reason, "No permission to list directory");
    assert.match(r.body.toString(), /<p>Message: No permission to list directory.<\/p>/);
    const head = await request(cli.port, "HEAD", "/locked/");
    assert.equal(head.status, 404);
    assert.equal(head.body.length, 0);
  });

  test("a file in a directory that cannot be searched: 404", async () => {
    assert.equal((await request(cli.port, "GET", "/locked/inside.txt")).status, 404);
  });

  test("a file that cannot be read: 404 File not found, and the server goes on", async () => {
    const r = await request(cli.port, "GET", "/secret.txt");
    assert.equal(r.status, 404);
    assert.equal(r.reason, "File not found");
    assert.equal((await request(cli.port, "GET", "/public.txt")).body.toString(), "public");
    assert.equal((await request(cli.port, "GET", "/open/")).status, 200);
    assert.doesNotMatch(cli.stderr(), /    at /);
  });

  test("permissions taken away after a listing or a file was served: 404 from then on", async () => {
    for (let i = 0; i < 2; i++) {
      assert.equal((await request(cli.port, "GET", "/later/")).status, 200);
      assert.equal((await request(cli.port, "GET", "/later.txt")).body.toString(), "readable for now");
    }
    chmodSync(path.join(root, "later"), 0o000);
    chmodSync(path.join(root, "later.txt"), 0o000);
    const listing = await request(cli.port, "GET", "/later/");
    assert.equal(listing.status, 404);
    assert.equal(listing.reason, "No permission to list directory");
    assert.equal((await request(cli.port, "GET", "/later.txt")).status, 404);
  });

  test("a privileged port as an ordinary user: one line naming the port, exit 1", async (t) => {
    let start = 1024;
    try {
      start = Number(readFileSync("/proc/sys/net/ipv4/ip_unprivileged_port_start", "utf8"));
    } catch {
      // not Linux: the classic rule
    }
    if (start <= 80) {
      t.skip("this machine lets anyone bind port 80");
      return;
    }
    const r = await runCli(["-b", "127.0.0.1", "-d", root, "80"], identity);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^simplehttp: error: [^\n]*\b80\b[^\n]*\n$/);
  });

  test("the command refuses to serve a directory it cannot read: one line, exit 2", async () => {
    const locked = path.join(root, "locked");
    const r = await runCli(["-b", "127.0.0.1", "-d", locked, "0"], identity);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, `simplehttp: error: directory not readable: ${locked}\n`);
  });
});
