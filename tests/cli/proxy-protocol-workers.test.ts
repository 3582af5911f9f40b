/**
 * --proxy-protocol with --workers (issue 13): every worker reads the PROXY
 * header before HTTP, and logs the client it names; a connection without
 * one is closed without a byte.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startCli } from "./helpers.js";
import { cliCommand } from "../helpers/real-clients.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "simplehttp-proxy-workers-"));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(path.join(dir, "hello.txt"), "hello\n");

function exchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    let got = "";
    const s = net.connect(port, "127.0.0.1", () => s.write(bytes));
    s.on("data", (d: Buffer) => (got += d.toString("latin1")));
    s.on("error", () => {});
    s.on("close", () => resolve(got));
  });
}

describe("--proxy-protocol with --workers", () => {
  it("each worker takes the client from the PROXY header; no header, no answer", async () => {
    const cli = await startCli(["--workers", "2", "--proxy-protocol", "-b", "127.0.0.1", "-d", dir, "0"], { command: cliCommand() });
    try {
      for (let i = 0; i < 6; i++) {
        const got = await exchange(cli.port, `PROXY TCP4 203.0.113.${i + 1} 127.0.0.1 4000${i} 80\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        assert.match(got, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nhello\n$/);
      }
      assert.equal(await exchange(cli.port, "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"), "");
      await new Promise((r) => setTimeout(r, 300));
      const clients = [...cli.stderr().matchAll(/^(\S+) - - \[[^\]]+\] "GET \/hello\.txt/gm)].map((m) => m[1]);
      // Two processes write the log: their lines may come in either order.
      assert.deepEqual(clients.sort(), [1, 2, 3, 4, 5, 6].map((n) => `203.0.113.${n}`));
    } finally {
      await cli.stop("SIGTERM");
    }
  });
});
