import type { Stats } from "node:fs";
import { BufferSource, FileSource, type BodySource } from "../files/body-source.js";
import type { ContentPlan } from "../files/content-plan.js";
import type { EncodedCache } from "../files/encoded-cache.js";
import type { FileCache } from "../files/file-cache.js";
import { fsEncode } from "../files/fs-encoding.js";
import type { ByteRange } from "../files/byte-ranges.js";
import { newBoundary, planMultipart } from "../files/multipart-byteranges.js";
import { RangeSource, type Segment } from "../files/range-source.js";
import { keepBuffer } from "../files/spare-buffers.js";
import { compressedFile } from "../files/stream-source.js";
import type { ResponseWriter } from "../server/response-writer.js";

/** What emitting a content plan needs of SimpleHTTPRequestHandler (its public API, no more). */
export interface ContentResponder {
  readonly command: string | null;
  readonly wfile: ResponseWriter;
  readonly fileCache: FileCache | null;
  readonly encodedCache: EncodedCache | null;
  /** `wfile.queuedBytes` when read buffers may be reused (see SimpleHTTPRequestHandler.readQueue). */
  readonly readQueue: (() => number) | undefined;
  sendResponse(code: number, message?: string): void;
  sendHeader(keyword: string, value: string | number): void;
  endHeaders(): Promise<void>;
  dateTimeString(timestamp?: number): string;
  sendExtraResponseHeaders(): void;
}

/** The file a plan is about: its media type and stat, and its bytes (cached in memory, or an open file). */
export interface PlannedFile {
  readonly ctype: string;
  readonly st: Stats;
  readonly fsPath: string | Buffer;
  readonly cached: Buffer | null;
  /** The open file when it is not cached; emitContent owns it from here (returns it, wraps it, or closes it). */
  readonly file: FileSource | null;
  /** A partial plan's ranges already read (small ranges of an uncached file), in the plan's order. */
  readonly slices: readonly Buffer[] | null;
}

/** The key a file's encoded copies are cached under (FileCache's keying: a Buffer name stays distinct). */
const cacheKey = (fsPath: string | Buffer): string => (typeof fsPath === "string" ? fsPath : fsPath.toString("latin1") + "\0b");

/**
 * Buffers the headers of a file's representation after the status line:
 * CPython's `Content-type`, `Content-Length` (unless `length` is null: a
 * stream, chunked) and `Last-Modified`, then `Content-Encoding`, `ETag`,
 * `Accept-Ranges`, `Vary` and the extra headers.
 */
export function sendEntityHeaders(h: ContentResponder, ctype: string, length: number | null, plan: ContentPlan<Stats>, st: Stats): void {
  h.sendHeader("Content-type", ctype);
  if (length !== null) h.sendHeader("Content-Length", String(length));
  sendValidators(h, plan, st);
  if (plan.offer !== null) h.sendHeader("Content-Encoding", plan.coding);
  h.sendHeader("Accept-Ranges", "bytes");
  sendVaryAndExtras(h, plan);
}

function sendValidators(h: ContentResponder, plan: ContentPlan<Stats>, st: Stats): void {
  h.sendHeader("Last-Modified", h.dateTimeString(st.mtimeMs / 1000));
  h.sendHeader("ETag", plan.etag);
}

function sendVaryAndExtras(h: ContentResponder, plan: ContentPlan<Stats>): void {
  if (plan.vary) h.sendHeader("Vary", "Accept-Encoding");
  h.sendExtraResponseHeaders();
}

/**
 * Sends the head of a planned file response other than the whole file as it
 * is (the handler sends that one itself) and returns its body (null when the
 * reply is complete). `ETag` and `Vary` go on 200, 206, 304, 412 and 416 alike
 * (RFC 9110 15.4.5 for the 304), and so do the extra headers.
 * `f.file` is wrapped in the returned source or closed (closing a FileSource
 * twice is harmless, so a caller that closes it after an error does no harm).
 */
export async function emitContent(h: ContentResponder, plan: ContentPlan<Stats>, f: PlannedFile): Promise<BodySource | null> {
  const { st, ctype } = f;
  // Only a range (wrapping it) and the identity file read the open file; HEAD reads nothing.
  const readsFile = (plan.kind === "partial" && h.command !== "HEAD") || (plan.kind === "whole" && plan.offer === null);
  if (!readsFile) await f.file?.close();
  switch (plan.kind) {
    case "not-modified":
      // RFC 9110 15.4.5: ETag and Vary (and -H's Cache-Control/Expires), not Last-Modified: with
      // an ETag present it guides no cache update, and Python's 304 has none.
      h.sendResponse(304);
      h.sendHeader("ETag", plan.etag);
      sendVaryAndExtras(h, plan);
      await h.endHeaders();
      return null;
    case "precondition-failed":
    case "unsatisfiable":
      h.sendResponse(plan.kind === "unsatisfiable" ? 416 : 412);
      if (plan.kind === "unsatisfiable") h.sendHeader("Content-Range", `bytes */${st.size}`);
      h.sendHeader("Content-Length", "0");
      sendValidators(h, plan, st);
      h.sendHeader("Accept-Ranges", "bytes");
      sendVaryAndExtras(h, plan);
      await h.endHeaders();
      return null;
    case "partial":
      return await sendRanges(h, plan, f, plan.ranges ?? []);
    case "whole":
      return await sendEncoded(h, plan, f);
  }
}

