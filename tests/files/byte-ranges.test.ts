import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_RANGE_LIMITS, parseRange, type RangeDecision, type RangeLimits } from "../../src/files/byte-ranges.js";
import { prng } from "../helpers/prng.js";

const IGNORE: RangeDecision = { kind: "ignore" };
const UNSATISFIABLE: RangeDecision = { kind: "unsatisfiable" };
const ranges = (...pairs: Array<[number, number]>): RangeDecision => ({ kind: "ranges", ranges: pairs.map(([start, end]) => ({ start, end })) });
const MAX = Number.MAX_SAFE_INTEGER;

/** Runs a table of [header, size, expected] rows, naming the failing row. */
function check(rows: ReadonlyArray<readonly [string | undefined, number, RangeDecision]>, limits?: RangeLimits): void {
  for (const [header, size, expected] of rows) {
    assert.deepEqual(parseRange(header, size, limits), expected, `${JSON.stringify(header)} of ${size} bytes`);
  }
}

test("parseRange() ignores an absent header", () => {
  check([[undefined, 100, IGNORE]]);
});

test("parseRange() ignores a header with an unknown unit or no '='", () => {
  check([
    ["items=0-1", 100, IGNORE],
    ["byte=0-1", 100, IGNORE],
    ["bytess=0-1", 100, IGNORE],
    ["none=0-1", 100, IGNORE],
    ["=0-1", 100, IGNORE],
    ["bytes", 100, IGNORE],
    ["bytes 0-1", 100, IGNORE],
    ["bytes:0-1", 100, IGNORE],
    ["bytes0-1", 100, IGNORE],
    ["", 100, IGNORE],
  ]);
});

test("parseRange() ignores whitespace between the unit and '=' (RFC 9110 14.1.1)", () => {
  check([
    ["bytes =0-1", 100, IGNORE],
    ["bytes\t=0-1", 100, IGNORE],
  ]);
});

test("parseRange() reads the unit case-insensitively", () => {
  check([
    ["BYTES=0-1", 100, ranges([0, 1])],
    ["Bytes=0-1", 100, ranges([0, 1])],
    ["bYtEs=0-1", 100, ranges([0, 1])],
  ]);
});

test("parseRange() ignores a syntactically invalid range-set", () => {
  for (const header of [
    "bytes=", "bytes=,", "bytes= , ,\t", "bytes=-", "bytes=1", "bytes=a-b", "bytes=0x10-0x20", "bytes=+1-2",
    "bytes=1-+2", "bytes=-1-2", "bytes=1 -2", "bytes=1- 2", "bytes=1-2-3", "bytes=1.5-2", "bytes=1e3-", "bytes=\u0661-\u0662",
    "bytes=0-1;q=1", "bytes=0-1 2-3", "bytes=0-1,abc", "bytes=0-1,-", "bytes=0-1=2", "bytes=--1", "bytes=0--1",
  ]) {
    check([[header, 100, IGNORE]]);
  }
});

test("parseRange() ignores a header with a first-pos above its last-pos, whatever the digit count (RFC 9110 14.1.1)", () => {
  check([
    ["bytes=5-4", 100, IGNORE],
    ["bytes=0-1,5-4", 100, IGNORE],
    ["bytes=5-4,0-1", 100, IGNORE],
    ["bytes=10-009", 100, IGNORE],
    ["bytes=200-100", 100, IGNORE],
    ["bytes=99999999999999999999-99999999999999999998", 100, IGNORE],
    ["bytes=9007199254740993-9007199254740992", MAX, IGNORE],
    ["bytes=1" + "0".repeat(400) + "-" + "9".repeat(400), 100, IGNORE],
  ]);
});

test("parseRange() tolerates OWS around commas and empty list elements (RFC 9110 5.6.1)", () => {
  check([
    ["bytes=0-1 , 500-501", 1000, ranges([0, 1], [500, 501])],
    ["bytes=0-1,\t500-501", 1000, ranges([0, 1], [500, 501])],
    ["bytes=,0-1,,500-501,", 1000, ranges([0, 1], [500, 501])],
    ["bytes=0-1 ", 1000, ranges([0, 1])],
    ["bytes= 0-1", 1000, ranges([0, 1])],
    [" bytes=0-1", 1000, ranges([0, 1])],
  ]);
});

