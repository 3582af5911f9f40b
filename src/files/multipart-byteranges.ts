/**
 * The layout of a multipart/byteranges body (RFC 9110 14.6 and 15.3.7.2, RFC
 * 2046 5.1.1), planned before a byte is read so its exact Content-Length is
 * known up front. Pure but for newBoundary's randomness.
 * @module
 */
import { randomBytes } from "node:crypto";
import type { ByteRange } from "./byte-ranges.js";

/** One part of a multipart/byteranges body: its head (boundary line, Content-Type, Content-Range, blank line) then the bytes start..end of the file. */
export interface MultipartPart {
  readonly head: Buffer;
  readonly start: number;
  readonly end: number;
}

/** A whole multipart/byteranges body: each part's head then its bytes, then the tail. */
export interface MultipartPlan {
  /** The response's Content-Type: `multipart/byteranges; boundary=<boundary>`. */
  readonly contentType: string;
  readonly parts: readonly MultipartPart[];
  /** The close-delimiter line. */
  readonly tail: Buffer;
  /** The exact Content-Length of the whole body. */
  readonly length: number;
}

/** RFC 2046 5.1.1: 1 to 70 bchars, the last not a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;
/** RFC 9110 5.6.2 token characters: a boundary made of them needs no quotes. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A field value (RFC 9110 5.5) in latin1: no CR, LF, NUL or other controls but HTAB. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Lays out the multipart/byteranges body of `ranges` of a representation of
 * `size` bytes whose own Content-Type is `partType`, with parts separated by
 * `boundary`, as Go's net/http writes it: no preamble, each part's head
 * (`--boundary`, `Content-Type`, `Content-Range: bytes start-end/size`
 * (14.4), a blank line) then its bytes, the CRLF before each later boundary
 * line counted as the delimiter's (RFC 2046), then `\r\n--boundary--\r\n`.
 * Each part carries a Content-Range and the representation's Content-Type
 * (15.3.7.2's MUST and SHOULD; an empty `partType` means the representation
 * has none, and the line is left out); the response itself carries neither
 * Content-Range (a MUST NOT there) nor the part type.
 *
 * Throws RangeError for no ranges, a range outside 0..size-1, a boundary
 * outside RFC 2046's grammar, or a partType that is not a field value (it
 * would let a header be injected into the body).
 */
export function planMultipart(ranges: readonly ByteRange[], size: number, partType: string, boundary: string): MultipartPlan {
  if (ranges.length === 0) throw new RangeError("a multipart body needs at least one part (RFC 2046 5.1.1)");
  if (!BOUNDARY.test(boundary)) throw new RangeError(`not an RFC 2046 boundary: ${JSON.stringify(boundary)}`);
  if (!FIELD_VALUE.test(partType)) throw new RangeError(`not a field value: ${JSON.stringify(partType)}`);
  // 15.3.7.2: the part type is the one a 200 would have had; none there, none here.
  const typeLine = partType === "" ? "" : `Content-Type: ${partType}\r\n`;
  let length = 0;
  const parts = ranges.map(({ start, end }, i): MultipartPart => {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end || end >= size) {
      throw new RangeError(`range ${start}-${end} is not within a representation of ${size} bytes`);
    }
    const head = Buffer.from(
      `${i > 0 ? "\r\n" : ""}--${boundary}\r\n${typeLine}Content-Range: bytes ${start}-${end}/${size}\r\n\r\n`,
      "latin1",
    );
    length += head.length + (end - start + 1);
    return { head, start, end };
  });
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, "latin1");
  length += tail.length;
  // A boundary with characters outside token (RFC 2046 allows "()/:=?," and space) must be quoted (RFC 9110 5.6.6).
  const param = TOKEN.test(boundary) ? boundary : `"${boundary}"`;
  return { contentType: `multipart/byteranges; boundary=${param}`, parts, tail, length };
}

/**
 * A fresh boundary: 32 hex digits from crypto.randomBytes (128 bits), all
 * RFC 2046 bcharsnospace and token characters, so it needs no quoting and a
 * file's bytes matching it by chance is not a practical concern.
 */
export function newBoundary(): string {
  return randomBytes(16).toString("hex");
}
