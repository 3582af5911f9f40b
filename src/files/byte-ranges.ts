/**
 * The Range request field for the `bytes` unit (RFC 9110 sections 14.1.1,
 * 14.1.2 and 14.2), reduced to what a file server does with it: ignore it,
 * answer 416, or send some ranges of the file. Pure: no I/O, no clock.
 * @module
 */

/** One satisfiable byte range, both ends inclusive, already clamped to the representation. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * What a Range header asks of a representation of `size` bytes:
 * - `ignore`: absent, invalid, another unit, an empty representation, or
 *   refused as amplification: send the whole representation (200);
 * - `unsatisfiable`: valid, but no range overlaps the representation: 416
 *   with `Content-Range: bytes *\/size` (RFC 9110 15.5.17);
 * - `ranges`: one range is a single-part 206 (RFC 9110 15.3.7.1); several are
 *   a multipart/byteranges 206 (15.3.7.2), in the order the client asked.
 */
export type RangeDecision =
  | { readonly kind: "ignore" }
  | { readonly kind: "unsatisfiable" }
  | { readonly kind: "ranges"; readonly ranges: readonly ByteRange[] };

/** The amplification guard's limits (see DEFAULT_RANGE_LIMITS). */
export interface RangeLimits {
  /** More range-specs than this in one header: ignore it (Apache's `MaxRanges`). */
  readonly maxSpecs: number;
  /** More parts than this left after coalescing: ignore the header. */
  readonly maxParts: number;
  /** Ranges this many bytes apart or closer are coalesced into one; overlapping and adjacent ones always are. */
  readonly mergeGap: number;
}

/**
 * The limits parseRange applies unless told otherwise:
 * - `maxSpecs: 200`, Apache httpd's `MaxRanges` default, the value it settled
 *   on after CVE-2011-3192 as still serving real byte-serving clients;
 * - `mergeGap: 80`, RFC 9110 15.3.7.2's "typical overhead between each part
 *   of a multipart/byteranges is around 80 bytes" (this server's part heads
 *   are longer), so coalescing never makes the body longer;
 * - `maxParts: 32` distinct parts after coalescing, bounding the reads and
 *   part heads of one response.
 * Coalescing overlaps makes the parts disjoint, so a multipart body is never
 * more than the file plus `maxParts` part heads (Go's and nginx's rule, that
 * the ranges add up to no more than the file, follows from it).
 */
export const DEFAULT_RANGE_LIMITS: RangeLimits = Object.freeze({ maxSpecs: 200, maxParts: 32, mergeGap: 80 });

const IGNORE: RangeDecision = Object.freeze({ kind: "ignore" });
const UNSATISFIABLE: RangeDecision = Object.freeze({ kind: "unsatisfiable" });
/** int-range or suffix-range (RFC 9110 14.1.2): DIGITs only, no sign, no inner whitespace. */
const SPEC = /^(\d*)-(\d*)$/;
/** OWS (RFC 9110 5.6.3) at the ends of a list element. */
const OWS_ENDS = /^[ \t]+|[ \t]+$/g;

/**
 * A DIGIT string's value, or Infinity past Number.MAX_SAFE_INTEGER: any such
 * position is beyond every file, so it is unsatisfiable as a first-pos and
 * clamped as a last-pos or suffix-length, never silently rounded.
 */
function position(digits: string): number {
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : Infinity;
}