test("parseRange() reads RFC 9110 14.1.2's examples for a 10000-byte representation", () => {
  check([
    ["bytes=0-499", 10000, ranges([0, 499])],
    ["bytes=500-999", 10000, ranges([500, 999])],
    ["bytes=-500", 10000, ranges([9500, 9999])],
    ["bytes=9500-", 10000, ranges([9500, 9999])],
    ["bytes=0-0,-1", 10000, ranges([0, 0], [9999, 9999])],
    ["bytes=500-600,601-999", 10000, ranges([500, 999])],
    ["bytes=500-700,601-999", 10000, ranges([500, 999])],
  ]);
});

test("parseRange() clamps a last-pos or suffix-length past the end (RFC 9110 14.1.2)", () => {
  check([
    ["bytes=0-99999", 10000, ranges([0, 9999])],
    ["bytes=9999-10000", 10000, ranges([9999, 9999])],
    ["bytes=9999-", 10000, ranges([9999, 9999])],
    ["bytes=-10000", 10000, ranges([0, 9999])],
    ["bytes=-20000", 10000, ranges([0, 9999])],
    ["bytes=-1", 1, ranges([0, 0])],
    ["bytes=0-", 1, ranges([0, 0])],
    ["bytes=007-010", 100, ranges([7, 10])],
    ["bytes=0-0", 100, ranges([0, 0])],
  ]);
});

test("parseRange() drops unsatisfiable ranges and answers unsatisfiable when none is left (RFC 9110 15.5.17)", () => {
  check([
    ["bytes=10000-", 10000, UNSATISFIABLE],
    ["bytes=10000-20000", 10000, UNSATISFIABLE],
    ["bytes=-0", 10000, UNSATISFIABLE],
    ["bytes=-000", 10000, UNSATISFIABLE],
    ["bytes=10000-10001,-0,20000-", 10000, UNSATISFIABLE],
    ["bytes=10000-,0-0", 10000, ranges([0, 0])],
    ["bytes=-0,-5", 10000, ranges([9995, 9999])],
    ["bytes=1-1", 1, UNSATISFIABLE],
  ]);
});

test("parseRange() never loses precision on positions past Number.MAX_SAFE_INTEGER", () => {
  const huge = "9".repeat(1000);
  check([
    ["bytes=0-99999999999999999999999", 10000, ranges([0, 9999])],
    [`bytes=0-${huge}`, 10000, ranges([0, 9999])],
    ["bytes=99999999999999999999-", 10000, UNSATISFIABLE],
    [`bytes=${huge}-${huge}`, 10000, UNSATISFIABLE],
    ["bytes=-99999999999999999999", 10000, ranges([0, 9999])],
    [`bytes=-${huge}`, 10000, ranges([0, 9999])],
    ["bytes=9007199254740990-", MAX, ranges([MAX - 1, MAX - 1])],
    ["bytes=9007199254740989-9007199254740989", MAX, ranges([MAX - 2, MAX - 2])],
    ["bytes=9007199254740991-", MAX, UNSATISFIABLE],
    ["bytes=9007199254740992-", MAX, UNSATISFIABLE],
    ["bytes=9007199254740993-9007199254740993", MAX, UNSATISFIABLE],
    ["bytes=0-9007199254740993", MAX, ranges([0, MAX - 1])],
    ["bytes=-9007199254740992", MAX, ranges([0, MAX - 1])],
    ["bytes=-9007199254740991", MAX, ranges([0, MAX - 1])],
    ["bytes=-9007199254740990", MAX, ranges([1, MAX - 1])],
  ]);
});

test("parseRange() ignores every valid header on an empty representation (RFC 9110 14.2, 14.1.2)", () => {
  check([
    ["bytes=0-0", 0, IGNORE],
    ["bytes=0-", 0, IGNORE],
    ["bytes=-1", 0, IGNORE],
    ["bytes=-0", 0, IGNORE],
    ["bytes=5-9,-3", 0, IGNORE],
    ["bytes=5-4", 0, IGNORE],
  ]);
});

test("parseRange() keeps the client's order of disjoint ranges (RFC 9110 15.3.7.2)", () => {
  check([
    ["bytes=900-999,0-99", 1000, ranges([900, 999], [0, 99])],
    ["bytes=-10,0-9,500-509", 1000, ranges([990, 999], [0, 9], [500, 509])],
    ["bytes=500-509,200-209,800-809,0-9", 1000, ranges([500, 509], [200, 209], [800, 809], [0, 9])],
  ]);
});

