// planContent() and encodingOffers(): the representation, preconditions and ranges of a file, against fake stats.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CODINGS,
  COMPRESS_MIN_SIZE,
  encodingOffers,
  planContent,
  type ContentPlan,
  type ContentStat,
  type EncodingOffer,
} from "../../src/files/content-plan.js";
import type { ByteRange } from "../../src/files/byte-ranges.js";
import { makeETag } from "../../src/files/etag.js";
import { HeaderMap } from "../../src/wire/header-map.js";

const MTIME = Date.UTC(2021, 2, 4, 5, 6, 7) + 890; // Thu, 04 Mar 2021 05:06:07.890 GMT
const LM = "Thu, 04 Mar 2021 05:06:07 GMT"; // Last-Modified of the file: its mtime floored to the second
const BEFORE = "Thu, 04 Mar 2021 05:06:06 GMT";
const AFTER = "Thu, 04 Mar 2021 05:06:08 GMT";
const SIZE = 5000;

/** A stat result with a name, so an offer's sidecar stat can be traced back. */
class FakeStat implements ContentStat {
  constructor(
    readonly name: string,
    readonly size: number,
    readonly mtimeMs: number,
    readonly kind: "file" | "dir" = "file",
  ) {}
  isFile(): boolean {
    return this.kind === "file";
  }
}

const FILE = new FakeStat("app.js", SIZE, MTIME);
/** The gzip sidecar: another size, a minute newer. */
const GZ_STAT = new FakeStat("app.js.gz", 1234, MTIME + 60_000 + 123);

/** The file's identity ETag, written out once so makeETag() itself is pinned: 0x60406abf s, 0x350c5280 ns, 0x1388 bytes. */
const ID = '"60406abf.350c5280-1388"';
const BR = makeETag(SIZE, MTIME, "br");
const GZ = makeETag(GZ_STAT.size, GZ_STAT.mtimeMs, "gzip");
const OLD = makeETag(SIZE, MTIME - 1000);

/** The offers of a compressible file with a gzip sidecar: brotli on the fly first, then the sidecar. */
const BR_FLY_GZIP_SIDECAR: readonly EncodingOffer<FakeStat>[] = [
  { coding: "br", sidecar: null },
  { coding: "gzip", sidecar: { path: "/srv/www/app.js.gz", stat: GZ_STAT } },
];

interface Expected {
  readonly kind: ContentPlan["kind"];
  /** Default `identity`. */
  readonly coding?: string;
  /** The exact tag, or a predicate on it. */
  readonly etag: string | ((etag: string) => boolean);
  /** Default null. */
  readonly ranges?: readonly ByteRange[] | null;
  /** The index in `offers` of the offer the representation comes from; default null (the file as it is). */
  readonly offer?: number | null;
}

interface Row {
  /** The behaviour, completing "planContent() ...". */
  readonly does: string;
  /** Default GET. */
  readonly method?: string;
  /** Field lines in order (a name repeated is several lines). */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  /** Default FILE. */
  readonly stat?: { readonly size: number; readonly mtimeMs: number };
  /** Default none. */
  readonly offers?: readonly EncodingOffer<FakeStat>[];
  /** Default false. */
  readonly vary?: boolean;
  readonly expect: Expected;
}

