import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { parseRange, type ByteRange } from "../../src/files/byte-ranges.js";
import { newBoundary, planMultipart, type MultipartPlan } from "../../src/files/multipart-byteranges.js";
import { prng } from "../helpers/prng.js";

/** The body a plan describes, built from the file's bytes. */
const assemble = (plan: MultipartPlan, file: Buffer): Buffer =>
  Buffer.concat([...plan.parts.flatMap((p) => [p.head, file.subarray(p.start, p.end + 1)]), plan.tail]);

interface ParsedPart {
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly data: Buffer;
}

/** A small multipart reader (RFC 2046 5.1.1): no preamble, CRLF-led delimiters, a close-delimiter then CRLF. */
function parseMultipart(body: Buffer, boundary: string): ParsedPart[] {
  const text = "\r\n" + body.toString("latin1");
  const pieces = text.split(`\r\n--${boundary}`);
  assert.equal(pieces.shift(), "", "no preamble");
  assert.equal(pieces.pop(), "--\r\n", "the close-delimiter ends the body");
  return pieces.map((piece) => {
    assert.ok(piece.startsWith("\r\n"), "a CRLF ends each delimiter line");
    const blank = piece.indexOf("\r\n\r\n");
    assert.ok(blank >= 0, "a blank line ends each part head");
    const headers = piece
      .slice(2, blank)
      .split("\r\n")
      .map((line) => {
        const colon = line.indexOf(":");
        return [line.slice(0, colon), line.slice(colon + 1).trim()] as const;
      });
    return { headers, data: Buffer.from(piece.slice(blank + 4), "latin1") };
  });
}

/** Plans, assembles and reads back a body, checking every part against the file. */
function roundTrip(file: Buffer, ranges: readonly ByteRange[], partType: string, boundary: string): void {
  const plan = planMultipart(ranges, file.length, partType, boundary);
  const body = assemble(plan, file);
  assert.equal(body.length, plan.length);
  const parts = parseMultipart(body, boundary);
  assert.equal(parts.length, ranges.length);
  parts.forEach((part, i) => {
    const { start, end } = ranges[i] as ByteRange;
    const want: Array<readonly [string, string]> = [["Content-Range", `bytes ${start}-${end}/${file.length}`]];
    if (partType !== "") want.unshift(["Content-Type", partType]);
    assert.deepEqual(part.headers, want);
    assert.ok(part.data.equals(file.subarray(start, end + 1)), `part ${i}`);
  });
}

test("planMultipart() lays out RFC 9110 15.3.7.2's example byte for byte", () => {
  const file = Buffer.alloc(8000, "x");
  const plan = planMultipart([{ start: 500, end: 999 }, { start: 7000, end: 7999 }], 8000, "application/pdf", "THIS_STRING_SEPARATES");
  assert.equal(plan.contentType, "multipart/byteranges; boundary=THIS_STRING_SEPARATES");
  const expected =
    "--THIS_STRING_SEPARATES\r\nContent-Type: application/pdf\r\nContent-Range: bytes 500-999/8000\r\n\r\n" +
    "x".repeat(500) +
    "\r\n--THIS_STRING_SEPARATES\r\nContent-Type: application/pdf\r\nContent-Range: bytes 7000-7999/8000\r\n\r\n" +
    "x".repeat(1000) +
    "\r\n--THIS_STRING_SEPARATES--\r\n";
  assert.equal(assemble(plan, file).toString("latin1"), expected);
  // The RFC's own Content-Length (1741) is not derivable from its example; this layout's is 1719.
  assert.equal(plan.length, 1719);
  assert.deepEqual(
    plan.parts.map((p) => [p.start, p.end, p.head.length]),
    [[500, 999, 93], [7000, 7999, 97]],
  );
  assert.equal(plan.tail.toString("latin1"), "\r\n--THIS_STRING_SEPARATES--\r\n");
});

test("planMultipart() bodies read back to the file's bytes and Content-Range fields", () => {
  const file = randomBytes(4096);
  const rows: ReadonlyArray<readonly [readonly ByteRange[], string]> = [
    [[{ start: 0, end: 0 }], "application/octet-stream"],
    [[{ start: 0, end: 4095 }], "text/plain; charset=utf-8"],
    [[{ start: 4095, end: 4095 }, { start: 0, end: 0 }], "image/png"],
    [[{ start: 10, end: 19 }, { start: 100, end: 199 }, { start: 3000, end: 4095 }], "video/mp4"],
    [[{ start: 0, end: 9 }, { start: 0, end: 9 }], "application/pdf"],
    [[{ start: 5, end: 6 }, { start: 1000, end: 1001 }], ""],
  ];
  for (const [ranges, partType] of rows) roundTrip(file, ranges, partType, newBoundary());
});