test("parseRange() coalesces overlapping, adjacent and close ranges, each part where its earliest range-spec was", () => {
  check([
    ["bytes=0-9,0-9", 1000, ranges([0, 9])],
    ["bytes=0-9,5-14", 1000, ranges([0, 14])],
    ["bytes=0-9,10-19", 1000, ranges([0, 19])],
    ["bytes=0-9,90-99", 1000, ranges([0, 99])], // 80 bytes between: coalesced
    ["bytes=0-9,91-99", 1000, ranges([0, 9], [91, 99])], // 81 bytes between: two parts
    ["bytes=900-909,0-9,20-29,500-509", 1000, ranges([900, 909], [0, 29], [500, 509])],
    ["bytes=20-29,900-909,0-9", 1000, ranges([0, 29], [900, 909])],
    ["bytes=0-,-1,500-600", 1000, ranges([0, 999])],
    ["bytes=990-999,-5,0-0", 1000, ranges([990, 999], [0, 0])],
  ]);
});

test("parseRange() applies custom merge gaps; overlaps and adjacent ranges merge even with a gap of 0", () => {
  const limits = { ...DEFAULT_RANGE_LIMITS, mergeGap: 0 };
  check(
    [
      ["bytes=0-9,10-19", 100, ranges([0, 19])],
      ["bytes=0-9,11-19", 100, ranges([0, 9], [11, 19])],
      ["bytes=11-19,0-9,5-10", 100, ranges([0, 19])],
      ["bytes=50-59,0-9,40-49", 100, ranges([40, 59], [0, 9])],
    ],
    limits,
  );
  check([["bytes=0-9,15-19", 100, ranges([0, 19])]], { ...DEFAULT_RANGE_LIMITS, mergeGap: 5 });
  check([["bytes=0-9,16-19", 100, ranges([0, 9], [16, 19])]], { ...DEFAULT_RANGE_LIMITS, mergeGap: 5 });
});

test("parseRange() ignores a header with more than maxSpecs range-specs, empty elements not counted", () => {
  const specs = (n: number): string => "bytes=" + Array.from({ length: n }, (_, i) => `${i}-${i}`).join(",");
  check([
    [specs(200), 1000, ranges([0, 199])],
    [specs(201), 1000, IGNORE],
  ]);
  const two = { ...DEFAULT_RANGE_LIMITS, maxSpecs: 2 };
  check(
    [
      ["bytes=,,0-0,,,500-500,,", 1000, ranges([0, 0], [500, 500])],
      ["bytes=0-0,500-500,900-900", 1000, IGNORE],
      ["bytes=0-0,0-0,0-0", 1000, IGNORE],
    ],
    two,
  );
});

test("parseRange() ignores a header with more than maxParts parts left after coalescing", () => {
  const far = (n: number): string => "bytes=" + Array.from({ length: n }, (_, i) => `${i * 1000}-${i * 1000 + 9}`).join(",");
  const farReversed = (n: number): string => "bytes=" + Array.from({ length: n }, (_, i) => `${(n - 1 - i) * 1000}-${(n - 1 - i) * 1000}`).join(",");
  assert.equal(DEFAULT_RANGE_LIMITS.maxParts, 32);
  const decision = parseRange(far(32), 100000);
  assert.equal(decision.kind === "ranges" && decision.ranges.length, 32);
  check([
    [far(33), 100000, IGNORE],
    [farReversed(33), 100000, IGNORE],
    // Close enough to coalesce: 100 specs, one part.
    ["bytes=" + Array.from({ length: 100 }, (_, i) => `${i * 50}-${i * 50 + 1}`).join(","), 100000, ranges([0, 4951])],
  ]);
  check([["bytes=0-0,500-500", 1000, IGNORE]], { ...DEFAULT_RANGE_LIMITS, maxParts: 1 });
});

test("parseRange() refuses the CVE-2011-3192 'Apache Killer' headers", () => {
  // The exploit's own header has "5-0"-style specs: invalid (first > last), so ignored.
  const killer = "bytes=0-," + Array.from({ length: 1300 }, (_, i) => `5-${i}`).join(",");
  check([[killer, 100000, IGNORE]]);
  // Overlapping specs within maxSpecs coalesce into one range, never 150 copies of the file.
  const overlapping = "bytes=0-," + Array.from({ length: 150 }, (_, i) => `5-${i + 5}`).join(",");
  check([[overlapping, 100000, ranges([0, 99999])]]);
});

