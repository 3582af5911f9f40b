// EncodedCache and compressBuffer(): encoded copies of real files, validated against real fs.statSync() results.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, type Stats } from "node:fs";
import os from "node:os";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { BROTLI_QUALITY, EncodedCache, GZIP_LEVEL, compressBuffer } from "../../src/files/encoded-cache.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "simplehttp-encoded-cache-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let serial = 0;
/** Writes `data` to a new file in the temp dir; returns its path. */
function newFile(data: Buffer | string): string {
  const file = path.join(dir, `f${serial++}.js`);
  writeFileSync(file, data);
  return file;
}

const decode = (coding: string, data: Buffer): Buffer => (coding === "br" ? brotliDecompressSync(data) : gunzipSync(data));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Compressible text of about `n` bytes. */
const text = (n: number, seed = "x"): Buffer => Buffer.from(Array.from({ length: Math.ceil(n / 24) }, (_, i) => `${seed}line ${i} = ${i * 7};\n`).join("").slice(0, n));

describe("compressBuffer", () => {
  const rows: ReadonlyArray<{ does: string; coding: string; data: Buffer }> = [
    { does: "compresses text with brotli", coding: "br", data: text(10_000) },
    { does: "compresses text with gzip", coding: "gzip", data: text(10_000) },
    { does: "compresses an empty buffer with brotli", coding: "br", data: Buffer.alloc(0) },
    { does: "compresses an empty buffer with gzip", coding: "gzip", data: Buffer.alloc(0) },
    { does: "compresses random bytes with brotli", coding: "br", data: randomBytes(3000) },
    { does: "compresses random bytes with gzip", coding: "gzip", data: randomBytes(3000) },
  ];
  for (const row of rows) {
    it(`compressBuffer() ${row.does}, and it decodes back`, async () => {
      const out = await compressBuffer(row.data, row.coding);
      assert.deepEqual(decode(row.coding, out), row.data);
      if (row.data.length >= 10_000) assert.ok(out.length < row.data.length / 4, `${out.length} bytes from ${row.data.length}`);
    });
  }

  for (const coding of ["deflate", "identity", "compress", "", "BR"]) {
    it(`compressBuffer() rejects the unknown coding ${JSON.stringify(coding)} with a RangeError`, async () => {
      await assert.rejects(compressBuffer(Buffer.from("abc"), coding), RangeError);
    });
  }

  it("compressBuffer() uses the documented levels", () => {
    assert.equal(BROTLI_QUALITY, 5);
    assert.equal(GZIP_LEVEL, 6);
  });
});