const rows: Row[] = [
  // No conditions.
  { does: "answers a plain GET with the whole file as it is and its size-and-mtime ETag", expect: { kind: "whole", etag: ID } },
  { does: "answers a plain HEAD with the whole file as it is", method: "HEAD", expect: { kind: "whole", etag: ID } },
  {
    does: "tags another file by its own size and mtime",
    stat: { size: 0, mtimeMs: 1000 },
    expect: { kind: "whole", etag: '"1.0-0"' },
  },
  {
    does: "answers a GET with unrelated fields with the whole file",
    headers: [["Accept", "*/*"], ["Cache-Control", "no-cache"]],
    expect: { kind: "whole", etag: ID },
  },

  // If-None-Match (RFC 9110 13.1.2): weak comparison; 304 for GET and HEAD, 412 for other methods.
  { does: "answers 304 when If-None-Match lists the current ETag", headers: [["If-None-Match", ID]], expect: { kind: "not-modified", etag: ID } },
  { does: "answers 304 to a HEAD when If-None-Match lists the current ETag", method: "HEAD", headers: [["If-None-Match", ID]], expect: { kind: "not-modified", etag: ID } },
  { does: "answers the whole file when If-None-Match lists another ETag", headers: [["If-None-Match", OLD]], expect: { kind: "whole", etag: ID } },
  { does: "answers 304 when If-None-Match is *", headers: [["If-None-Match", "*"]], expect: { kind: "not-modified", etag: ID } },
  { does: "answers 304 when If-None-Match has the current ETag as a weak tag (weak comparison)", headers: [["If-None-Match", `W/${ID}`]], expect: { kind: "not-modified", etag: ID } },
  {
    does: "answers 304 when the current ETag is further down an If-None-Match list",
    headers: [["If-None-Match", `"a", W/"b", ${ID}`]],
    expect: { kind: "not-modified", etag: ID },
  },
  {
    does: "answers 304 when the current ETag is on a second If-None-Match field line",
    headers: [["If-None-Match", '"a"'], ["If-None-Match", ID]],
    expect: { kind: "not-modified", etag: ID },
  },
  { does: "answers the whole file when no tag of an If-None-Match list matches", headers: [["If-None-Match", `"a", ${OLD}`]], expect: { kind: "whole", etag: ID } },
  { does: "answers the whole file when If-None-Match is malformed", headers: [["If-None-Match", "abc"]], expect: { kind: "whole", etag: ID } },
  { does: "answers 412 to a POST when If-None-Match lists the current ETag", method: "POST", headers: [["If-None-Match", ID]], expect: { kind: "precondition-failed", etag: ID } },
  { does: "answers 412 to a PUT when If-None-Match is *", method: "PUT", headers: [["If-None-Match", "*"]], expect: { kind: "precondition-failed", etag: ID } },
  { does: "proceeds with a POST when If-None-Match lists another ETag", method: "POST", headers: [["If-None-Match", OLD]], expect: { kind: "whole", etag: ID } },
  { does: "ignores If-None-Match on OPTIONS (RFC 9110 13.2.1)", method: "OPTIONS", headers: [["If-None-Match", "*"]], expect: { kind: "whole", etag: ID } },

  // If-Modified-Since, CPython's rule: 304 unless the file changed after the date, at whole seconds.
  { does: "answers 304 when If-Modified-Since is the file's second (its milliseconds dropped)", headers: [["If-Modified-Since", LM]], expect: { kind: "not-modified", etag: ID } },
  { does: "answers 304 when If-Modified-Since is after the file's mtime", headers: [["If-Modified-Since", AFTER]], expect: { kind: "not-modified", etag: ID } },
  { does: "answers the whole file when If-Modified-Since is a second before the mtime", headers: [["If-Modified-Since", BEFORE]], expect: { kind: "whole", etag: ID } },
  { does: "answers 304 to a HEAD when If-Modified-Since is the file's second", method: "HEAD", headers: [["If-Modified-Since", LM]], expect: { kind: "not-modified", etag: ID } },
  { does: "ignores an If-Modified-Since that is not a date", headers: [["If-Modified-Since", "yesterday"]], expect: { kind: "whole", etag: ID } },
  {
    does: "ignores If-Modified-Since when If-None-Match is present and does not match",
    headers: [["If-None-Match", OLD], ["If-Modified-Since", LM]],
    expect: { kind: "whole", etag: ID },
  },
  {
    does: "ignores If-Modified-Since when If-None-Match is present but malformed",
    headers: [["If-None-Match", "abc"], ["If-Modified-Since", AFTER]],
    expect: { kind: "whole", etag: ID },
  },
  {
    does: "answers 304 from If-None-Match whatever If-Modified-Since says",
    headers: [["If-None-Match", ID], ["If-Modified-Since", BEFORE]],
    expect: { kind: "not-modified", etag: ID },
  },
  { does: "ignores If-Modified-Since on a POST", method: "POST", headers: [["If-Modified-Since", AFTER]], expect: { kind: "whole", etag: ID } },

  // If-Match (13.1.1): strong comparison; false → 412.
  { does: "answers 412 when If-Match lists another ETag", headers: [["If-Match", OLD]], expect: { kind: "precondition-failed", etag: ID } },
  { does: "proceeds when If-Match is *", headers: [["If-Match", "*"]], expect: { kind: "whole", etag: ID } },
  { does: "proceeds when If-Match lists the current ETag", headers: [["If-Match", `"a", ${ID}`]], expect: { kind: "whole", etag: ID } },
  { does: "answers 412 when If-Match has the current ETag as a weak tag (strong comparison)", headers: [["If-Match", `W/${ID}`]], expect: { kind: "precondition-failed", etag: ID } },
  { does: "answers 412 when If-Match is malformed", headers: [["If-Match", "abc"]], expect: { kind: "precondition-failed", etag: ID } },
  {
    does: "answers 412 from If-Match before looking at a matching If-None-Match",
    headers: [["If-Match", OLD], ["If-None-Match", ID]],
    expect: { kind: "precondition-failed", etag: ID },
  },
  {
    does: "answers 304 when If-Match passes and If-None-Match matches",
    headers: [["If-Match", ID], ["If-None-Match", ID]],
    expect: { kind: "not-modified", etag: ID },
  },

  // If-Unmodified-Since (13.1.4).
  { does: "answers 412 when If-Unmodified-Since is before the mtime", headers: [["If-Unmodified-Since", BEFORE]], expect: { kind: "precondition-failed", etag: ID } },
  { does: "proceeds when If-Unmodified-Since is the file's second", headers: [["If-Unmodified-Since", LM]], expect: { kind: "whole", etag: ID } },
  { does: "proceeds when If-Unmodified-Since is after the mtime", headers: [["If-Unmodified-Since", AFTER]], expect: { kind: "whole", etag: ID } },
  { does: "ignores an If-Unmodified-Since that is not a date", headers: [["If-Unmodified-Since", "long ago"]], expect: { kind: "whole", etag: ID } },
  {
    does: "ignores If-Unmodified-Since when If-Match is present",
    headers: [["If-Match", ID], ["If-Unmodified-Since", BEFORE]],
    expect: { kind: "whole", etag: ID },
  },

  // Range (14.1.2, 14.2), on a file of 5000 bytes.
  { does: "answers a single range with one part", headers: [["Range", "bytes=0-99"]], expect: { kind: "partial", etag: ID, ranges: [{ start: 0, end: 99 }] } },
  { does: "answers a suffix range with the last bytes", headers: [["Range", "bytes=-100"]], expect: { kind: "partial", etag: ID, ranges: [{ start: 4900, end: 4999 }] } },
  { does: "answers a suffix range longer than the file with all of it", headers: [["Range", "bytes=-9999"]], expect: { kind: "partial", etag: ID, ranges: [{ start: 0, end: 4999 }] } },
  { does: "answers an open range up to the end", headers: [["Range", "bytes=4000-"]], expect: { kind: "partial", etag: ID, ranges: [{ start: 4000, end: 4999 }] } },
  { does: "clamps a range past the end to the file", headers: [["Range", "bytes=4900-99999"]], expect: { kind: "partial", etag: ID, ranges: [{ start: 4900, end: 4999 }] } },
  {
    does: "answers several ranges with several parts, in the client's order",
    headers: [["Range", "bytes=1000-1009, 0-9"]],
    expect: { kind: "partial", etag: ID, ranges: [{ start: 1000, end: 1009 }, { start: 0, end: 9 }] },
  },
  { does: "coalesces overlapping ranges", headers: [["Range", "bytes=0-9,5-19"]], expect: { kind: "partial", etag: ID, ranges: [{ start: 0, end: 19 }] } },
  { does: "answers 416 when no range overlaps the file", headers: [["Range", "bytes=5000-"]], expect: { kind: "unsatisfiable", etag: ID } },
  { does: "answers 416 to bytes=-0", headers: [["Range", "bytes=-0"]], expect: { kind: "unsatisfiable", etag: ID } },
  { does: "ignores an invalid range (first-pos after last-pos)", headers: [["Range", "bytes=10-5"]], expect: { kind: "whole", etag: ID } },
  { does: "ignores a Range of another unit", headers: [["Range", "items=0-9"]], expect: { kind: "whole", etag: ID } },
  { does: "ignores Range on an empty file", stat: { size: 0, mtimeMs: MTIME }, headers: [["Range", "bytes=0-9"]], expect: { kind: "whole", etag: makeETag(0, MTIME) } },
  { does: "answers a Range on HEAD with the partial plan", method: "HEAD", headers: [["Range", "bytes=0-99"]], expect: { kind: "partial", etag: ID, ranges: [{ start: 0, end: 99 }] } },
  { does: "ignores Range on a POST", method: "POST", headers: [["Range", "bytes=0-99"]], expect: { kind: "whole", etag: ID } },
  { does: "ignores an unsatisfiable Range on a POST", method: "POST", headers: [["Range", "bytes=9000-"]], expect: { kind: "whole", etag: ID } },
  {
    does: "answers 304 before looking at Range when If-None-Match matches",
    headers: [["Range", "bytes=0-99"], ["If-None-Match", ID]],
    expect: { kind: "not-modified", etag: ID },
  },
  {
    does: "answers 304 before looking at an unsatisfiable Range",
    headers: [["Range", "bytes=9000-"], ["If-Modified-Since", LM]],
    expect: { kind: "not-modified", etag: ID },
  },
  { does: "answers 412 before looking at Range", headers: [["Range", "bytes=0-99"], ["If-Match", OLD]], expect: { kind: "precondition-failed", etag: ID } },

  // If-Range (13.1.5): an ETag by strong comparison, or the exact Last-Modified date.
  { does: "answers a range when If-Range is the current ETag", headers: [["Range", "bytes=0-99"], ["If-Range", ID]], expect: { kind: "partial", etag: ID, ranges: [{ start: 0, end: 99 }] } },
  { does: "answers the whole file when If-Range is an old ETag", headers: [["Range", "bytes=0-99"], ["If-Range", OLD]], expect: { kind: "whole", etag: ID } },
  { does: "answers the whole file when If-Range is the current ETag made weak", headers: [["Range", "bytes=0-99"], ["If-Range", `W/${ID}`]], expect: { kind: "whole", etag: ID } },
  { does: "answers the whole file when If-Range lists two ETags", headers: [["Range", "bytes=0-99"], ["If-Range", `${ID}, ${ID}`]], expect: { kind: "whole", etag: ID } },
  { does: "answers a range when If-Range is the exact Last-Modified date", headers: [["Range", "bytes=0-99"], ["If-Range", LM]], expect: { kind: "partial", etag: ID, ranges: [{ start: 0, end: 99 }] } },
  { does: "answers the whole file when If-Range is an earlier date", headers: [["Range", "bytes=0-99"], ["If-Range", BEFORE]], expect: { kind: "whole", etag: ID } },
  { does: "answers the whole file when If-Range is a later date", headers: [["Range", "bytes=0-99"], ["If-Range", AFTER]], expect: { kind: "whole", etag: ID } },
  { does: "answers the whole file, not 416, when If-Range fails on an unsatisfiable Range", headers: [["Range", "bytes=9000-"], ["If-Range", OLD]], expect: { kind: "whole", etag: ID } },
  { does: "answers the whole file when If-Range comes without Range", headers: [["If-Range", ID]], expect: { kind: "whole", etag: ID } },

  // Accept-Encoding, with brotli on the fly and a gzip sidecar offered.
  {
    does: "picks brotli for a browser's Accept-Encoding, its ETag from the file's stat with -br",
    headers: [["Accept-Encoding", "gzip, deflate, br"]],
    offers: BR_FLY_GZIP_SIDECAR,
    vary: true,
    expect: { kind: "whole", coding: "br", etag: (e) => e === makeETag(SIZE, MTIME, "br") && e.endsWith('-br"') && e.startsWith(ID.slice(0, -1)), offer: 0 },
  },
  { does: "picks brotli when it is the only coding accepted", headers: [["Accept-Encoding", "br"]], offers: BR_FLY_GZIP_SIDECAR, vary: true, expect: { kind: "whole", coding: "br", etag: BR, offer: 0 } },
  {
    does: "picks the gzip sidecar when brotli is not accepted, its ETag from the sidecar's stat with -gzip",
    headers: [["Accept-Encoding", "gzip"]],
    offers: BR_FLY_GZIP_SIDECAR,
    vary: true,
    expect: { kind: "whole", coding: "gzip", etag: (e) => e === makeETag(1234, GZ_STAT.mtimeMs, "gzip") && e !== makeETag(SIZE, MTIME, "gzip"), offer: 1 },
  },
  { does: "picks the gzip sidecar when brotli is refused with q=0", headers: [["Accept-Encoding", "br;q=0, gzip"]], offers: BR_FLY_GZIP_SIDECAR, vary: true, expect: { kind: "whole", coding: "gzip", etag: GZ, offer: 1 } },
  {
    does: "picks the coding of the higher weight",
    headers: [["Accept-Encoding", "br;q=0.2, gzip;q=0.8, identity;q=0.1"]],
    offers: BR_FLY_GZIP_SIDECAR,
    vary: true,
    expect: { kind: "whole", coding: "gzip", etag: GZ, offer: 1 },
  },
  {
    does: "picks a coding weighted below 1 over the file as it is when identity is not listed",
    headers: [["Accept-Encoding", "br;q=0.2, gzip;q=0.8"]],
    offers: BR_FLY_GZIP_SIDECAR,
    vary: true,
    expect: { kind: "whole", coding: "gzip", etag: GZ, offer: 1 },
  },
  { does: "picks the file as it is for Accept-Encoding: identity", headers: [["Accept-Encoding", "identity"]], offers: BR_FLY_GZIP_SIDECAR, vary: true, expect: { kind: "whole", etag: ID } },
  { does: "picks the file as it is when every offered coding is refused", headers: [["Accept-Encoding", "br;q=0, gzip;q=0"]], offers: BR_FLY_GZIP_SIDECAR, vary: true, expect: { kind: "whole", etag: ID } },
  { does: "picks the file as it is when nothing at all is acceptable", headers: [["Accept-Encoding", "identity;q=0, *;q=0"]], offers: BR_FLY_GZIP_SIDECAR, vary: true, expect: { kind: "whole", etag: ID } },
  { does: "picks the file as it is for an empty Accept-Encoding", headers: [["Accept-Encoding", ""]], offers: BR_FLY_GZIP_SIDECAR, vary: true, expect: { kind: "whole", etag: ID } },
  { does: "picks the file as it is without Accept-Encoding", offers: BR_FLY_GZIP_SIDECAR, vary: true, expect: { kind: "whole", etag: ID } },
  {
    does: "reads every Accept-Encoding field line",
    headers: [["Accept-Encoding", "identity;q=0.5"], ["Accept-Encoding", "br"]],
    offers: BR_FLY_GZIP_SIDECAR,
    vary: true,
    expect: { kind: "whole", coding: "br", etag: BR, offer: 0 },
  },
  { does: "picks brotli for a HEAD", method: "HEAD", headers: [["Accept-Encoding", "br"]], offers: BR_FLY_GZIP_SIDECAR, vary: true, expect: { kind: "whole", coding: "br", etag: BR, offer: 0 } },
  {
    does: "answers a Range with Accept-Encoding: br from the file as it is",
    headers: [["Accept-Encoding", "br"], ["Range", "bytes=0-99"]],
    offers: BR_FLY_GZIP_SIDECAR,
    vary: true,
    expect: { kind: "partial", etag: ID, ranges: [{ start: 0, end: 99 }] },
  },
  {
    does: "answers an ignored Range with Accept-Encoding: gzip with the whole file as it is",
    headers: [["Accept-Encoding", "gzip"], ["Range", "bytes=10-5"]],
    offers: BR_FLY_GZIP_SIDECAR,
    vary: true,
    expect: { kind: "whole", etag: ID },
  },
  {
    does: "answers 304 with brotli when If-None-Match lists the -br ETag and brotli is accepted",
    headers: [["Accept-Encoding", "br"], ["If-None-Match", BR]],
    offers: BR_FLY_GZIP_SIDECAR,
    vary: true,
    expect: { kind: "not-modified", coding: "br", etag: BR, offer: 0 },
  },
  {
    does: "answers 304 with gzip when If-None-Match lists the sidecar's -gzip ETag and gzip is accepted",
    headers: [["Accept-Encoding", "gzip"], ["If-None-Match", GZ]],
    offers: BR_FLY_GZIP_SIDECAR,
    vary: true,
    expect: { kind: "not-modified", coding: "gzip", etag: GZ, offer: 1 },
  },
  {
    does: "answers whole brotli when If-None-Match lists the identity ETag but the client now accepts brotli",
    headers: [["Accept-Encoding", "br"], ["If-None-Match", ID]],
    offers: BR_FLY_GZIP_SIDECAR,
    vary: true,
    expect: { kind: "whole", coding: "br", etag: BR, offer: 0 },
  },
  {
    does: "answers the whole file as it is when If-None-Match lists the -br ETag but brotli is no longer accepted",
    headers: [["If-None-Match", BR]],
    offers: BR_FLY_GZIP_SIDECAR,
    vary: true,
    expect: { kind: "whole", etag: ID },
  },
  {
    does: "answers 304 with brotli from If-Modified-Since, by the file's mtime",
    headers: [["Accept-Encoding", "br"], ["If-Modified-Since", LM]],
    offers: BR_FLY_GZIP_SIDECAR,
    vary: true,
    expect: { kind: "not-modified", coding: "br", etag: BR, offer: 0 },
  },
  {
    does: "answers 412 when If-Match lists the identity ETag but brotli is selected",
    headers: [["Accept-Encoding", "br"], ["If-Match", ID]],
    offers: BR_FLY_GZIP_SIDECAR,
    vary: true,
    expect: { kind: "precondition-failed", coding: "br", etag: BR, offer: 0 },
  },
  {
    does: "answers the whole file when a Range's If-Range is the -br ETag (ranges are of the file as it is)",
    headers: [["Accept-Encoding", "br"], ["Range", "bytes=0-99"], ["If-Range", BR]],
    offers: BR_FLY_GZIP_SIDECAR,
    vary: true,
    expect: { kind: "whole", etag: ID },
  },
  { does: "picks the file as it is when nothing is offered, whatever Accept-Encoding says", headers: [["Accept-Encoding", "br, gzip"]], expect: { kind: "whole", etag: ID } },
  { does: "passes vary: true through with nothing offered", headers: [["Accept-Encoding", "br"]], vary: true, expect: { kind: "whole", etag: ID } },
  { does: "passes vary: false through with offers", headers: [["Accept-Encoding", "br"]], offers: BR_FLY_GZIP_SIDECAR, vary: false, expect: { kind: "whole", coding: "br", etag: BR, offer: 0 } },
  { does: "passes vary through on a 304", headers: [["If-None-Match", ID]], vary: true, expect: { kind: "not-modified", etag: ID } },
  { does: "passes vary through on a 416", headers: [["Range", "bytes=9000-"]], offers: BR_FLY_GZIP_SIDECAR, vary: true, expect: { kind: "unsatisfiable", etag: ID } },
];