test("planMultipart() length is the sum of heads, ranges and tail, for any size", () => {
  const size = 2 ** 40;
  const plan = planMultipart([{ start: 0, end: 99 }, { start: size - 100, end: size - 1 }], size, "video/mp4", "b");
  const heads = plan.parts.reduce((n, p) => n + p.head.length, 0);
  assert.equal(plan.length, heads + 200 + plan.tail.length);
  assert.equal(plan.parts[1]?.head.toString("latin1"), `\r\n--b\r\nContent-Type: video/mp4\r\nContent-Range: bytes ${size - 100}-${size - 1}/${size}\r\n\r\n`);
});

test("planMultipart() leaves out the part Content-Type when the representation has none", () => {
  const plan = planMultipart([{ start: 0, end: 1 }], 10, "", "b");
  assert.equal(plan.parts[0]?.head.toString("latin1"), "--b\r\nContent-Range: bytes 0-1/10\r\n\r\n");
});

test("planMultipart() quotes a boundary that is not a token (RFC 9110 5.6.6)", () => {
  const rows: ReadonlyArray<readonly [string, string]> = [
    ["abc123", "multipart/byteranges; boundary=abc123"],
    ["a'b+c_d-e.f", "multipart/byteranges; boundary=a'b+c_d-e.f"],
    ["a b", 'multipart/byteranges; boundary="a b"'],
    ["(x)/y:z=?,", 'multipart/byteranges; boundary="(x)/y:z=?,"'],
  ];
  for (const [boundary, contentType] of rows) {
    assert.equal(planMultipart([{ start: 0, end: 0 }], 1, "text/plain", boundary).contentType, contentType, boundary);
    roundTrip(Buffer.from("z"), [{ start: 0, end: 0 }], "text/plain", boundary);
  }
});

test("planMultipart() refuses boundaries outside RFC 2046's grammar", () => {
  for (const boundary of ["", "x".repeat(71), "trailing ", "a\r\nb", 'a"b', "a\\b", "é", "a;b"]) {
    assert.throws(() => planMultipart([{ start: 0, end: 0 }], 1, "text/plain", boundary), RangeError, JSON.stringify(boundary));
  }
  assert.doesNotThrow(() => planMultipart([{ start: 0, end: 0 }], 1, "text/plain", "x".repeat(70)));
});

test("planMultipart() refuses a part type that would inject a header", () => {
  for (const partType of ["text/plain\r\nX-Evil: 1", "text/plain\n", "text/\0plain", "text/plain\u0100"]) {
    assert.throws(() => planMultipart([{ start: 0, end: 0 }], 1, partType, "b"), RangeError, JSON.stringify(partType));
  }
});

test("planMultipart() refuses no ranges and ranges outside the representation", () => {
  const rows: ReadonlyArray<readonly [readonly ByteRange[], number]> = [
    [[], 10],
    [[{ start: -1, end: 0 }], 10],
    [[{ start: 5, end: 4 }], 10],
    [[{ start: 0, end: 10 }], 10],
    [[{ start: 0, end: 0 }], 0],
    [[{ start: 0, end: 1.5 }], 10],
    [[{ start: 0, end: 1 }, { start: 9, end: 10 }], 10],
  ];
  for (const [ranges, size] of rows) {
    assert.throws(() => planMultipart(ranges, size, "text/plain", "b"), RangeError, JSON.stringify([ranges, size]));
  }
});

test("newBoundary() gives 32 fresh RFC 2046 bcharsnospace that need no quoting", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const b = newBoundary();
    assert.match(b, /^[0-9a-f]{32}$/);
    assert.equal(planMultipart([{ start: 0, end: 0 }], 1, "text/plain", b).contentType, `multipart/byteranges; boundary=${b}`);
    seen.add(b);
  }
  assert.equal(seen.size, 200);
});

test("planMultipart() round-trips parseRange's answers to random headers (seeded)", () => {
  const { next: rand, int } = prng(0xb0d1);
  let multipart = 0;
  for (let c = 0; c < 300; c++) {
    const size = 1 + int(5000);
    const file = Buffer.from(Array.from({ length: size }, () => int(256)));
    const specs = Array.from({ length: 1 + int(12) }, () => {
      const first = int(size + 50);
      return int(4) === 0 ? `-${int(size + 50)}` : `${first}-${first + int(300)}`;
    });
    const decision = parseRange("bytes=" + specs.join(","), size);
    if (decision.kind !== "ranges") continue;
    multipart += decision.ranges.length > 1 ? 1 : 0;
    roundTrip(file, decision.ranges, "application/octet-stream", newBoundary());
  }
  assert.ok(multipart > 100, `only ${multipart} multipart cases`);
});
