/**
 * SIGHUP with --workers (issue 13): every worker is replaced, one at a time,
 * without closing the listening socket; a client sending requests all the
 * while (fresh connections and a kept-alive one) sees no failure, and the
 * workers afterwards are all new processes.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { startCli } from "./helpers.js";
import { cliCommand } from "../helpers/real-clients.js";
import { childrenOf } from "../helpers/processes.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "simplehttp-rolling-"));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(path.join(dir, "hello.txt"), "hello\n");

function get(port: number, agent: http.Agent | false): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/hello.txt", agent }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve(`${res.statusCode} ${body}`));
    });
    req.on("error", reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("SIGHUP with --workers", () => {
  it("replaces every worker one at a time while requests keep succeeding", async () => {
    const cli = await startCli(["--workers", "2", "-q", "-b", "127.0.0.1", "-d", dir, "0"], { command: cliCommand() });
    try {
      await sleep(300);
      const before = childrenOf(cli.pid);
      assert.equal(before.length, 2, `two workers: ${before.join(",")}`);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
      const failures: string[] = [];
      let ok = 0;
      let running = true;
      const load = (async () => {
        while (running) {
          await Promise.all(
            [get(cli.port, false), get(cli.port, agent)].map((p) =>
              p.then(
                (r) => (r === "200 hello\n" ? ok++ : failures.push(r)),
                (err: Error) => failures.push(err.message),
              ),
            ),
          );
          await sleep(10);
        }
      })();
      await sleep(500);
      process.kill(cli.pid, "SIGHUP");
      let after: number[] = [];
      for (let i = 0; i < 100; i++) {
        await sleep(100);
        after = childrenOf(cli.pid);
        if (after.length === 2 && after.every((p) => !before.includes(p)) && cli.stderr().includes("replacing 2 workers")) break;
      }
      await sleep(500);
      running = false;
      await load;
      agent.destroy();
      assert.equal(after.length, 2, `two workers after: ${after.join(",")}`);
      assert.ok(after.every((p) => !before.includes(p)), `new workers: ${before.join(",")} -> ${after.join(",")}`);
      assert.deepEqual(failures, []);
      assert.ok(ok > 50, `${ok} requests succeeded`);
      assert.ok(!cli.stderr().includes("a worker stopped"), "retired workers are not taken for crashes: " + cli.stderr());
      assert.equal(cli.child.exitCode, null, "the primary runs on");
    } finally {
      await cli.stop("SIGTERM");
    }
  });
});