describe("planContent (RFC 9110 13.2.2: representation, preconditions, ranges)", () => {
  for (const row of rows) {
    it(`planContent() ${row.does}`, () => {
      const s = row.stat ?? FILE;
      const stat = new FakeStat("file", s.size, s.mtimeMs);
      const offers = row.offers ?? [];
      const vary = row.vary ?? false;
      const plan = planContent(row.method ?? "GET", new HeaderMap(row.headers ?? []), stat, offers, vary);
      const e = row.expect;
      assert.equal(plan.kind, e.kind, "kind");
      assert.equal(plan.coding, e.coding ?? "identity", "coding");
      if (typeof e.etag === "string") assert.equal(plan.etag, e.etag, "etag");
      else assert.ok(e.etag(plan.etag), `etag ${plan.etag} fails its predicate`);
      assert.deepEqual(plan.ranges, e.ranges ?? null, "ranges");
      const offerIndex = e.offer ?? null;
      assert.equal(plan.offer, offerIndex === null ? null : offers[offerIndex], "the offer object the representation comes from");
      assert.equal(plan.vary, vary, "vary");
    });
  }

  it("planContent() reads the fields case-insensitively through any RequestFields", () => {
    const lines: Record<string, string[]> = { "if-none-match": [ID] };
    const fields = { get: (n: string) => lines[n.toLowerCase()]?.[0], getAll: (n: string) => lines[n.toLowerCase()] ?? [] };
    assert.equal(planContent("GET", fields, FILE, [], false).kind, "not-modified");
  });

  it("planContent() does not read Accept-Encoding when nothing is offered or a Range is present", () => {
    const asked: string[] = [];
    const spy = (lines: ReadonlyArray<readonly [string, string]>) => {
      const headers = new HeaderMap(lines);
      return {
        get: (n: string) => (asked.push(n.toLowerCase()), headers.get(n)),
        getAll: (n: string) => (asked.push(n.toLowerCase()), headers.getAll(n)),
      };
    };
    assert.equal(planContent("GET", spy([["Accept-Encoding", "br"], ["Range", "bytes=0-1"]]), FILE, BR_FLY_GZIP_SIDECAR, true).kind, "partial");
    assert.equal(planContent("HEAD", spy([["Accept-Encoding", "br"]]), FILE, [], false).coding, "identity");
    assert.ok(asked.length > 0 && !asked.includes("accept-encoding"), `asked for ${asked.join(", ")}`);
    assert.equal(planContent("GET", spy([["Accept-Encoding", "br"]]), FILE, BR_FLY_GZIP_SIDECAR, true).coding, "br");
    assert.ok(asked.includes("accept-encoding"), "read when offers are given and there is no Range");
  });
});

