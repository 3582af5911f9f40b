import type { HeaderMap } from "./header-map.js";
import { HttpParseError } from "./parse-error.js";

/** How a request's body is delimited (RFC 9112 section 6). */
export type BodyFraming =
  | { readonly kind: "none" }
  | { readonly kind: "length"; readonly length: number }
  | { readonly kind: "chunked" };

/** The framing and whether the connection must close after the response (Content-Length beside Transfer-Encoding). */
export interface FramingDecision {
  readonly framing: BodyFraming;
  readonly mustClose: boolean;
}

const NONE: FramingDecision = Object.freeze({ framing: Object.freeze({ kind: "none" as const }), mustClose: false });
const KNOWN_CODINGS = new Set(["chunked", "gzip", "x-gzip", "deflate", "compress", "x-compress", "identity"]);

/**
 * Decides the body framing of a request from its headers, strictly:
 * Content-Length must be digits only (repeats must agree); Transfer-Encoding
 * must end in `chunked` (RFC 9112 section 6.3: otherwise the length cannot be
 * known, 400), and codings other than chunked alone are not implemented (501);
 * when both are present Transfer-Encoding wins and the connection closes after
 * the response (RFC 9112 section 6.1), so no leftover byte is read as a request.
 */
export function decideBodyFraming(headers: HeaderMap, major: number, minor: number): FramingDecision {
  // Most requests have neither header: answer without building the lists.
  if (!headers.has("transfer-encoding") && !headers.has("content-length")) return NONE;
  const te = headers.getAll("transfer-encoding");
  const cl = headers.getAll("content-length");
  if (te.length > 0) {
    if (major === 1 && minor === 0) {
      // RFC 9112 section 6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing.
      throw new HttpParseError("ERR_TRANSFER_ENCODING", 400, "Transfer-Encoding is not allowed in HTTP/1.0 requests");
    }
    const codings = te.join(",").split(",").map((c) => c.trim().toLowerCase()).filter((c) => c !== "");
    const last = codings[codings.length - 1];
    if (last !== "chunked" || codings.indexOf("chunked") !== codings.length - 1) {
      const unknown = codings.find((c) => !KNOWN_CODINGS.has(c.split(";")[0]?.trim() ?? c));
      if (unknown !== undefined) {
        throw new HttpParseError("ERR_UNSUPPORTED_TRANSFER_CODING", 501, `Unsupported transfer coding (${te.join(", ")})`);
      }
      throw new HttpParseError("ERR_TRANSFER_ENCODING", 400, `Bad Transfer-Encoding (${te.join(", ")}): chunked must be the final coding`);
    }
    if (codings.length > 1) {
      throw new HttpParseError("ERR_UNSUPPORTED_TRANSFER_CODING", 501, `Unsupported transfer coding (${te.join(", ")})`);
    }
    return { framing: { kind: "chunked" }, mustClose: cl.length > 0 };
  }
  if (cl.length === 0) return NONE;
  let length = -1;
  for (const field of cl) {
    for (const item of field.split(",")) {
      const v = item.trim();
      if (!/^[0-9]+$/.test(v)) throw new HttpParseError("ERR_CONTENT_LENGTH", 400, `Bad Content-Length (${field})`);
      const n = Number(v);
      if (!Number.isSafeInteger(n)) throw new HttpParseError("ERR_CONTENT_LENGTH", 400, `Bad Content-Length (${field})`);
      if (length !== -1 && n !== length) throw new HttpParseError("ERR_CONTENT_LENGTH", 400, "Conflicting Content-Length values");
      length = n;
    }
  }
  return length === 0 ? NONE : { framing: { kind: "length", length }, mustClose: false };
}
