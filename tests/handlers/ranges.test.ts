/**
 * Byte ranges (RFC 9110 14) served by SimpleHTTPRequestHandler, as real
 * clients see them: raw sockets, `curl -r` (one range and multipart), and
 * `curl -C -` resuming a download. Exact bytes at the sizes where the way a
 * file is read changes: cached in memory (<= 256 KiB), ranges read at once
 * (<= 256 KiB in total) or streamed, whole files in 1 MiB chunks. Each size is
 * served with and without the file cache.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, utimesSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { removeDir, startServer, tempDir, httpDate, type TestServer } from "../helpers/file-server.js";
import { buildRequest, request, type ParsedResponse } from "../helpers/raw-client.js";
import {
  curl,
  curlHeaders,
  handlerWith,
  normaliseBoundary,
  onConnection,
  parseByteRanges,
  prng,
  seededBytes,
  toolSkip,
  withoutDate,
} from "../helpers/real-clients.js";

const KiB = 1024;
const MiB = 1024 * KiB;
/** The sizes at which the reading strategy changes (see the module comment). */
const SIZES = [0, 1, 255 * KiB, 256 * KiB, 256 * KiB + 1, MiB - 1, MiB, MiB + 1, 3 * MiB + 17];
/** Coalescing distance and part limits the handler documents (byte-ranges.ts DEFAULT_RANGE_LIMITS). */
const MERGE_GAP = 80;
const MAX_PARTS = 32;
const MAX_SPECS = 200;

/** A range-spec: [first, last] (`first-last`), [first, null] (`first-`) or [null, n] (`-n`). */
type Spec = readonly [number | null, number | null];
const specText = (specs: readonly Spec[]): string => "bytes=" + specs.map(([a, b]) => `${a ?? ""}-${b ?? ""}`).join(",");

/** What a Range of valid `specs` must give on `size` bytes, computed from RFC 9110 14.1.2 and the documented limits. */
type Expected = { kind: "whole" } | { kind: "unsatisfiable" } | { kind: "parts"; ranges: Array<{ start: number; end: number }> };

function expectedFor(specs: readonly Spec[], size: number): Expected {
  if (size === 0 || specs.length > MAX_SPECS) return { kind: "whole" };
  const sat: Array<{ start: number; end: number; first: number }> = [];
  specs.forEach(([a, b], i) => {
    if (a === null) {
      const n = b as number;
      if (n > 0) sat.push({ start: Math.max(0, size - n), end: size - 1, first: i });
    } else if (a < size) {
      sat.push({ start: a, end: b === null ? size - 1 : Math.min(b, size - 1), first: i });
    }
  });
  if (sat.length === 0) return { kind: "unsatisfiable" };
  const merged: typeof sat = [];
  for (const r of [...sat].sort((x, y) => x.start - y.start)) {
    const last = merged.at(-1);
    if (last && r.start - last.end - 1 <= MERGE_GAP) {
      last.end = Math.max(last.end, r.end);
      last.first = Math.min(last.first, r.first);
    } else merged.push({ ...r });
  }
  if (merged.length > MAX_PARTS) return { kind: "whole" };
  merged.sort((x, y) => x.first - y.first);
  return { kind: "parts", ranges: merged.map(({ start, end }) => ({ start, end })) };
}

