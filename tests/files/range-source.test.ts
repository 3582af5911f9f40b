// RangeSource (a 206 body read from an open FileSource) and readRangesNow(), on real files.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { FileSource } from "../../src/files/body-source.js";
import { RangeSource, SMALL_RANGES, readRangesNow, type Segment } from "../../src/files/range-source.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "simplehttp-range-source-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const KiB = 1024;
const MiB = 1024 * KiB;
/** RangeSource's chunk: bytes read from disk per read() at most. */
const CHUNK = 256 * KiB;

/** `n` bytes no two nearby positions of which are equal, so a slice off by one shows. */
function pattern(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 131 + (i >>> 8) * 7 + (i >>> 16)) & 0xff;
  return b;
}

let serial = 0;
function newFile(data: Buffer): string {
  const file = path.join(dir, `r${serial++}.bin`);
  writeFileSync(file, data);
  return file;
}

/** What a RangeSource over `data` with `segments` must produce. */
function expected(data: Buffer, segments: readonly Segment[]): Buffer {
  return Buffer.concat(segments.map((s) => (Buffer.isBuffer(s) ? s : data.subarray(s.start, s.end + 1))));
}

/** Reads `source` to its end with `max`, failing rather than hanging; returns the chunks. */
async function drain(source: RangeSource, max: number, limit = 1_000_000): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for (let i = 0; ; i++) {
    assert.ok(i < limit, "read() never ended");
    const chunk = await source.read(max);
    if (chunk.length === 0) return chunks;
    chunks.push(chunk);
  }
}

const head = (label: string): Buffer => Buffer.from(`\r\n--BOUNDARY\r\nContent-Range: ${label}\r\n\r\n`);

interface Row {
  /** The behaviour, completing "RangeSource ...". */
  readonly does: string;
  readonly size: number;
  readonly segments: (size: number) => Segment[];
}

const rows: Row[] = [
  { does: "sends only the Buffers of an empty file's body", size: 0, segments: () => [head("a"), Buffer.from("tail")] },
  { does: "sends nothing for no segments", size: 0, segments: () => [] },
  { does: "sends the only byte of a one-byte file", size: 1, segments: () => [{ start: 0, end: 0 }] },
  { does: "sends a one-byte file's byte between Buffers", size: 1, segments: () => [head("0-0"), { start: 0, end: 0 }, Buffer.from("--end")] },
  { does: "sends a whole file of 256 KiB", size: 256 * KiB, segments: (n) => [{ start: 0, end: n - 1 }] },
  { does: "sends a whole file of 256 KiB + 1", size: 256 * KiB + 1, segments: (n) => [{ start: 0, end: n - 1 }] },
  { does: "sends the last byte of a file of 256 KiB + 1", size: 256 * KiB + 1, segments: (n) => [{ start: n - 1, end: n - 1 }] },
  { does: "sends a whole file of 1 MiB + 3", size: MiB + 3, segments: (n) => [{ start: 0, end: n - 1 }] },
  {
    does: "sends ranges across the chunk boundary",
    size: MiB + 3,
    segments: () => [{ start: CHUNK - 3, end: CHUNK + 2 }, { start: 2 * CHUNK - 1, end: 2 * CHUNK }],
  },
  {
    does: "sends a multipart body: part heads, ranges in the client's order, the tail",
    size: MiB + 3,
    segments: (n) => [head("a"), { start: n - 10, end: n - 1 }, head("b"), { start: 0, end: 9 }, head("c"), { start: 500_000, end: 500_100 }, Buffer.from("\r\n--BOUNDARY--\r\n")],
  },
  {
    does: "skips empty Buffers",
    size: 256 * KiB,
    segments: () => [Buffer.alloc(0), { start: 5, end: 20 }, Buffer.alloc(0), Buffer.alloc(0), { start: 100, end: 100 }, Buffer.alloc(0)],
  },
  { does: "sends the same range twice when asked to", size: 256 * KiB + 1, segments: () => [{ start: 7, end: 70 }, Buffer.from("|"), { start: 7, end: 70 }] },
  {
    does: "sends large ranges around a Buffer",
    size: MiB + 3,
    segments: (n) => [head("x"), { start: 1, end: 600_000 }, head("y"), { start: 600_001, end: n - 1 }],
  },
];

/** Reads of 1 byte take one round trip each: keep those to bodies this small. */
const MAX_READS = 40_000;

