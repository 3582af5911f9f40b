import { negotiateEncoding } from "./accept-encoding.js";
import { parseRange, type ByteRange } from "./byte-ranges.js";
import { makeETag } from "./etag.js";
import { evaluatePreconditions, ifRangeAllows } from "./preconditions.js";

/** What the content planner needs of a `stat` result. */
export interface ContentStat {
  isFile(): boolean;
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * A content coding the server can produce for a file: from a precompressed
 * sidecar (`app.js.br` beside `app.js`) or compressed on the fly (`sidecar` null).
 */
export interface EncodingOffer<S extends ContentStat = ContentStat> {
  readonly coding: string;
  readonly sidecar: { readonly path: string; readonly stat: S } | null;
}

/**
 * What a GET or HEAD on a regular file gets once the file is known (Go's
 * `serveContent` after `checkPreconditions`), with the representation chosen:
 * - `not-modified`: 304 (If-None-Match, or CPython's If-Modified-Since rule);
 * - `precondition-failed`: 412 (If-Match, If-Unmodified-Since);
 * - `whole`: 200 with the whole representation;
 * - `partial`: 206 with `ranges` (one: a single part; several: multipart/byteranges);
 * - `unsatisfiable`: 416 with `Content-Range: bytes *\/size`.
 * One flat object: this is planned for every file request.
 */
export interface ContentPlan<S extends ContentStat = ContentStat> {
  readonly kind: "not-modified" | "precondition-failed" | "whole" | "partial" | "unsatisfiable";
  /** `identity`, `br` or `gzip`. */
  readonly coding: string;
  /** The representation's strong ETag (an encoded representation has its own, RFC 9110 8.8.3). */
  readonly etag: string;
  /** The offer the representation comes from; null for the file as it is. */
  readonly offer: EncodingOffer<S> | null;
  /** The response could have differed by Accept-Encoding: send `Vary: Accept-Encoding`. */
  readonly vary: boolean;
  /** The ranges of a `partial` plan (satisfiable, clamped); null otherwise. */
  readonly ranges: readonly ByteRange[] | null;
}

/** The request fields the content plan reads (a HeaderMap has them). */
export interface RequestFields {
  get(name: string): string | undefined;
  getAll(name: string): string[];
}

/** Files smaller than this are sent as they are: compressing them saves less than a packet. */
export const COMPRESS_MIN_SIZE = 1024;

/** Content codings produced, in the server's order of preference, with their sidecar suffixes. */
export const CODINGS: ReadonlyArray<readonly [coding: string, suffix: string]> = [
  ["br", ".br"],
  ["gzip", ".gz"],
];

const NO_OFFERS: readonly never[] = [];

/**
 * The codings a compressible file can be sent in: a sidecar that is a regular
 * file not older than the file itself (so a stale `.gz` is never sent for an
 * edited file), else compression on the fly for files of COMPRESS_MIN_SIZE or
 * more. Sidecars are looked for only when `lookForSidecars` (the client accepts
 * some coding): a request without Accept-Encoding costs no extra stat.
 */
export function encodingOffers<S extends ContentStat>(
  path: string,
  stat: S,
  lookForSidecars: boolean,
  statOf: (path: string) => S | null,
): readonly EncodingOffer<S>[] {
  const onTheFly = stat.size >= COMPRESS_MIN_SIZE;
  if (!lookForSidecars) return onTheFly ? DEFAULT_OFFERS : NO_OFFERS;
  const offers: EncodingOffer<S>[] = [];
  for (const [coding, suffix] of CODINGS) {
    const s = statOf(path + suffix);
    if (s !== null && s.isFile() && s.mtimeMs >= stat.mtimeMs) offers.push({ coding, sidecar: { path: path + suffix, stat: s } });
    else if (onTheFly) offers.push({ coding, sidecar: null });
  }
  return offers;
}
const DEFAULT_OFFERS: readonly EncodingOffer<never>[] = Object.freeze(CODINGS.map(([coding]) => Object.freeze({ coding, sidecar: null })));

const isRangeMethod = (method: string): boolean => method === "GET" || method === "HEAD";

/** A list-valued field, its lines joined as RFC 9110 5.3 allows (most requests have one line or none). */
function listField(fields: RequestFields, name: string): string | undefined {
  const first = fields.get(name);
  if (first === undefined) return undefined;
  const all = fields.getAll(name);
  return all.length === 1 ? first : all.join(", ");
}

/**
 * Plans the content of a `method` request with header `fields` on a regular
 * file of `stat`, RFC 9110 section 13.2.2's order: pick the representation (a
 * request with `Range` is served from the file as it is, never from an
 * encoded stream), evaluate If-Match / If-Unmodified-Since / If-None-Match /
 * If-Modified-Since against its validators, then `If-Range` and `Range`.
 * `offers` are the codings the file can be sent in (encodingOffers); `vary`
 * says whether the content could depend on Accept-Encoding.
 */
export function planContent<S extends ContentStat>(method: string, fields: RequestFields, stat: S, offers: readonly EncodingOffer<S>[], vary: boolean): ContentPlan<S> {
  const range = isRangeMethod(method) ? fields.get("Range") : undefined;
  let coding = "identity";
  let offer: EncodingOffer<S> | null = null;
  let etag: string;
  const acceptEncoding = range === undefined && offers.length > 0 ? listField(fields, "Accept-Encoding") : undefined;
  if (acceptEncoding !== undefined) {
    const chosen = negotiateEncoding(acceptEncoding, offers.map((o) => o.coding));
    offer = offers.find((o) => o.coding === chosen) ?? null;
  }
  if (offer !== null) {
    coding = offer.coding;
    const from = offer.sidecar?.stat ?? stat;
    etag = makeETag(from.size, from.mtimeMs, coding);
  } else etag = makeETag(stat.size, stat.mtimeMs);

  // Most requests carry no precondition: four lookups, nothing built.
  const ifMatch = listField(fields, "If-Match");
  const ifNoneMatch = listField(fields, "If-None-Match");
  const ifModifiedSince = fields.get("If-Modified-Since");
  const ifUnmodifiedSince = fields.get("If-Unmodified-Since");
  if (ifMatch !== undefined || ifNoneMatch !== undefined || ifModifiedSince !== undefined || ifUnmodifiedSince !== undefined) {
    const outcome = evaluatePreconditions(method, { ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince }, { etag, mtimeMs: stat.mtimeMs });
    if (outcome !== "proceed") return { kind: outcome, coding, etag, offer, vary, ranges: null };
  }
  if (range !== undefined && ifRangeAllows(fields.get("If-Range"), { etag, mtimeMs: stat.mtimeMs })) {
    const decision = parseRange(range, stat.size);
    if (decision.kind === "unsatisfiable") return { kind: "unsatisfiable", coding, etag, offer, vary, ranges: null };
    if (decision.kind === "ranges") return { kind: "partial", coding, etag, offer, vary, ranges: decision.ranges };
  }
  return { kind: "whole", coding, etag, offer, vary, ranges: null };
}