describe("EncodedCache", () => {
  for (const coding of ["br", "gzip"]) {
    it(`EncodedCache encodes a file with ${coding}: get() is null before encode() and the same buffer after`, async () => {
      const data = text(20_000, coding);
      const file = newFile(data);
      const st = statSync(file);
      const cache = new EncodedCache();
      assert.equal(cache.get(file, coding, st), null);
      assert.equal(cache.bytes, 0);
      const out = await cache.encode(file, coding, st, data);
      assert.deepEqual(decode(coding, out), data);
      assert.equal(cache.get(file, coding, st), out, "the copy kept, not a new one");
      assert.equal(cache.get(file, coding, statSync(file)), out, "a later stat of the unchanged file finds it too");
      assert.equal(cache.bytes, out.length);
      assert.equal(await cache.encode(file, coding, st, data), out, "encode() of a held copy returns it");
      assert.equal(cache.bytes, out.length);
    });
  }

  it("EncodedCache keeps each coding of a file apart", async () => {
    const data = text(5000);
    const file = newFile(data);
    const st = statSync(file);
    const cache = new EncodedCache();
    const br = await cache.encode(file, "br", st, data);
    assert.equal(cache.get(file, "gzip", st), null);
    const gz = await cache.encode(file, "gzip", st, data);
    assert.notEqual(br, gz);
    assert.equal(cache.get(file, "br", st), br);
    assert.equal(cache.get(file, "gzip", st), gz);
    assert.equal(cache.bytes, br.length + gz.length);
    assert.equal(cache.get(file + "x", "br", st), null, "another key");
  });

  const changes: ReadonlyArray<{ does: string; change: (file: string) => Promise<Buffer> }> = [
    {
      does: "a rewrite with a different size",
      change: async (file) => {
        const data = text(7000, "new");
        writeFileSync(file, data);
        return data;
      },
    },
    {
      does: "another mtime set with utimesSync, the bytes unchanged",
      change: async (file) => {
        const st = statSync(file);
        utimesSync(file, st.atime, new Date(st.mtimeMs - 3_600_000));
        return text(5000);
      },
    },
    {
      does: "a rewrite of the same size with the old mtime put back (only ctime differs)",
      change: async (file) => {
        const st = statSync(file);
        await sleep(30); // past the file system clock's granularity, so ctime moves
        const data = Buffer.from(text(5000).toString().toUpperCase());
        writeFileSync(file, data);
        utimesSync(file, st.atime, st.mtime);
        return data;
      },
    },
    {
      does: "another file renamed over it with the same size and mtime (only the inode differs)",
      change: async (file) => {
        const st = statSync(file);
        const data = Buffer.from(text(5000).toString().replace(/line/g, "LINE"));
        const other = newFile(data);
        utimesSync(other, st.atime, st.mtime);
        renameSync(other, file);
        return data;
      },
    },
  ];
  for (const row of changes) {
    it(`EncodedCache drops a copy made stale by ${row.does}, and encode() recompresses`, async (t) => {
      const data = text(5000);
      const file = newFile(data);
      const before = statSync(file);
      const cache = new EncodedCache();
      const old = await cache.encode(file, "br", before, data);
      const fresh = await row.change(file);
      const now = statSync(file);
      if (before.ino === now.ino && before.size === now.size && before.mtimeMs === now.mtimeMs && before.ctimeMs === now.ctimeMs) {
        t.skip("the file system did not change any stat field");
        return;
      }
      assert.equal(cache.get(file, "br", now), null);
      assert.equal(cache.get(file, "br", before), old, "the old stat still finds the old copy");
      const out = await cache.encode(file, "br", now, fresh);
      assert.notEqual(out, old);
      assert.deepEqual(brotliDecompressSync(out), fresh);
      assert.equal(cache.get(file, "br", now), out);
      assert.equal(cache.get(file, "br", before), null, "the new copy replaced the old one");
      assert.equal(cache.bytes, out.length, "the old copy's bytes are no longer counted");
    });
  }

  it("EncodedCache shares one compression among concurrent encode() calls for a file", async () => {
    const data = text(50_000);
    const file = newFile(data);
    const st = statSync(file);
    const cache = new EncodedCache();
    const a = cache.encode(file, "br", st, data);
    const b = cache.encode(file, "br", statSync(file), data);
    assert.equal(a, b, "the same promise");
    const c = cache.encode(file, "gzip", st, data);
    assert.notEqual(a, c, "another coding compresses on its own");
    const [x, y, z] = await Promise.all([a, b, c]);
    assert.equal(x, y, "the same Buffer instance");
    assert.deepEqual(gunzipSync(z), data);
    assert.equal(cache.get(file, "br", st), x);
    assert.equal(cache.bytes, x.length + z.length);
  });

  it("EncodedCache does not share a compression between different stats of a key", async () => {
    const data = text(5000);
    const file = newFile(data);
    const st = statSync(file);
    const cache = new EncodedCache();
    const a = cache.encode(file, "gzip", st, data);
    const changed = text(6000, "z");
    writeFileSync(file, changed);
    const st2 = statSync(file);
    const b = cache.encode(file, "gzip", st2, changed);
    assert.notEqual(a, b);
    assert.deepEqual(gunzipSync(await a), data);
    assert.deepEqual(gunzipSync(await b), changed);
  });

  it("EncodedCache evicts the oldest copies to stay within maxBytes", async () => {
    // Random bytes do not compress: each copy is a little over 1000 bytes.
    const cache = new EncodedCache(2500);
    const files = [0, 1, 2].map(() => {
      const data = randomBytes(1000);
      const file = newFile(data);
      return { file, data, st: statSync(file) };
    });
    const outs: Buffer[] = [];
    for (const f of files) {
      outs.push(await cache.encode(f.file, "gzip", f.st, f.data));
      assert.ok(cache.bytes <= cache.maxBytes, `${cache.bytes} bytes held`);
    }
    const [f0, f1, f2] = files as [(typeof files)[0], (typeof files)[0], (typeof files)[0]];
    assert.equal(cache.get(f0.file, "gzip", f0.st), null, "the oldest is gone");
    assert.equal(cache.get(f1.file, "gzip", f1.st), outs[1]);
    assert.equal(cache.get(f2.file, "gzip", f2.st), outs[2]);
    assert.equal(cache.bytes, (outs[1] as Buffer).length + (outs[2] as Buffer).length);

    // get() made f1 then f2 the most recent: a new copy evicts f1, the least recently used.
    assert.equal(cache.get(f1.file, "gzip", f1.st), outs[1]);
    assert.equal(cache.get(f2.file, "gzip", f2.st), outs[2]);
    const again = await cache.encode(f0.file, "gzip", f0.st, f0.data);
    assert.equal(cache.get(f1.file, "gzip", f1.st), null);
    assert.equal(cache.get(f2.file, "gzip", f2.st), outs[2]);
    assert.equal(cache.get(f0.file, "gzip", f0.st), again);
    assert.ok(cache.bytes <= cache.maxBytes);
  });

  it("EncodedCache returns a copy larger than maxBytes without keeping it", async () => {
    const cache = new EncodedCache(100);
    const data = randomBytes(1000);
    const file = newFile(data);
    const st = statSync(file);
    const out = await cache.encode(file, "br", st, data);
    assert.deepEqual(brotliDecompressSync(out), data);
    assert.equal(cache.get(file, "br", st), null);
    assert.equal(cache.bytes, 0);
  });

  it("EncodedCache rejects an unknown coding and does not remember the failure", async () => {
    const cache = new EncodedCache();
    const data = text(2000);
    const file = newFile(data);
    const st = statSync(file);
    const a = cache.encode(file, "zstd", st, data);
    await assert.rejects(a, RangeError);
    const b = cache.encode(file, "zstd", st, data);
    assert.notEqual(a, b, "a new attempt, not the failed promise");
    await assert.rejects(b, RangeError);
    assert.equal(cache.get(file, "zstd", st), null);
    assert.equal(cache.bytes, 0);
  });

  it("EncodedCache.clear() forgets every copy", async () => {
    const cache = new EncodedCache();
    const data = text(3000);
    const file = newFile(data);
    const st: Stats = statSync(file);
    await cache.encode(file, "br", st, data);
    await cache.encode(file, "gzip", st, data);
    assert.ok(cache.bytes > 0);
    cache.clear();
    assert.equal(cache.bytes, 0);
    assert.equal(cache.get(file, "br", st), null);
    assert.equal(cache.get(file, "gzip", st), null);
  });

  it("EncodedCache defaults to 32 MiB", () => {
    assert.equal(new EncodedCache().maxBytes, 32 * 1024 * 1024);
  });
});

describe("EncodedCache keeps the newest version", () => {
  it("EncodedCache.encode() of an older version that finishes last does not replace the newer one", async () => {
    const cache = new EncodedCache();
    const old = { ino: 1, size: 10, mtimeMs: 1, ctimeMs: 1 } as Stats;
    const now = { ino: 1, size: 3, mtimeMs: 2, ctimeMs: 2 } as Stats;
    const slow = cache.encode("k", "br", old, randomBytes(4 << 20));
    await cache.encode("k", "br", now, Buffer.from("new"));
    await slow;
    assert.notEqual(cache.get("k", "br", now), null, "the newer version is still held");
    assert.equal(cache.get("k", "br", old), null, "the older one was not kept");
  });

  it("EncodedCache.clear() during a compression: the finished copy is not kept", async () => {
    const cache = new EncodedCache();
    const st = { ino: 1, size: 5, mtimeMs: 1, ctimeMs: 1 } as Stats;
    const pending = cache.encode("k", "gzip", st, Buffer.from("hello"));
    cache.clear();
    assert.equal(gunzipSync(await pending).toString(), "hello");
    assert.equal(cache.bytes, 0);
    assert.equal(cache.get("k", "gzip", st), null);
  });
});