describe("RangeSource over a FileSource", () => {
  for (const row of rows) {
    const data = pattern(row.size);
    const segments = row.segments(row.size);
    const want = expected(data, segments);
    for (const max of [1, 7, 64 * KiB, MiB]) {
      if (want.length / max > MAX_READS) continue;
      it(`RangeSource ${row.does} (${row.size} bytes, read(${max}))`, async () => {
        const file = newFile(data);
        const source = new RangeSource(await FileSource.open(file, row.size), segments, want.length);
        assert.equal(source.size, want.length);
        try {
          const chunks = await drain(source, max);
          assert.ok(Buffer.concat(chunks).equals(want), "the body is the segments' concatenation");
          for (const c of chunks) {
            // A Buffer segment is sent as it is; a range is read in pieces of at most max and CHUNK bytes.
            if (!segments.includes(c)) assert.ok(c.length <= Math.min(max, CHUNK), `a chunk of ${c.length} bytes`);
          }
          assert.equal((await source.read(max)).length, 0, "still empty after the end");
        } finally {
          await source.close();
        }
      });
    }
  }

  it("RangeSource reads into the FileSource's buffers again once their bytes have left (its queue), and never while they wait", async () => {
    const data = pattern(3 * CHUNK + 1000);
    const file = newFile(data);
    const segments: Segment[] = [head("a"), { start: 10, end: 2 * CHUNK + 500 }, head("b"), { start: CHUNK, end: 3 * CHUNK + 999 }];
    const want = expected(data, segments);
    const sameMemory = (x: Buffer, y: Buffer): boolean => x.buffer === y.buffer && x.byteOffset === y.byteOffset;
    // Everything sent at once: the same buffer serves every read; each chunk is copied before the next read.
    const drained = new RangeSource(await FileSource.open(file, data.length, () => 0), segments, want.length);
    const copies: Buffer[] = [];
    const read: Buffer[] = [];
    for (let c = await drained.read(CHUNK); c.length > 0; c = await drained.read(CHUNK)) {
      read.push(c);
      copies.push(Buffer.from(c));
    }
    await drained.close();
    assert.ok(Buffer.concat(copies).equals(want));
    const ranged = read.filter((c) => !segments.includes(c));
    assert.ok(ranged.length >= 4 && ranged.every((c) => sameMemory(c, ranged[0] as Buffer)), "one buffer for every range read");
    // Nothing ever leaves: every chunk keeps its own bytes, held as they were returned.
    const stuck = new RangeSource(await FileSource.open(file, data.length, () => Number.MAX_SAFE_INTEGER), segments, want.length);
    const held = await drain(stuck, CHUNK);
    await stuck.close();
    assert.ok(Buffer.concat(held).equals(want), "no chunk overwritten while queued");
  });

  it("RangeSource.close() closes the FileSource, and a second close is harmless", async () => {
    const file = newFile(pattern(1000));
    const fs = await FileSource.open(file, 1000);
    const source = new RangeSource(fs, [{ start: 0, end: 99 }], 100);
    assert.equal((await source.read(10)).length, 10);
    assert.ok(fs.handle.fd >= 0);
    await source.close();
    assert.equal(fs.handle.fd, -1, "the file handle is closed");
    await source.close();
    await fs.close();
  });

  it("RangeSource.close() before any read closes the file", async () => {
    const file = newFile(pattern(10));
    const fs = await FileSource.open(file, 10);
    const source = new RangeSource(fs, [Buffer.from("x"), { start: 0, end: 9 }], 11);
    await source.close();
    assert.equal(fs.handle.fd, -1);
  });

  it("RangeSource.concat() builds the body from bytes in memory", () => {
    const data = pattern(1000);
    const segments: Segment[] = [head("a"), { start: 990, end: 999 }, Buffer.alloc(0), { start: 0, end: 0 }, Buffer.from("end")];
    assert.deepEqual(RangeSource.concat(data, segments), expected(data, segments));
    assert.equal(RangeSource.concat(data, []).length, 0);
  });

  const truncations: ReadonlyArray<{ does: string; size: number; cut: number; segments: Segment[]; max: number }> = [
    {
      does: "ends the body short, mid-range, when the file was cut inside a range",
      size: MiB + 3,
      cut: 600_000,
      segments: [head("a"), { start: 0, end: 99 }, head("b"), { start: 500_000, end: 700_000 }, head("c"), { start: 800_000, end: 800_010 }, Buffer.from("--tail")],
      max: 64 * KiB,
    },
    {
      does: "ends the body short at a range wholly past the cut",
      size: 256 * KiB + 1,
      cut: 1000,
      segments: [head("a"), { start: 0, end: 9 }, head("b"), { start: 200_000, end: 200_009 }, Buffer.from("--tail")],
      max: 7,
    },
    {
      does: "ends the body after its first Buffer when the file was emptied",
      size: 256 * KiB,
      cut: 0,
      segments: [head("a"), { start: 0, end: CHUNK - 1 }, Buffer.from("--tail")],
      max: MiB,
    },
    {
      does: "ends a single range short when the file was cut inside it",
      size: MiB + 3,
      cut: CHUNK + 5,
      segments: [{ start: 0, end: MiB + 2 }],
      max: MiB,
    },
  ];
  for (const row of truncations) {
    it(`RangeSource ${row.does}, without hanging`, async () => {
      const data = pattern(row.size);
      const file = newFile(data);
      const full = expected(data, row.segments);
      const source = new RangeSource(await FileSource.open(file, row.size), row.segments, full.length);
      truncateSync(file, row.cut);
      try {
        const body = Buffer.concat(await drain(source, row.max, 100_000));
        assert.ok(body.length < full.length, `${body.length} bytes of ${full.length}`);
        assert.ok(body.equals(full.subarray(0, body.length)), "what was sent is a prefix of the planned body");
        assert.ok(body.equals(expected(data.subarray(0, row.cut), row.segments).subarray(0, body.length)), "made of the bytes left");
        assert.equal((await source.read(row.max)).length, 0, "still empty after the end");
      } finally {
        await source.close();
      }
    });
  }
});

