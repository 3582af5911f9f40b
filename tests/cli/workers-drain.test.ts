/**
 * SIGTERM with --workers lets every response in flight finish, as in
 * single-process mode, even when each worker gets the signal twice (from the
 * process group, as a terminal, systemd or `kill -TERM -PGID` sends it, and
 * from the primary). Issue 10, item 1.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, openSync, closeSync, ftruncateSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startCli } from "./helpers.js";
import { cliCommand } from "../helpers/real-clients.js";
import { childrenOf } from "../helpers/processes.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "simplehttp-drain-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const SIZE = 48 * 1024 * 1024;
const fd = openSync(path.join(dir, "big.bin"), "w");
ftruncateSync(fd, SIZE); // sparse: 48 MiB of zeros, nothing written to disk
closeSync(fd);

describe("SIGTERM with --workers", () => {
  it("a download in progress finishes whole, though every process of the group got SIGTERM, and the command exits 0", async () => {
    const cli = await startCli(["--workers", "2", "-q", "-b", "127.0.0.1", "-d", dir, "0"], { command: cliCommand() });
    const out = path.join(dir, "out.bin");
    try {
      // About 3 s at 16 MiB/s: the signal comes 0.5 s in.
      const curl = spawn("curl", ["-s", "-o", out, "--limit-rate", "16M", "-w", "%{http_code} %{size_download}", `http://127.0.0.1:${cli.port}/big.bin`]);
      let report = "";
      curl.stdout.on("data", (d: Buffer) => (report += d.toString()));
      const curlExit = new Promise<number | null>((resolve) => curl.on("exit", (code) => resolve(code)));
      await new Promise((r) => setTimeout(r, 500));
      const workers = childrenOf(cli.pid);
      assert.equal(workers.length, 2, "two workers run");
      // What a signal to the process group does: every process gets it.
      for (const pid of [cli.pid, ...workers]) process.kill(pid, "SIGTERM");
      const code = await curlExit;
      assert.equal(code, 0, `curl ended with ${String(code)}: ${report}`);
      assert.equal(report, `200 ${SIZE}`);
      assert.equal(statSync(out).size, SIZE);
      const exit = await cli.exited;
      assert.deepEqual(exit, { code: 0, signal: null });
    } finally {
      await cli.stop("SIGKILL", 1000);
    }
  });
});