// encodingOffers(): which codings a file can be sent in, from a fake statOf.

const PATH = "/srv/www/app.js";

interface StatOf {
  readonly statOf: (path: string) => FakeStat | null;
  /** Every path statOf() was asked about, in order. */
  readonly calls: string[];
}

function fakeStatOf(entries: Readonly<Record<string, FakeStat>>): StatOf {
  const calls: string[] = [];
  return {
    calls,
    statOf: (p) => {
      calls.push(p);
      return entries[p] ?? null;
    },
  };
}

interface OffersRow {
  /** The behaviour, completing "encodingOffers() ...". */
  readonly does: string;
  readonly size: number;
  readonly lookForSidecars: boolean;
  /** Sidecars by suffix: their mtime relative to the file's and their kind. */
  readonly sidecars?: Readonly<Record<string, { readonly dt: number; readonly kind?: "file" | "dir" }>>;
  /** [coding, sidecar path or null] in order. */
  readonly expect: ReadonlyArray<readonly [string, string | null]>;
}

const offersRows: OffersRow[] = [
  { does: "offers brotli and gzip on the fly for a file of 1024 bytes or more without sidecars", size: 5000, lookForSidecars: true, expect: [["br", null], ["gzip", null]] },
  { does: "offers compression on the fly from exactly COMPRESS_MIN_SIZE bytes", size: 1024, lookForSidecars: true, expect: [["br", null], ["gzip", null]] },
  { does: "offers nothing for a file one byte under COMPRESS_MIN_SIZE without sidecars", size: 1023, lookForSidecars: true, expect: [] },
  { does: "offers nothing for an empty file without sidecars", size: 0, lookForSidecars: true, expect: [] },
  { does: "offers brotli and gzip on the fly when not looking for sidecars", size: 5000, lookForSidecars: false, expect: [["br", null], ["gzip", null]] },
  { does: "offers nothing for a small file when not looking for sidecars", size: 100, lookForSidecars: false, expect: [] },
  {
    does: "does not offer sidecars when not looking for them",
    size: 100,
    lookForSidecars: false,
    sidecars: { ".br": { dt: 1000 }, ".gz": { dt: 1000 } },
    expect: [],
  },
  {
    does: "offers a newer brotli sidecar, then gzip on the fly",
    size: 5000,
    lookForSidecars: true,
    sidecars: { ".br": { dt: 1000 } },
    expect: [["br", `${PATH}.br`], ["gzip", null]],
  },
  {
    does: "offers a sidecar with the file's very mtime",
    size: 5000,
    lookForSidecars: true,
    sidecars: { ".gz": { dt: 0 } },
    expect: [["br", null], ["gzip", `${PATH}.gz`]],
  },
  { does: "offers a gzip sidecar of a small file, and nothing else", size: 100, lookForSidecars: true, sidecars: { ".gz": { dt: 5 } }, expect: [["gzip", `${PATH}.gz`]] },
  {
    does: "offers both sidecars of a small file in the server's order",
    size: 100,
    lookForSidecars: true,
    sidecars: { ".gz": { dt: 5 }, ".br": { dt: 5 } },
    expect: [["br", `${PATH}.br`], ["gzip", `${PATH}.gz`]],
  },
  {
    does: "ignores a sidecar older than the file, compressing on the fly instead",
    size: 5000,
    lookForSidecars: true,
    sidecars: { ".br": { dt: -1 }, ".gz": { dt: 1000 } },
    expect: [["br", null], ["gzip", `${PATH}.gz`]],
  },
  { does: "ignores a sidecar older than a small file", size: 100, lookForSidecars: true, sidecars: { ".br": { dt: -1000 } }, expect: [] },
  {
    does: "ignores a sidecar that is a directory",
    size: 5000,
    lookForSidecars: true,
    sidecars: { ".br": { dt: 1000, kind: "dir" } },
    expect: [["br", null], ["gzip", null]],
  },
  { does: "ignores a sidecar directory of a small file", size: 100, lookForSidecars: true, sidecars: { ".gz": { dt: 1000, kind: "dir" } }, expect: [] },
];