/** Asserts that `r` is exactly what `expected` says for `file` served as `ctype` (a HEAD response has no body). */
function checkRangeResponse(r: ParsedResponse, expected: Expected, file: Buffer, ctype: string, label: string, head = false): void {
  const size = file.length;
  assert.equal(r.header("Accept-Ranges"), "bytes", label);
  assert.match(r.header("ETag") ?? "", new RegExp(`^"[0-9a-f]+\\.[0-9a-f]+-${size.toString(16)}"$`), `${label}: the identity ETag`);
  assert.equal(r.header("Content-Encoding"), undefined, label);
  const body = (want: Buffer): void => {
    if (head) assert.equal(r.body.length, 0, `${label}: HEAD has no body`);
    else assert.ok(r.body.equals(want), `${label}: body differs (${r.body.length} bytes, expected ${want.length})`);
  };
  switch (expected.kind) {
    case "whole":
      assert.equal(r.status, 200, label);
      assert.equal(r.header("Content-Range"), undefined, label);
      assert.equal(r.header("Content-Length"), String(size), label);
      assert.equal(r.header("Content-type"), ctype, label);
      body(file);
      return;
    case "unsatisfiable":
      assert.equal(r.status, 416, label);
      assert.equal(r.header("Content-Range"), `bytes */${size}`, label);
      assert.equal(r.header("Content-Length"), "0", label);
      assert.equal(r.body.length, 0, label);
      return;
    case "parts": {
      assert.equal(r.status, 206, label);
      const [one] = expected.ranges;
      if (expected.ranges.length === 1 && one) {
        assert.equal(r.header("Content-Range"), `bytes ${one.start}-${one.end}/${size}`, label);
        assert.equal(r.header("Content-type"), ctype, label);
        assert.equal(r.header("Content-Length"), String(one.end - one.start + 1), label);
        body(file.subarray(one.start, one.end + 1));
        return;
      }
      assert.equal(r.header("Content-Range"), undefined, `${label}: a multipart response has no Content-Range of its own`);
      const type = r.header("Content-type") ?? "";
      assert.match(type, /^multipart\/byteranges; boundary=[0-9A-Za-z'()+_,\-./:=?]+$/, label);
      if (head) {
        assert.equal(r.body.length, 0, label);
        return;
      }
      assert.equal(r.header("Content-Length"), String(r.body.length), `${label}: Content-Length is the exact body length`);
      const parts = parseByteRanges(r.body, type);
      assert.deepEqual(
        parts.map((p) => [p.start, p.end, p.size, p.type]),
        expected.ranges.map((x) => [x.start, x.end, size, ctype]),
        `${label}: the parts, in the client's order`,
      );
      for (const p of parts) assert.ok(p.data.equals(file.subarray(p.start, p.end + 1)), `${label}: part ${p.start}-${p.end} differs`);
    }
  }
}

/**
 * A random valid range-spec on `size` bytes: sometimes past the end, a suffix
 * or open-ended; `short` (for multi-ranges) makes most of them short, so that
 * several parts survive coalescing.
 */
function randomSpec(rand: ReturnType<typeof prng>, size: number, short = false): Spec {
  const kind = rand.int(short ? 20 : 10);
  const span = Math.max(1, size);
  if (kind === 0) return [null, 1 + rand.int(short ? 4 * KiB : span + 10)];
  if (kind === 1) return [rand.int(span), null];
  if (kind === 2) return [size + rand.int(100), size + 100 + rand.int(100)]; // unsatisfiable on its own
  const start = rand.int(span);
  const len = rand.next() < (short ? 0.85 : 0.5) ? rand.int(4 * KiB) : rand.int(span);
  return [start, start + len];
}

let root: string;
const files = new Map<number, Buffer>();
let cached: TestServer;
let uncached: TestServer;

before(async () => {
  root = tempDir();
  for (const [i, size] of SIZES.entries()) {
    const data = seededBytes(size, 0x5eed + i);
    files.set(size, data);
    writeFileSync(path.join(root, `f${size}.bin`), data);
  }
  writeFileSync(path.join(root, "text.txt"), seededBytes(10_000, 7).toString("hex").slice(0, 10_000));
  writeFileSync(path.join(root, "hundred.txt"), "0123456789".repeat(10));
  writeFileSync(path.join(root, "app.js"), "let x = 1;\n".repeat(2000));
  mkdirSync(path.join(root, "dir"));
  writeFileSync(path.join(root, "dir", "a.txt"), "a");
  const when = new Date("2023-03-03T03:03:03Z");
  utimesSync(path.join(root, "hundred.txt"), when, when);
  cached = await startServer(root, { protocol: "HTTP/1.1", extraResponseHeaders: [["X-Extra", "on"]] });
  uncached = await startServer(root, { protocol: "HTTP/1.1", Handler: handlerWith({ fileCache: null }) });
});
after(async () => {
  await cached.close();
  await uncached.close();
  removeDir(root);
});

describe("single ranges on a 100-byte file", () => {
  const text = Buffer.from("0123456789".repeat(10));
  const ctype = "text/plain; charset=utf-8";
  const get = (range: string, method = "GET"): Promise<ParsedResponse> => request(cached.port, method, "/hundred.txt", [`Range: ${range}`]);

  test("bytes=0-9: 206 with Content-Range bytes 0-9/100 and exactly those bytes", async () => {
    const r = await get("bytes=0-9");
    assert.equal(r.statusLine, "HTTP/1.1 206 Partial Content");
    assert.equal(r.header("Content-Range"), "bytes 0-9/100");
    assert.equal(r.header("Content-Length"), "10");
    assert.equal(r.header("Content-type"), ctype);
    assert.equal(r.header("Accept-Ranges"), "bytes");
    assert.equal(r.header("Last-Modified"), "Fri, 03 Mar 2023 03:03:03 GMT");
    assert.match(r.header("ETag") ?? "", /^"[0-9a-f]+\.[0-9a-f]+-64"$/);
    assert.equal(r.header("Content-Encoding"), undefined);
    assert.equal(r.header("X-Extra"), "on", "extra headers on a 206");
    assert.equal(r.body.toString(), "0123456789");
  });

  test("a Range past the end is clamped: 206 with Content-Range bytes 10-99/100", async () => {
    const r = await get("bytes=10-999");
    assert.equal(r.status, 206);
    assert.equal(r.header("Content-Range"), "bytes 10-99/100");
    assert.ok(r.body.equals(text.subarray(10)));
  });

  test("open and suffix forms: bytes=95-, bytes=-5, and a suffix longer than the file (all of it)", async () => {
    for (const [range, cr, start] of [
      ["bytes=95-", "bytes 95-99/100", 95],
      ["bytes=-5", "bytes 95-99/100", 95],
      ["bytes=-500", "bytes 0-99/100", 0],
      ["bytes=0-", "bytes 0-99/100", 0],
      ["bytes=99-99", "bytes 99-99/100", 99],
    ] as const) {
      const r = await get(range);
      assert.equal(r.status, 206, range);
      assert.equal(r.header("Content-Range"), cr, range);
      assert.ok(r.body.equals(text.subarray(start)), range);
    }
  });

  test("positions beyond 2^53 clamp as last-pos and are unsatisfiable as first-pos", async () => {
    const big = "123456789012345678901234567890";
    const r = await get(`bytes=90-${big}`);
    assert.equal(r.status, 206);
    assert.equal(r.header("Content-Range"), "bytes 90-99/100");
    const s = await get(`bytes=-${big}`);
    assert.equal(s.header("Content-Range"), "bytes 0-99/100");
    const u = await get(`bytes=${big}-`);
    assert.equal(u.status, 416);
  });

  test("none satisfiable: 416 with Content-Range bytes */100, Content-Length 0, extra headers, and the connection kept alive", async () => {
    const { responses, open } = await onConnection(cached.port, [
      buildRequest("GET", "/hundred.txt", ["Range: bytes=100-"]),
      buildRequest("GET", "/hundred.txt", ["Range: bytes=500-600,200-"]),
      buildRequest("GET", "/hundred.txt", ["Range: bytes=-0"]),
      buildRequest("GET", "/hundred.txt", ["Range: bytes=0-3"]),
    ]);
    for (const r of responses.slice(0, 3)) {
      assert.equal(r.statusLine, "HTTP/1.1 416 Range Not Satisfiable");
      assert.equal(r.header("Content-Range"), "bytes */100");
      assert.equal(r.header("Content-Length"), "0");
      assert.equal(r.header("Connection"), undefined);
      assert.equal(r.header("X-Extra"), "on");
      assert.ok(r.header("ETag"));
      assert.equal(r.body.length, 0);
    }
    assert.equal(responses[3]?.status, 206);
    assert.equal(responses[3]?.body.toString(), "0123");
    assert.ok(open, "the connection stays open after 416s");
  });

  test("invalid syntax or another unit: 200 with the whole file", async () => {
    for (const range of [
      "bytes=abc",
      "bytes=5-1",
      "bytes=1-2-3",
      "bytes=+1-2",
      "bytes=-",
      "bytes=",
      "bytes 0-1",
      "bytes=0-1;x",
      "items=0-1",
      "none",
      "bytes=0x10-0x20",
      "bytes=0-1,5-2",
    ]) {
      const r = await get(range);
      assert.equal(r.status, 200, range);
      assert.equal(r.header("Content-Range"), undefined, range);
      assert.equal(r.header("Content-Length"), "100", range);
      assert.ok(r.body.equals(text), range);
    }
  });

  test("the unit is case-insensitive and whitespace around list elements is allowed", async () => {
    const r = await get("BYTES= 1-2 , ,");
    assert.equal(r.status, 206);
    assert.equal(r.header("Content-Range"), "bytes 1-2/100");
    assert.equal(r.body.toString(), "12");
  });

  test("an empty file ignores Range: 200 with no body", async () => {
    const r = await request(cached.port, "GET", "/f0.bin", ["Range: bytes=0-0"]);
    assert.equal(r.status, 200);
    assert.equal(r.header("Content-Length"), "0");
    assert.equal(r.body.length, 0);
    const s = await request(cached.port, "GET", "/f0.bin", ["Range: bytes=-5"]);
    assert.equal(s.status, 200);
  });

  test("a directory listing ignores Range", async () => {
    const r = await request(cached.port, "GET", "/dir/", ["Range: bytes=0-3"]);
    assert.equal(r.status, 200);
    assert.equal(r.header("Content-Range"), undefined);
    assert.match(r.body.toString(), /<a href="a.txt">a.txt<\/a>/);
  });
});

describe("several ranges", () => {
  const file = (): Buffer => readFileSync(path.join(root, "text.txt"));
  const ctype = "text/plain; charset=utf-8";

  test("two distant ranges: multipart/byteranges, one Content-Range per part, the exact Content-Length", async () => {
    const r = await request(cached.port, "GET", "/text.txt", ["Range: bytes=0-9,1000-1009"]);
    assert.equal(r.status, 206);
    assert.equal(r.header("X-Extra"), "on");
    checkRangeResponse(r, { kind: "parts", ranges: [{ start: 0, end: 9 }, { start: 1000, end: 1009 }] }, file(), ctype, "0-9,1000-1009");
  });

  test("parts keep the client's order; unsatisfiable specs are dropped", async () => {
    const r = await request(cached.port, "GET", "/text.txt", ["Range: bytes=5000-5099,20000-,0-99"]);
    checkRangeResponse(r, { kind: "parts", ranges: [{ start: 5000, end: 5099 }, { start: 0, end: 99 }] }, file(), ctype, "order");
  });

  test("overlapping, adjacent and near (<= 80 bytes apart) ranges merge; 81 bytes apart stay separate", async () => {
    const cases: Array<[string, Expected]> = [
      ["bytes=0-50,20-80", { kind: "parts", ranges: [{ start: 0, end: 80 }] }],
      ["bytes=0-9,10-19", { kind: "parts", ranges: [{ start: 0, end: 19 }] }],
      ["bytes=0-9,90-99", { kind: "parts", ranges: [{ start: 0, end: 99 }] }],
      ["bytes=0-9,91-99", { kind: "parts", ranges: [{ start: 0, end: 9 }, { start: 91, end: 99 }] }],
      ["bytes=500-599,0-9,550-700", { kind: "parts", ranges: [{ start: 500, end: 700 }, { start: 0, end: 9 }] }],
      ["bytes=-100,9850-9860", { kind: "parts", ranges: [{ start: 9850, end: 9999 }] }],
      ["bytes=0-0,0-0,0-0", { kind: "parts", ranges: [{ start: 0, end: 0 }] }],
    ];
    for (const [range, expected] of cases) {
      const r = await request(cached.port, "GET", "/text.txt", [`Range: ${range}`]);
      checkRangeResponse(r, expected, file(), ctype, range);
    }
  });

  test("32 parts after merging are served; 33 get 200 with the whole file", async () => {
    const specs = (n: number): Spec[] => Array.from({ length: n }, (_, i): Spec => [i * 100, i * 100 + 9]);
    const r32 = await request(cached.port, "GET", "/text.txt", [`Range: ${specText(specs(32))}`]);
    checkRangeResponse(r32, expectedFor(specs(32), 10_000), file(), ctype, "32 parts");
    assert.equal(parseByteRanges(r32.body, r32.header("Content-type") ?? "").length, 32);
    const r33 = await request(cached.port, "GET", "/text.txt", [`Range: ${specText(specs(33))}`]);
    checkRangeResponse(r33, { kind: "whole" }, file(), ctype, "33 parts");
    // Many specs that merge into few parts are fine, up to 200 specs; more are refused.
    const many = (n: number): Spec[] => Array.from({ length: n }, (_, i): Spec => [i, i]);
    const r200 = await request(cached.port, "GET", "/text.txt", [`Range: ${specText(many(200))}`]);
    checkRangeResponse(r200, { kind: "parts", ranges: [{ start: 0, end: 199 }] }, file(), ctype, "200 specs");
    const r201 = await request(cached.port, "GET", "/text.txt", [`Range: ${specText(many(201))}`]);
    checkRangeResponse(r201, { kind: "whole" }, file(), ctype, "201 specs");
  });

  test("HEAD with Range sends the headers GET sends (the multipart boundary aside) and no body", async () => {
    for (const range of ["bytes=0-9", "bytes=0-9,1000-1009", "bytes=20000-", "bytes=abc"]) {
      const g = await request(cached.port, "GET", "/text.txt", [`Range: ${range}`]);
      const h = await request(cached.port, "HEAD", "/text.txt", [`Range: ${range}`]);
      assert.equal(h.statusLine, g.statusLine, range);
      assert.deepEqual(normaliseBoundary(withoutDate(h)), normaliseBoundary(withoutDate(g)), range);
      assert.equal(h.body.length, 0, range);
    }
  });

  test("a multipart response is framed exactly: the next request on the connection is answered", async () => {
    const { responses, open } = await onConnection(cached.port, [
      buildRequest("GET", "/text.txt", ["Range: bytes=1-2,3000-3002,-3"]),
      buildRequest("HEAD", "/text.txt", ["Range: bytes=1-2,3000-3002,-3"]),
      buildRequest("GET", "/hundred.txt", []),
    ]);
    checkRangeResponse(responses[0] as ParsedResponse, { kind: "parts", ranges: [{ start: 1, end: 2 }, { start: 3000, end: 3002 }, { start: 9997, end: 9999 }] }, file(), ctype, "pipelined");
    assert.equal(responses[1]?.status, 206);
    assert.equal(responses[2]?.status, 200);
    assert.equal(responses[2]?.body.toString(), "0123456789".repeat(10));
    assert.ok(open);
  });

  test("a Range request is served from the identity representation, even when the client accepts gzip and br", async () => {
    const js = readFileSync(path.join(root, "app.js"));
    const r = await request(cached.port, "GET", "/app.js", ["Range: bytes=0-10,-11", "Accept-Encoding: gzip, br"]);
    assert.equal(r.status, 206);
    assert.equal(r.header("Content-Encoding"), undefined);
    assert.equal(r.header("Vary"), "Accept-Encoding");
    assert.doesNotMatch(r.header("ETag") ?? "", /-(br|gzip)"$/);
    checkRangeResponse(r, { kind: "parts", ranges: [{ start: 0, end: 10 }, { start: js.length - 11, end: js.length - 1 }] }, js, "text/javascript; charset=utf-8", "js");
    const one = await request(cached.port, "GET", "/app.js", ["Range: bytes=11-21", "Accept-Encoding: br"]);
    assert.equal(one.header("Content-Encoding"), undefined);
    assert.equal(one.body.toString(), "let x = 1;\n");
  });
});

describe("If-Range decides whether Range applies", () => {
  test("a strong ETag or the exact Last-Modified date: 206; another tag, a weak tag or another date: 200 whole", async () => {
    const whole = await request(cached.port, "GET", "/hundred.txt");
    const etag = whole.header("ETag") as string;
    const lastModified = whole.header("Last-Modified") as string;
    assert.equal(lastModified, httpDate(Date.parse("2023-03-03T03:03:03Z")));
    const cases: Array<[string, number]> = [
      [etag, 206],
      [lastModified, 206],
      [`W/${etag}`, 200],
      ['"nope"', 200],
      [`${etag}, "other"`, 200],
      ["Fri, 03 Mar 2023 03:03:04 GMT", 200],
      ["Fri, 03 Mar 2023 03:03:02 GMT", 200],
      ["not a date", 200],
    ];
    for (const [ifRange, status] of cases) {
      const r = await request(cached.port, "GET", "/hundred.txt", ["Range: bytes=0-4", `If-Range: ${ifRange}`]);
      assert.equal(r.status, status, ifRange);
      assert.equal(r.body.toString(), status === 206 ? "01234" : "0123456789".repeat(10), ifRange);
    }
  });
});

/** Sizes x servers: whole files, the ranges around the read thresholds, random single and multi ranges. */
describe("exact bytes at the cache, read and chunk boundaries", () => {
  for (const [name, server] of [["cached", () => cached], ["uncached", () => uncached]] as const) {
    for (const [i, size] of SIZES.entries()) {
      test(`${size} bytes (${name}): the whole file, then 24 random single ranges and 12 random multi-ranges`, async (t) => {
        const file = files.get(size) as Buffer;
        const port = server().port;
        const target = `/f${size}.bin`;
        const ctype = "application/octet-stream";
        const whole = await request(port, "GET", target);
        checkRangeResponse(whole, { kind: "whole" }, file, ctype, "whole");
        assert.equal(whole.header("Vary"), undefined, "octet-stream is never compressed");
        const rand = prng(1000 + i);
        const seen = { whole: 0, unsatisfiable: 0, single: 0, multipart: 0 };
        const count = (e: Expected): void => {
          if (e.kind === "parts") seen[e.ranges.length === 1 ? "single" : "multipart"]++;
          else seen[e.kind]++;
        };
        const fixed: Spec[][] = [[[0, null]], [[0, 0]], [[null, 1]], [[Math.max(0, size - 1), null]]];
        for (const specs of fixed) checkRangeResponse(await request(port, "GET", target, [`Range: ${specText(specs)}`]), expectedFor(specs, size), file, ctype, specText(specs));
        for (let n = 0; n < 24; n++) {
          const specs = [randomSpec(rand, size)];
          count(expectedFor(specs, size));
          const r = await request(port, "GET", target, [`Range: ${specText(specs)}`]);
          checkRangeResponse(r, expectedFor(specs, size), file, ctype, `${target} ${specText(specs)}`);
        }
        for (let n = 0; n < 12; n++) {
          const specs = Array.from({ length: 2 + rand.int(7) }, () => randomSpec(rand, size, true));
          count(expectedFor(specs, size));
          const r = await request(port, "GET", target, [`Range: ${specText(specs)}`]);
          checkRangeResponse(r, expectedFor(specs, size), file, ctype, `${target} ${specText(specs)}`);
          if (n % 4 === 0) {
            const h = await request(port, "HEAD", target, [`Range: ${specText(specs)}`]);
            checkRangeResponse(h, expectedFor(specs, size), file, ctype, `HEAD ${target} ${specText(specs)}`, true);
            assert.deepEqual(normaliseBoundary(withoutDate(h)), normaliseBoundary(withoutDate(r)), `HEAD ${specText(specs)}`);
          }
        }
        t.diagnostic(JSON.stringify(seen));
        // The generator really reaches single and multipart 206s, and 416s, wherever the file has room for them.
        if (size > KiB) assert.ok(seen.single > 0 && seen.multipart > 0 && seen.unsatisfiable > 0, JSON.stringify(seen));
      });
    }

    test(`ranges totalling 256 KiB and 256 KiB + 1 of a 3 MiB file (${name}), across the 256 KiB and 1 MiB offsets`, async () => {
      const size = 3 * MiB + 17;
      const file = files.get(size) as Buffer;
      const port = server().port;
      const cases: Spec[][] = [
        [[0, 256 * KiB - 1]],
        [[0, 256 * KiB]],
        [[MiB - 100, MiB - 100 + 256 * KiB - 1]],
        [[MiB - 100, MiB - 100 + 256 * KiB]],
        [[256 * KiB - 10, 256 * KiB + 9]],
        [[100, 100 + 128 * KiB - 1], [2 * MiB, 2 * MiB + 128 * KiB - 1]],
        [[100, 100 + 128 * KiB - 1], [2 * MiB, 2 * MiB + 128 * KiB]],
        [[null, 256 * KiB]],
        [[null, 256 * KiB + 1]],
        [[0, MiB], [2 * MiB, null]],
        [[size - 1, null], [0, 0], [MiB, MiB]],
      ];
      for (const specs of cases) {
        const r = await request(port, "GET", "/f" + size + ".bin", [`Range: ${specText(specs)}`]);
        checkRangeResponse(r, expectedFor(specs, size), file, "application/octet-stream", specText(specs));
      }
    });
  }
});

describe("a sparse 5 GiB file: positions past 2^32", () => {
  const SIZE = 5 * 1024 * MiB + 7;
  const G4 = 2 ** 32;
  /** The file's bytes at `start..end`: zeros but for the markers written at 4 GiB + 100 and at 5 GiB. */
  const MARKS: Array<[number, Buffer]> = [
    [G4 + 100, Buffer.from("MARKER-AT-4GiB+100")],
    [5 * 1024 * MiB, Buffer.from("TAIL!!!")],
    [G4 - 3, Buffer.from("<4G|")],
  ];
  const bytesAt = (start: number, end: number): Buffer => {
    const out = Buffer.alloc(end - start + 1);
    for (const [at, mark] of MARKS) {
      for (let i = 0; i < mark.length; i++) if (at + i >= start && at + i <= end) out[at + i - start] = mark[i] as number;
    }
    return out;
  };
  before(() => {
    const fd = openSync(path.join(root, "huge.bin"), "w");
    try {
      ftruncateSync(fd, SIZE); // sparse: no disk used
      for (const [at, mark] of MARKS) writeSync(fd, mark, 0, mark.length, at);
    } finally {
      closeSync(fd);
    }
  });

  test("single, suffix and multipart ranges beyond 4 GiB, read at once or streamed across the 4 GiB offset", async () => {
    const cases: Spec[][] = [
      [[G4 + 100, G4 + 117]],
      [[null, 7]],
      [[SIZE - 1, SIZE + 1000]],
      [[G4 - 3, G4 + 120]],
      [[G4 - 200 * KiB, G4 + 200 * KiB]], // 400 KiB: streamed from disk
      [[G4 + 100, G4 + 117], [5 * 1024 * MiB, null], [0, 3]],
      [[G4 - 300 * KiB, G4 + 300]],
      [[SIZE - 10, null]],
    ];
    for (const specs of cases) {
      const r = await request(cached.port, "GET", "/huge.bin", [`Range: ${specText(specs)}`]);
      const expected = expectedFor(specs, SIZE);
      assert.equal(expected.kind, "parts");
      if (expected.kind !== "parts") continue;
      assert.equal(r.status, 206, specText(specs));
      const [one] = expected.ranges;
      if (expected.ranges.length === 1 && one) {
        assert.equal(r.header("Content-Range"), `bytes ${one.start}-${one.end}/${SIZE}`);
        assert.ok(r.body.equals(bytesAt(one.start, one.end)), specText(specs));
      } else {
        const parts = parseByteRanges(r.body, r.header("Content-type") ?? "");
        assert.deepEqual(parts.map((p) => [p.start, p.end, p.size]), expected.ranges.map((x) => [x.start, x.end, SIZE]));
        for (const p of parts) assert.ok(p.data.equals(bytesAt(p.start, p.end)), `part ${p.start}-${p.end}`);
      }
    }
    const unsatisfiable = await request(cached.port, "GET", "/huge.bin", [`Range: bytes=${SIZE}-`]);
    assert.equal(unsatisfiable.status, 416);
    assert.equal(unsatisfiable.header("Content-Range"), `bytes */${SIZE}`);
    const head = await request(cached.port, "HEAD", "/huge.bin");
    assert.equal(head.header("Content-Length"), String(SIZE));
    assert.match(head.header("ETag") ?? "", new RegExp(`-${SIZE.toString(16)}"$`));
  });
});

describe("curl", { skip: toolSkip("curl") }, () => {
  const size = 3 * MiB + 17;
  const url = (p: string): string => `http://127.0.0.1:${cached.port}${p}`;

  test("curl -r 0-99: 206 and exactly the first 100 bytes", async () => {
    const out = path.join(root, "curl-r.out");
    const hdr = path.join(root, "curl-r.hdr");
    const r = await curl("-r", "0-99", "-D", hdr, "-o", out, "-w", "%{http_code}", url(`/f${size}.bin`));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), "206");
    const [head] = curlHeaders(readFileSync(hdr, "latin1"));
    assert.equal(head?.header("Content-Range"), `bytes 0-99/${size}`);
    assert.ok(readFileSync(out).equals((files.get(size) as Buffer).subarray(0, 100)));
  });

  test("curl -r 0-9,5000-5009: a multipart/byteranges body whose two parts are the file's bytes", async () => {
    const out = path.join(root, "curl-multi.out");
    const hdr = path.join(root, "curl-multi.hdr");
    const r = await curl("-r", "0-9,5000-5009", "-D", hdr, "-o", out, "-w", "%{http_code}", url(`/f${size}.bin`));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), "206");
    const [head] = curlHeaders(readFileSync(hdr, "latin1"));
    const body = readFileSync(out);
    assert.equal(head?.header("Content-Length"), String(body.length));
    const parts = parseByteRanges(body, head?.header("Content-type") ?? "");
    const file = files.get(size) as Buffer;
    assert.deepEqual(parts.map((p) => [p.start, p.end, p.size]), [[0, 9, size], [5000, 5009, size]]);
    for (const p of parts) assert.ok(p.data.equals(file.subarray(p.start, p.end + 1)));
  });

  test("curl -C - resumes an interrupted download of a 3 MiB file with a Range request (206), byte for byte", async () => {
    const file = files.get(size) as Buffer;
    for (const [name, server, cut] of [
      ["cached", cached, 1_234_567],
      ["uncached", uncached, size - 1000],
    ] as const) {
      const out = path.join(root, `resume-${name}.out`);
      writeFileSync(out, file.subarray(0, cut)); // what an interrupted transfer left behind
      const hdr = path.join(root, `resume-${name}.hdr`);
      const r = await curl("-C", "-", "-D", hdr, "-o", out, "-w", "%{http_code} %{size_download}", `http://127.0.0.1:${server.port}/f${size}.bin`);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.toString(), `206 ${size - cut}`, name);
      const [head] = curlHeaders(readFileSync(hdr, "latin1"));
      assert.equal(head?.header("Content-Range"), `bytes ${cut}-${size - 1}/${size}`);
      assert.ok(readFileSync(out).equals(file), `${name}: the resumed file equals the original`);
    }
  });

  test("curl -C - --compressed resumes a JavaScript file from the identity representation", async () => {
    const js = readFileSync(path.join(root, "app.js"));
    const out = path.join(root, "resume.js");
    writeFileSync(out, js.subarray(0, 5000));
    const hdr = path.join(root, "resume-js.hdr");
    const r = await curl("--compressed", "-C", "-", "-D", hdr, "-o", out, "-w", "%{http_code}", url("/app.js"));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), "206");
    const [head] = curlHeaders(readFileSync(hdr, "latin1"));
    assert.equal(head?.header("Content-Encoding"), undefined);
    assert.equal(head?.header("Content-Range"), `bytes 5000-${js.length - 1}/${js.length}`);
    assert.ok(readFileSync(out).equals(js));
  });

  test("curl -C - on a complete download: the server answers 416 and curl leaves the file as it is", async () => {
    const file = files.get(size) as Buffer;
    const out = path.join(root, "complete.out");
    writeFileSync(out, file);
    const r = await curl("-C", "-", "-o", out, "-w", "%{http_code}", url(`/f${size}.bin`));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), "416");
    assert.ok(readFileSync(out).equals(file));
  });
});
