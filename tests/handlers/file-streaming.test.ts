/**
 * Bodies stream from disk with back-pressure: a 256 MiB file sent to a
 * client that stops reading must not be pulled into the server's memory.
 * The command runs as a child process; its resident set size is read from
 * /proc/<pid>/status while a raw socket client reads slowly, then drains.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { readFileSync, readdirSync, readlinkSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { QuietHandler, removeDir, startServer, tempDir } from "../helpers/file-server.js";
import type { BodySource } from "../../src/files/body-source.js";
import type { ResponseWriter } from "../../src/server/response-writer.js";
import { buildRequest, RawConnection, request } from "../helpers/raw-client.js";
import { parseResponses } from "../helpers/http-response.js";
import { startCli } from "../cli/helpers.js";

const SIZE = 256 * 1024 * 1024;
const LIMIT = 64 * 1024 * 1024;

function rss(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error("no VmRSS");
  return Number(m[1]) * 1024;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const root = tempDir();
after(() => removeDir(root));

test("a 256 MiB file to a slow client: the server's RSS grows by less than 64 MiB, and every byte arrives", async (t) => {
  const file = path.join(root, "big.bin");
  writeFileSync(file, "");
  truncateSync(file, SIZE); // sparse: zeros, no disk used
  writeFileSync(path.join(root, "small.txt"), "warm up");
  const cli = await startCli(["-b", "127.0.0.1", "-d", root, "0"]);
  try {
    // Warm up (first request, lazy initialisation) before the baseline.
    for (let i = 0; i < 3; i++) assert.equal((await request(cli.port, "GET", "/small.txt")).status, 200);
    const baseline = rss(cli.pid);
    let peak = baseline;
    const sample = (): void => {
      peak = Math.max(peak, rss(cli.pid));
    };

    const socket = net.connect({ host: "127.0.0.1", port: cli.port });
    const zeros = Buffer.alloc(1024 * 1024);
    let head = Buffer.alloc(0);
    let headDone = false;
    let received = 0;
    let nonZero = false;
    const done = new Promise<void>((resolve, reject) => {
      socket.on("error", reject);
      socket.on("end", () => resolve());
    });
    socket.on("data", (chunk: Buffer) => {
      let body = chunk;
      if (!headDone) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        headDone = true;
        body = head.subarray(end + 4);
        head = head.subarray(0, end);
      }
      for (let off = 0; off < body.length; off += zeros.length) {
        const part = body.subarray(off, off + zeros.length);
        if (!part.equals(zeros.subarray(0, part.length))) nonZero = true;
      }
      received += body.length;
    });
    socket.write("GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

    // Slow phase: read a little, then stop reading for a while, several times over.
    socket.pause();
    for (let i = 0; i < 6; i++) {
      socket.resume();
      await sleep(20);
      socket.pause();
      for (let j = 0; j < 5; j++) {
        await sleep(50);
        sample();
      }
    }
    assert.ok(received < SIZE / 2, `the client was meant to be slow, yet got ${received} bytes`);
    // Fast phase: drain everything, still sampling.
    const sampler = setInterval(sample, 50);
    socket.resume();
    await done;
    clearInterval(sampler);
    sample();

    const headText = head.toString("latin1");
    assert.match(headText, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(headText, new RegExp(`\r\nContent-Length: ${SIZE}(\r\n|$)`));
    assert.equal(received, SIZE);
    assert.equal(nonZero, false);
    const growth = peak - baseline;
    t.diagnostic(`RSS baseline ${(baseline / 1048576).toFixed(1)} MiB, peak growth ${(growth / 1048576).toFixed(1)} MiB`);
    assert.ok(growth < LIMIT, `RSS grew by ${(growth / 1048576).toFixed(1)} MiB (baseline ${(baseline / 1048576).toFixed(1)} MiB)`);
  } finally {
    await cli.stop("SIGTERM");
  }
});

test("clients that leave mid-download: no traceback, no file left open, the server goes on", async () => {
  const file = path.join(root, "big2.bin");
  writeFileSync(file, "");
  truncateSync(file, 64 * 1024 * 1024);
  writeFileSync(path.join(root, "small.txt"), "still here");
  const cli = await startCli(["-b", "127.0.0.1", "-d", root, "0"]);
  try {
    for (let i = 0; i < 10; i++) {
      const conn = await RawConnection.connect(cli.port);
      conn.write(buildRequest("GET", "/big2.bin", ["Host: x"]));
      try {
        await conn.readUntil((d) => d.length > 256 * 1024, 10_000);
      } finally {
        conn.destroy();
      }
    }
    // The server notices each reset when it next writes; give it a moment, then look.
    const openOnBig = (): number => {
      let n = 0;
      for (const fd of readdirSync(`/proc/${cli.pid}/fd`)) {
        try {
          if (readlinkSync(`/proc/${cli.pid}/fd/${fd}`) === file) n++;
        } catch {
          // closed while we looked
        }
      }
      return n;
    };
    for (let i = 0; i < 50 && openOnBig() > 0; i++) await sleep(100);
    assert.equal(openOnBig(), 0, "file handles of aborted downloads are closed");
    assert.equal((await request(cli.port, "GET", "/small.txt")).status, 200);
    assert.doesNotMatch(cli.stderr(), /Exception occurred|    at |Traceback/);
  } finally {
    await cli.stop("SIGTERM");
  }
});

test("read buffers are reused only under this class's copyfile: an override that keeps every chunk gets them all intact", async () => {
  const data = Buffer.alloc(3 * 1024 * 1024 + 12345); // past the content cache: read in 1 MiB chunks
  for (let i = 0; i < data.length; i += 4) data.writeUInt32LE((i * 2654435761) >>> 0, Math.min(i, data.length - 4));
  writeFileSync(path.join(root, "kept.bin"), data);
  class Keeping extends QuietHandler {
    override async copyfile(source: BodySource, out: ResponseWriter): Promise<void> {
      const chunks: Buffer[] = [];
      for (;;) {
        const c = await source.read(1024 * 1024);
        if (c.length === 0) break;
        chunks.push(c); // kept, not copied: a reused buffer would be overwritten under them
      }
      await out.write(Buffer.concat(chunks));
    }
  }
  const server = await startServer(root, { protocol: "HTTP/1.1", Handler: Keeping });
  try {
    const r = await request(server.port, "GET", "/kept.bin");
    assert.equal(r.status, 200);
    assert.equal(r.body.length, data.length);
    assert.ok(r.body.equals(data), "every chunk as read");
  } finally {
    await server.close();
  }
});

test("ranges read at once give their buffers back only once sent: a client that stops reading keeps its bytes while others are served", async () => {
  const data = Buffer.alloc(4 * 1024 * 1024); // past the content cache: ranges of it are read per request
  for (let i = 0; i + 4 <= data.length; i += 4) data.writeUInt32LE((i * 2246822519) >>> 0, i);
  writeFileSync(path.join(root, "ranged.bin"), data);
  // Ranges of 17 to 57 KB: past the writer's copy-into-one-buffer size and under its flush size, so a
  // body goes to the socket by reference on the next turn of the event loop, after its response has
  // ended; once the client stops reading, it stays queued there while the next requests take buffers.
  const rangeAt = (k: number): [number, number] => {
    const start = (k * 99_991) % (data.length - 65_536);
    return [start, start + 17_000 + ((k * 7919) % 40_000)];
  };
  const server = await startServer(root, { protocol: "HTTP/1.1" });
  try {
    // The slow client pipelines 200 ranges (about 7 MiB, more than the kernel's socket buffers hold)
    // and reads nothing for a while, so bodies stay queued while other requests take buffers.
    const slow = net.connect(server.port, "127.0.0.1");
    slow.pause();
    const slowChunks: Buffer[] = [];
    slow.on("data", (d: Buffer) => slowChunks.push(d));
    const slowClosed = new Promise<void>((resolve) => slow.on("close", () => resolve()));
    const N = 200;
    const asked: [number, number][] = Array.from({ length: N }, (_, k) => rangeAt(k));
    slow.write(asked.map(([a, b], k) => buildRequest("GET", "/ranged.bin", [`Range: bytes=${a}-${b}`, ...(k === N - 1 ? ["Connection: close"] : [])])).join(""));
    await sleep(200);
    const fast = async (c: number): Promise<void> => {
      for (let k = 0; k < 15; k++) {
        const [a, b] = rangeAt(100 + c * 15 + k);
        const r = await request(server.port, "GET", "/ranged.bin", [`Range: bytes=${a}-${b}`]);
        assert.equal(r.status, 206);
        assert.ok(r.body.equals(data.subarray(a, b + 1)), `fast client ${c}, range ${a}-${b}`);
      }
    };
    await Promise.all([0, 1, 2, 3].map(fast));
    slow.resume();
    await slowClosed;
    const { responses } = parseResponses(Buffer.concat(slowChunks), { closed: true });
    assert.equal(responses.length, N);
    responses.forEach((r, k) => {
      const [a, b] = asked[k] as [number, number];
      assert.equal(r.status, 206);
      assert.ok(r.body.equals(data.subarray(a, b + 1)), `slow client, response ${k}: range ${a}-${b} intact`);
    });
  } finally {
    await server.close();
  }
});