describe("encodingOffers (sidecars and compression on the fly)", () => {
  it("encodingOffers() works with the exported constants", () => {
    assert.equal(COMPRESS_MIN_SIZE, 1024);
    assert.deepEqual(CODINGS, [
      ["br", ".br"],
      ["gzip", ".gz"],
    ]);
  });

  for (const row of offersRows) {
    it(`encodingOffers() ${row.does}`, () => {
      const file = new FakeStat("app.js", row.size, MTIME);
      const entries: Record<string, FakeStat> = {};
      for (const [suffix, { dt, kind }] of Object.entries(row.sidecars ?? {})) entries[PATH + suffix] = new FakeStat(`app.js${suffix}`, 77, MTIME + dt, kind ?? "file");
      const fs = fakeStatOf(entries);
      const offers = encodingOffers(PATH, file, row.lookForSidecars, fs.statOf);
      assert.deepEqual(
        offers.map((o) => [o.coding, o.sidecar?.path ?? null]),
        row.expect.map(([c, p]) => [c, p]),
      );
      for (const o of offers) if (o.sidecar !== null) assert.equal(o.sidecar.stat, entries[o.sidecar.path], "the sidecar's stat object, as statOf gave it");
      assert.deepEqual(fs.calls, row.lookForSidecars ? [`${PATH}.br`, `${PATH}.gz`] : [], "paths statOf was asked about");
    });
  }

  it("encodingOffers() returns one shared frozen list when not looking for sidecars", () => {
    const fs = fakeStatOf({});
    const a = encodingOffers(PATH, new FakeStat("a", 5000, MTIME), false, fs.statOf);
    const b = encodingOffers("/other/file.css", new FakeStat("b", 1 << 20, 0), false, fs.statOf);
    assert.equal(a, b);
    assert.ok(Object.isFrozen(a));
    for (const o of a) assert.ok(Object.isFrozen(o));
    assert.deepEqual(fs.calls, []);
    const none = encodingOffers(PATH, new FakeStat("c", 10, MTIME), false, fs.statOf);
    assert.equal(none.length, 0);
    assert.equal(encodingOffers(PATH, new FakeStat("d", 0, MTIME), false, fs.statOf), none, "the empty list is shared too");
    assert.deepEqual(fs.calls, []);
  });

  it("encodingOffers() returns a new list each time it looks for sidecars", () => {
    const file = new FakeStat("a", 5000, MTIME);
    const a = encodingOffers(PATH, file, true, fakeStatOf({}).statOf);
    const b = encodingOffers(PATH, file, true, fakeStatOf({}).statOf);
    assert.notEqual(a, b);
    assert.deepEqual(a, b);
  });
});