/** Compares two DIGIT strings by value, whatever their length (leading zeros allowed). */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+/, "");
  const y = b.replace(/^0+/, "");
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Coalesces ranges that overlap, touch or lie within `gap` bytes of each
 * other, which RFC 9110 15.3.7.2 allows "regardless of the order in which the
 * corresponding range-spec appeared". The parts left keep the client's order
 * (the same section's SHOULD), each where its earliest range-spec was.
 */
function coalesce(ranges: readonly ByteRange[], gap: number): ByteRange[] {
  const byStart = ranges.map((r, i) => ({ start: r.start, end: r.end, first: i })).sort((a, b) => a.start - b.start);
  const merged: Array<{ start: number; end: number; first: number }> = [];
  for (const r of byStart) {
    const last = merged.at(-1);
    const between = last === undefined ? Infinity : r.start - last.end - 1;
    if (last !== undefined && (between <= 0 || between <= gap)) {
      last.end = Math.max(last.end, r.end);
      last.first = Math.min(last.first, r.first);
    } else {
      merged.push(r);
    }
  }
  return merged.sort((a, b) => a.first - b.first).map(({ start, end }) => ({ start, end }));
}

/**
 * Decides what the Range field `header` asks of a representation of `size`
 * bytes (RFC 9110 14.1.1, 14.1.2, 14.2).
 *
 * Syntax: `bytes=` (the unit case-insensitive, nothing between it and `=`),
 * then a comma list of `first-last`, `first-` and `-suffix` range-specs with
 * OWS around the commas and empty elements tolerated (5.6.1), at least one
 * range-spec. Positions are DIGITs of any length. Anything else, another unit,
 * or a first-pos above its last-pos makes the whole header invalid, and an
 * invalid header is ignored (14.2: a server "MAY ignore or reject" it).
 *
 * Meaning (14.1.2): a range starting at or past the end is unsatisfiable and
 * dropped; a last-pos past the end is clamped; `-N` is the last N bytes (all
 * of them when N >= size); `-0` is unsatisfiable. No range left: unsatisfiable
 * (416). An empty representation ignores the header, as 14.2 allows ("MAY
 * ignore a Range header field when the selected representation has no
 * content"): a suffix-range is satisfiable there (14.1.2) yet has no bytes
 * that a 206 could name, and clients that always send Range get a 200.
 *
 * Guard (CVE-2011-3192; 14.2 lets a server ignore "more than two overlapping
 * ranges, or a set of many small ranges that are not listed in ascending
 * order"): more than `limits.maxSpecs` range-specs: ignore. Satisfiable
 * ranges that overlap, touch, or are `limits.mergeGap` bytes apart or closer
 * are coalesced (15.3.7.2); more than `limits.maxParts` parts left: ignore.
 * The ranges returned are disjoint, so they never add up to more than `size`.
 *
 * Whether Range applies at all (GET only, If-Range) is the caller's decision.
 */
export function parseRange(header: string | undefined, size: number, limits: RangeLimits = DEFAULT_RANGE_LIMITS): RangeDecision {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`not a representation size: ${size}`);
  if (header === undefined) return IGNORE;
  const eq = header.indexOf("=");
  if (eq < 0) return IGNORE;
  // range-unit is a token compared case-insensitively (14.1); "bytes " is another unit.
  if (header.slice(0, eq).replace(/^[ \t]+/, "").toLowerCase() !== "bytes") return IGNORE;

  const satisfiable: ByteRange[] = [];
  let specs = 0;
  for (const element of header.slice(eq + 1).split(",")) {
    const spec = element.replace(OWS_ENDS, "");
    if (spec === "") continue;
    if (++specs > limits.maxSpecs) return IGNORE;
    const m = SPEC.exec(spec);
    const first = m?.[1] ?? "";
    const last = m?.[2] ?? "";
    if (m === null || (first === "" && last === "")) return IGNORE;
    if (first === "") {
      // suffix-range: the last N bytes; -0 asks for none of them.
      const n = position(last);
      if (n > 0 && size > 0) satisfiable.push({ start: Math.max(0, size - n), end: size - 1 });
      continue;
    }
    // "An int-range is invalid if the last-pos value is present and less than the first-pos" (14.1.1).
    if (last !== "" && compareDigits(first, last) > 0) return IGNORE;
    const start = position(first);
    if (start >= size) continue;
    satisfiable.push({ start, end: last === "" ? size - 1 : Math.min(position(last), size - 1) });
  }
  if (specs === 0) return IGNORE;
  if (size === 0) return IGNORE;
  if (satisfiable.length === 0) return UNSATISFIABLE;
  const ranges = satisfiable.length === 1 ? satisfiable : coalesce(satisfiable, limits.mergeGap);
  if (ranges.length > limits.maxParts) return IGNORE;
  return { kind: "ranges", ranges };
}