/** 206: one range, or several as multipart/byteranges (RFC 9110 14.6). */
async function sendRanges(h: ContentResponder, plan: ContentPlan<Stats>, f: PlannedFile, ranges: readonly ByteRange[]): Promise<BodySource | null> {
  const { st } = f;
  const one = ranges.length === 1 ? ranges[0] : undefined;
  let segments: Segment[];
  let length: number;
  let ctype = f.ctype;
  h.sendResponse(206);
  if (one !== undefined) {
    segments = [one];
    length = one.end - one.start + 1;
  } else {
    const mp = planMultipart(ranges, st.size, ctype, newBoundary());
    segments = [];
    for (const part of mp.parts) segments.push(part.head, part);
    segments.push(mp.tail);
    length = mp.length;
    ctype = mp.contentType;
  }
  h.sendHeader("Content-type", ctype);
  if (one !== undefined) h.sendHeader("Content-Range", `bytes ${one.start}-${one.end}/${st.size}`);
  h.sendHeader("Content-Length", String(length));
  sendValidators(h, plan, st);
  h.sendHeader("Accept-Ranges", "bytes");
  sendVaryAndExtras(h, plan);
  await h.endHeaders();
  if (f.cached) return h.command === "HEAD" ? null : new BufferSource(one !== undefined ? f.cached.subarray(one.start, one.end + 1) : RangeSource.concat(f.cached, segments));
  if (f.slices) return slicesBody(h, f.slices, segments);
  if (h.command === "HEAD") return null;
  return f.file ? new RangeSource(f.file, segments, length) : null;
}

/**
 * The body of ranges read already (readRangesNow), whose buffers go back to the
 * spare pool once nothing holds them: copied into one multipart body, not
 * sent (HEAD), or sent whole and no longer queued.
 */
function slicesBody(h: ContentResponder, slices: readonly Buffer[], segments: readonly Segment[]): BodySource | null {
  if (h.command !== "HEAD" && segments.length === 1 && slices[0] !== undefined) {
    const queued = h.readQueue;
    return new BufferSource(slices[0], queued && ((data) => queued() === 0 && keepBuffer(data)));
  }
  let i = 0;
  const body = h.command === "HEAD" ? null : Buffer.concat(segments.map((s) => (Buffer.isBuffer(s) ? s : (slices[i++] ?? Buffer.alloc(0)))));
  for (const s of slices) keepBuffer(s);
  return body && new BufferSource(body);
}

/** 200 with an encoded representation: a sidecar file, a cached compressed copy, or a compressing stream. */
async function sendEncoded(h: ContentResponder, plan: ContentPlan<Stats>, f: PlannedFile): Promise<BodySource | null> {
  const { st } = f;
  const offer = plan.offer;
  let body: BodySource | null;
  let length: number | null;
  if (offer === null) {
    // Not reached from SimpleHTTPRequestHandler (it sends the identity file itself); kept whole for callers.
    body = f.cached ? new BufferSource(f.cached) : f.file;
    length = st.size;
  } else if (offer.sidecar) {
    // A precompressed sidecar: sent as a file of its own, from the cache when small.
    const side = offer.sidecar;
    const sidePath = fsEncode(side.path); // undecodable name bytes kept, as for the file itself
    const sideCached = h.fileCache?.get(sidePath, side.stat) ?? null;
    body = sideCached ? new BufferSource(sideCached) : await FileSource.open(sidePath, side.stat.size, h.readQueue);
    length = side.stat.size;
  } else {
    const key = cacheKey(f.fsPath);
    let encoded = f.cached ? (h.encodedCache?.get(key, offer.coding, st) ?? null) : null;
    if (encoded === null && f.cached && h.encodedCache) encoded = await h.encodedCache.encode(key, offer.coding, st, f.cached);
    if (encoded) {
      body = new BufferSource(encoded);
      length = encoded.length;
    } else {
      // Too large to keep (or no cache): compressed as it is read, length unknown (chunked).
      body = h.command === "HEAD" ? null : compressedFile(f.fsPath, st.size, offer.coding);
      length = null;
    }
  }
  try {
    h.sendResponse(200);
    sendEntityHeaders(h, f.ctype, length, plan, st);
    await h.endHeaders();
  } catch (err) {
    await body?.close();
    throw err;
  }
  return body;
}