describe("readRangesNow", () => {
  const SIZE = MiB + 3;
  const data = pattern(SIZE);
  const file = newFile(data);

  const rowsNow: ReadonlyArray<{ does: string; ranges: Array<{ start: number; end: number }> }> = [
    { does: "reads the first byte", ranges: [{ start: 0, end: 0 }] },
    { does: "reads the last byte", ranges: [{ start: SIZE - 1, end: SIZE - 1 }] },
    { does: "reads the whole file", ranges: [{ start: 0, end: SIZE - 1 }] },
    { does: "reads a range across the chunk boundary", ranges: [{ start: CHUNK - 2, end: CHUNK + 1 }] },
    { does: "reads several ranges in the order given", ranges: [{ start: 1000, end: 1999 }, { start: 0, end: 9 }, { start: SIZE - 64 * KiB, end: SIZE - 1 }] },
    { does: "reads overlapping ranges each in full", ranges: [{ start: 0, end: 99 }, { start: 50, end: 149 }] },
    { does: "reads SMALL_RANGES bytes", ranges: [{ start: 12_345, end: 12_345 + SMALL_RANGES - 1 }] },
    { does: "reads no ranges as none", ranges: [] },
  ];
  for (const row of rowsNow) {
    it(`readRangesNow() ${row.does}`, () => {
      const out = readRangesNow(file, row.ranges);
      assert.ok(out !== null);
      assert.equal(out.length, row.ranges.length);
      row.ranges.forEach((r, i) => assert.ok((out[i] as Buffer).equals(data.subarray(r.start, r.end + 1)), `range ${r.start}-${r.end}`));
    });
  }

  it("readRangesNow() works with the documented threshold", () => {
    assert.equal(SMALL_RANGES, 256 * KiB);
  });

  it("readRangesNow() takes a Buffer path", () => {
    const out = readRangesNow(Buffer.from(file), [{ start: 3, end: 5 }]);
    assert.deepEqual(out, [data.subarray(3, 6)]);
  });

  it("readRangesNow() answers null for a missing file", () => {
    assert.equal(readRangesNow(path.join(dir, "missing.bin"), [{ start: 0, end: 0 }]), null);
  });

  it("readRangesNow() answers null for a directory", () => {
    assert.equal(readRangesNow(dir, [{ start: 0, end: 0 }]), null);
  });

  const cuts: ReadonlyArray<{ does: string; ranges: Array<{ start: number; end: number }>; ok: boolean }> = [
    { does: "answers null for a range past the end of a truncated file", ranges: [{ start: 5000, end: 5009 }], ok: false },
    { does: "answers null for a range running over the end of a truncated file", ranges: [{ start: 900, end: 1100 }], ok: false },
    { does: "answers null when only a later range is past the end", ranges: [{ start: 0, end: 9 }, { start: 2000, end: 2000 }], ok: false },
    { does: "reads ranges that are still inside a truncated file", ranges: [{ start: 0, end: 9 }, { start: 999, end: 999 }], ok: true },
  ];
  for (const row of cuts) {
    it(`readRangesNow() ${row.does}`, () => {
      const small = newFile(data.subarray(0, 4 * KiB));
      truncateSync(small, 1000);
      const out = readRangesNow(small, row.ranges);
      if (!row.ok) assert.equal(out, null);
      else assert.deepEqual(out, row.ranges.map((r) => data.subarray(r.start, r.end + 1)));
    });
  }
});

describe("RangeSource.read(0)", () => {
  it("RangeSource.read(0) returns nothing and loses nothing of the range being read", async () => {
    const file = newFile(Buffer.from("hello world"));
    const source = new RangeSource(await FileSource.open(file, 11), [{ start: 0, end: 4 }, Buffer.from("|"), { start: 6, end: 10 }], 11);
    assert.equal((await source.read(0)).length, 0);
    const parts: Buffer[] = [];
    for (let chunk = await source.read(100); chunk.length > 0; chunk = await source.read(100)) parts.push(chunk);
    await source.close();
    assert.equal(Buffer.concat(parts).toString(), "hello|world");
  });
});