test("parseRange() throws on a size that is not a byte count", () => {
  for (const size of [-1, 1.5, NaN, Infinity, MAX + 1]) {
    assert.throws(() => parseRange("bytes=0-1", size), RangeError, String(size));
  }
});

test("parseRange() results obey their invariants for random headers (seeded)", () => {
  const { next: rand, int } = prng(0x5eed);
  const seen = { invalid: 0, tooManySpecs: 0, empty: 0, unsatisfiable: 0, tooManyParts: 0, one: 0, several: 0 };
  for (let c = 0; c < 600; c++) {
    const size = c % 10 === 0 ? int(3) : int(5001);
    const limits: RangeLimits = c % 3 === 0 ? { maxSpecs: 50, maxParts: 1 + int(3), mergeGap: int(120) } : DEFAULT_RANGE_LIMITS;
    const wanted = new Uint8Array(size); // the bytes the client asked for
    const specs: string[] = [];
    let invalid = false;
    for (let n = 1 + int(c % 2 === 0 ? 8 : 60); n > 0; n--) {
      const kind = int(c % 5 === 1 ? 20 : 19); // an invalid spec (kind 19) in one case in five
      const first = int(size + 200);
      if (kind < 9) {
        const last = first + int(kind < 6 ? 20 : size + 1);
        specs.push(`${first}-${last}`);
        for (let i = first; i <= last && i < size; i++) wanted[i] = 1;
      } else if (kind < 12) {
        specs.push(`${first}-`);
        for (let i = first; i < size; i++) wanted[i] = 1;
      } else if (kind < 18) {
        const n = int(size + 200);
        specs.push(`-${n}`);
        for (let i = Math.max(0, size - n); i < size && n > 0; i++) wanted[i] = 1;
      } else if (kind < 19) {
        specs.push(`${"0".repeat(int(3))}${first}-9${"9".repeat(20)}`);
        for (let i = first; i < size; i++) wanted[i] = 1;
      } else {
        specs.push(`${first + 1 + int(10)}-${first}`);
        invalid = true;
      }
    }
    const header = "bytes=" + specs.join(rand() < 0.5 ? "," : " ,\t");
    const decision = parseRange(header, size, limits);
    const label = `case ${c}: ${header} of ${size} bytes`;

    // The reference: runs of wanted bytes, joined across gaps of at most mergeGap.
    const runs: Array<[number, number]> = [];
    for (let i = 0; i < size; i++) {
      if (!wanted[i]) continue;
      const last = runs.at(-1);
      if (last && i - last[1] - 1 <= limits.mergeGap) last[1] = i;
      else runs.push([i, i]);
    }
    if (invalid || specs.length > limits.maxSpecs || size === 0) {
      seen[invalid ? "invalid" : size === 0 ? "empty" : "tooManySpecs"]++;
      assert.deepEqual(decision, IGNORE, label);
    } else if (runs.length === 0) {
      seen.unsatisfiable++;
      assert.deepEqual(decision, UNSATISFIABLE, label);
    } else if (runs.length > limits.maxParts) {
      seen.tooManyParts++;
      assert.deepEqual(decision, IGNORE, label);
    } else {
      seen[runs.length === 1 ? "one" : "several"]++;
      assert.equal(decision.kind, "ranges", label);
      if (decision.kind !== "ranges") continue;
      const got = decision.ranges;
      let total = 0;
      for (const r of got) {
        assert.ok(Number.isSafeInteger(r.start) && Number.isSafeInteger(r.end), label);
        assert.ok(0 <= r.start && r.start <= r.end && r.end <= size - 1, label);
        assert.ok(wanted[r.start] && wanted[r.end], label); // coalescing only fills gaps between wanted bytes
        total += r.end - r.start + 1;
      }
      assert.ok(total <= size, label);
      assert.ok(got.length <= limits.maxParts, label);
      assert.deepEqual([...got].sort((a, b) => a.start - b.start).map((r) => [r.start, r.end]), runs, label);
    }
  }
  // Every outcome was reached, so the invariants above were not checked vacuously.
  for (const [outcome, n] of Object.entries(seen)) assert.ok(n >= 5, `${outcome}: ${n} cases`);
});
