// StreamSource (a body pulled from a Readable) and compressedFile() (a file compressed as it is read).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { StreamSource, compressedFile } from "../../src/files/stream-source.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "simplehttp-stream-source-"));

/** Every unhandled rejection while these tests run: there must be none. */
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
before(() => process.on("unhandledRejection", onUnhandled));
after(async () => {
  await sleep(50); // let late stream errors surface
  process.off("unhandledRejection", onUnhandled);
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(unhandled, [], "unhandled rejections");
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const KiB = 1024;
const MiB = 1024 * KiB;
const BIG = 2 * MiB + 5;

/** Text-like bytes that compress, with enough variety that an offset error shows. */
function content(n: number): Buffer {
  const lines: string[] = [];
  let length = 0;
  for (let i = 0; length < n; i++) {
    const line = `const v${i} = ${(i * 2654435761) % 1000003}; // ${i.toString(36)}\n`;
    lines.push(line);
    length += line.length;
  }
  return Buffer.from(lines.join("")).subarray(0, n);
}

const DATA = content(BIG);
const BIG_FILE = path.join(dir, "big.js");
writeFileSync(BIG_FILE, DATA);

const decode = (coding: string, data: Buffer): Buffer => (coding === "br" ? brotliDecompressSync(data) : gunzipSync(data));

/** Reads `source` to its end, failing rather than hanging; returns the chunks. */
async function drain(source: StreamSource, limit = 100_000): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for (let i = 0; ; i++) {
    assert.ok(i < limit, "read() never ended");
    const chunk = await source.read();
    if (chunk.length === 0) return chunks;
    chunks.push(chunk);
  }
}

/** Rejects when `promise` has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe("compressedFile", () => {
  const rows: ReadonlyArray<{ does: string; size: number }> = [
    { does: "compresses the whole file of 2 MiB + 5 bytes", size: BIG },
    { does: "compresses only the first `size` bytes of a longer file", size: MiB + 1 },
    { does: "compresses only the first 64 KiB + 1 bytes of a longer file", size: 64 * KiB + 1 },
    { does: "compresses only the first byte of a longer file", size: 1 },
  ];
  for (const coding of ["br", "gzip"]) {
    for (const row of rows) {
      it(`compressedFile(${coding}) ${row.does} (${row.size})`, async () => {
        const source = compressedFile(BIG_FILE, row.size, coding);
        assert.equal(source.size, null, "the length is not known in advance");
        try {
          const compressed = Buffer.concat(await within(drain(source)));
          assert.ok(decode(coding, compressed).equals(DATA.subarray(0, row.size)));
          if (row.size > MiB) assert.ok(compressed.length < row.size / 2, `${compressed.length} bytes from ${row.size}`);
          assert.equal((await source.read()).length, 0, "still empty after the end");
        } finally {
          await source.close();
        }
      });
    }
  }

  it("compressedFile() takes a Buffer path", async () => {
    const source = compressedFile(Buffer.from(BIG_FILE), 1000, "gzip");
    assert.ok(gunzipSync(Buffer.concat(await within(drain(source)))).equals(DATA.subarray(0, 1000)));
    await source.close();
  });

  it("compressedFile() compresses what is left of a file shorter than `size`", async () => {
    const file = path.join(dir, "short.js");
    writeFileSync(file, DATA.subarray(0, 5000));
    const source = compressedFile(file, 9000, "br");
    assert.ok(brotliDecompressSync(Buffer.concat(await within(drain(source)))).equals(DATA.subarray(0, 5000)));
    await source.close();
  });

  for (const coding of ["br", "gzip"]) {
    it(`compressedFile(${coding}) closed mid-stream ends the body without hanging or an unhandled error`, async () => {
      const source = compressedFile(BIG_FILE, BIG, coding);
      const first = await within(source.read());
      assert.ok(first.length > 0);
      await source.close();
      assert.equal((await within(source.read())).length, 0, "empty after close()");
      await source.close(); // idempotent
      await sleep(20);
    });

    it(`compressedFile(${coding}) closed before any read ends the body`, async () => {
      const source = compressedFile(BIG_FILE, BIG, coding);
      await source.close();
      assert.equal((await within(source.read())).length, 0);
      await sleep(20);
    });

    it(`compressedFile(${coding}) of a missing file makes read() reject, not crash`, async () => {
      const source = compressedFile(path.join(dir, "missing.js"), 5000, coding);
      await assert.rejects(within(source.read()), (err: NodeJS.ErrnoException) => err.code === "ENOENT");
      await source.close();
    });

    it(`compressedFile(${coding}) of a missing file rejects a read() made after the error`, async () => {
      const source = compressedFile(path.join(dir, "missing.js"), 5000, coding);
      await sleep(30); // the open has failed by now
      await assert.rejects(within(source.read()), (err: NodeJS.ErrnoException) => err.code === "ENOENT");
      await source.close();
    });

    it(`compressedFile(${coding}) of a missing file closed unread raises nothing`, async () => {
      const source = compressedFile(path.join(dir, "missing.js"), 5000, coding);
      await sleep(30);
      await source.close();
      assert.equal((await source.read()).length, 0);
    });
  }
});

describe("StreamSource", () => {
  const rows: ReadonlyArray<{ does: string; chunks: string[] }> = [
    { does: "returns each chunk of the stream, then an empty Buffer", chunks: ["abc", "defg", "h"] },
    { does: "returns one chunk, then an empty Buffer", chunks: ["only"] },
    { does: "returns an empty Buffer at once for an empty stream", chunks: [] },
  ];
  for (const row of rows) {
    it(`StreamSource ${row.does}`, async () => {
      const stream = Readable.from(row.chunks.map((c) => Buffer.from(c)));
      const source = new StreamSource(stream);
      assert.equal(source.size, null);
      const got = await within(drain(source));
      assert.deepEqual(
        got.map((b) => b.toString()),
        row.chunks,
      );
      assert.equal((await source.read()).length, 0, "empty again after the end");
      await source.close();
      assert.equal((await source.read()).length, 0, "empty after close()");
    });
  }

  it("StreamSource ignores max and returns the stream's chunks as they come", async () => {
    const big = Buffer.alloc(10_000, 1);
    const source = new StreamSource(Readable.from([big]));
    assert.equal(await source.read(), big);
    assert.equal((await source.read()).length, 0);
  });

  it("StreamSource reads a byte stream pushed piece by piece", async () => {
    const stream = new Readable({ read() {} });
    const source = new StreamSource(stream);
    stream.push(Buffer.from("one"));
    const first = await within(source.read());
    assert.equal(first.toString(), "one");
    const second = source.read();
    setTimeout(() => {
      stream.push(Buffer.from("two"));
      stream.push(null);
    }, 10);
    assert.equal((await within(second)).toString(), "two");
    assert.equal((await within(source.read())).length, 0);
  });

  it("StreamSource.close() mid-stream destroys the stream: no hang, no unhandled error", async () => {
    let pulls = 0;
    const stream = new Readable({
      read() {
        pulls++;
        this.push(Buffer.alloc(1000, pulls & 0xff)); // endless
      },
    });
    const source = new StreamSource(stream);
    assert.equal((await within(source.read())).length, 1000);
    assert.equal((await within(source.read())).length, 1000);
    await source.close();
    assert.ok(stream.destroyed, "the stream is destroyed");
    assert.equal((await within(source.read())).length, 0);
    await source.close();
    await sleep(20);
  });

  it("StreamSource.close() before any read destroys the stream", async () => {
    const stream = new Readable({ read() {} });
    const source = new StreamSource(stream);
    await source.close();
    assert.ok(stream.destroyed);
    assert.equal((await source.read()).length, 0);
  });

  it("StreamSource passes a stream's error to read()", async () => {
    const stream = new Readable({ read() {} });
    const source = new StreamSource(stream);
    stream.push(Buffer.from("ok"));
    assert.equal((await within(source.read())).toString(), "ok");
    stream.destroy(new Error("disk on fire"));
    await assert.rejects(within(source.read()), /disk on fire/);
    await source.close();
  });
});

describe("compressedFile() of size 0", () => {
  it("compressedFile() with size 0 compresses nothing, not the file's first byte", async () => {
    const file = path.join(dir, "zero-size.txt");
    writeFileSync(file, "hello world");
    for (const coding of ["br", "gzip"]) {
      const source = compressedFile(file, 0, coding);
      const parts: Buffer[] = [];
      for (let chunk = await source.read(); chunk.length > 0; chunk = await source.read()) parts.push(chunk);
      await source.close();
      const decoded = coding === "br" ? brotliDecompressSync(Buffer.concat(parts)) : gunzipSync(Buffer.concat(parts));
      assert.equal(decoded.length, 0, coding);
    }
  });
});
