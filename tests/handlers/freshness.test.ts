/**
 * An edited file is served fresh at once, while the server keeps stats and
 * contents between requests (StatCache, FileCache): the command runs in its
 * own process under load (four connections asking for the same files back to
 * back), and this process edits, replaces, deletes, touches and renames them,
 * then asks on another connection right after each change returns. Every
 * answer must be the file as it is now: never the old bytes, never a 200 for
 * a deleted file.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, renameSync, rmSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { removeDir, tempDir } from "../helpers/file-server.js";
import { buildRequest, RawConnection } from "../helpers/raw-client.js";
import { parseResponses, type ParsedResponse } from "../helpers/http-response.js";
import { startCli, type RunningCli } from "../cli/helpers.js";

/** A client on a kept-alive connection, connecting again after a response that closes it (error replies do, as CPython's). */
class Client {
  #conn: RawConnection | null = null;
  constructor(readonly port: number) {}

  async get(target: string): Promise<ParsedResponse> {
    this.#conn ??= await RawConnection.connect(this.port);
    const conn = this.#conn;
    conn.clear();
    conn.write(buildRequest("GET", target));
    const data = await conn.readUntil((d) => parseResponses(d, { methods: ["GET"] }).responses.length > 0, 5000);
    const r = parseResponses(data, { methods: ["GET"] }).responses[0];
    assert.ok(r !== undefined);
    if (r.header("Connection")?.toLowerCase() === "close") this.close();
    return r;
  }

  close(): void {
    this.#conn?.destroy();
    this.#conn = null;
  }
}

describe("files changed under load are served fresh at once", () => {
  let root: string;
  let cli: RunningCli;
  let loading = true;
  const loads: Promise<number>[] = [];

  before(async () => {
    root = tempDir();
    mkdirSync(path.join(root, "site"));
    writeFileSync(path.join(root, "site", "page.txt"), "v0");
    writeFileSync(path.join(root, "site", "big.bin"), Buffer.alloc(300 * 1024, 0x30)); // past the content cache: streamed
    cli = await startCli(["-q", "-b", "127.0.0.1", "-d", root, "0"]);
    // The load: keeps both files hot in the server's caches while they change.
    for (let i = 0; i < 4; i++) {
      loads.push(
        (async () => {
          const client = new Client(cli.port);
          let n = 0;
          try {
            while (loading) {
              await client.get(i % 2 === 0 ? "/site/page.txt" : "/site/big.bin");
              n++;
            }
          } finally {
            client.close();
          }
          return n;
        })(),
      );
    }
  });
  after(async () => {
    loading = false;
    await Promise.allSettled(loads);
    await cli.stop();
    removeDir(root);
  });

  test("edits in place, renames over, deletes, re-creates, touches, and directory swaps: 200 rounds, every answer current", async () => {
    const client = new Client(cli.port);
    const page = path.join(root, "site", "page.txt");
    try {
      for (let i = 1; i <= 200; i++) {
        const body = `v${i} ${"x".repeat(i % 7)}`;
        const expect = body;
        switch (i % 6) {
          case 0: // an editor's atomic save
            writeFileSync(page + ".tmp", body);
            renameSync(page + ".tmp", page);
            break;
          case 1: // written in place, same length as before or not
            writeFileSync(page, body);
            break;
          case 2: // deleted
            unlinkSync(page);
            break;
          case 3: // created again
            writeFileSync(page, body);
            break;
          case 4: // the whole directory swapped for a new one (a deploy)
            mkdirSync(path.join(root, "next"));
            writeFileSync(path.join(root, "next", "page.txt"), body);
            writeFileSync(path.join(root, "next", "big.bin"), Buffer.alloc(300 * 1024, 0x30 + (i % 10)));
            renameSync(path.join(root, "site"), path.join(root, "prev"));
            renameSync(path.join(root, "next"), path.join(root, "site"));
            rmSync(path.join(root, "prev"), { recursive: true });
            break;
          case 5: // same bytes, new modification time: a new Last-Modified
            utimesSync(page, new Date(1_000_000_000_000 + i * 1000), new Date(1_000_000_000_000 + i * 1000));
            break;
        }
        const r = await client.get("/site/page.txt");
        const touched = new Date(1_000_000_000_000 + i * 1000).toUTCString();
        if (i % 6 === 2) {
          assert.equal(r.status, 404, `round ${i}: deleted, yet ${r.status}`);
        } else if (i % 6 === 5) {
          assert.equal(r.status, 200, `round ${i}`);
          assert.equal(r.header("Last-Modified"), touched, `round ${i}: touched, Last-Modified follows`);
        } else {
          assert.equal(r.status, 200, `round ${i}`);
          assert.equal(r.body.toString("latin1"), expect, `round ${i} (change ${i % 6})`);
        }
        if (i % 6 === 4) {
          const big = await client.get("/site/big.bin");
          assert.equal(big.body.length, 300 * 1024);
          assert.equal(big.body[0], 0x30 + (i % 10), `round ${i}: the big file of the new directory`);
        }
      }
    } catch (err) {
      throw new Error(`${String(err)}; server stderr: ${cli.stderr().slice(-2000)}`);
    } finally {
      client.close();
    }
    loading = false;
    const served = await Promise.all(loads);
    assert.ok(served.every((n) => n > 0), `the load ran: ${served.join(", ")} responses`);
  });
});
