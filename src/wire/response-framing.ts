import { HTTP_1_1 } from "./http-version.js";

/**
 * How the body of a response is delimited on the wire.
 * - `raw`: by closing the connection (HTTP/0.9, an unframed body on a
 *   connection that closes anyway, or bytes written without a header block).
 * - `none`: the response has no body (HEAD, 1xx, 204, 304): body writes are dropped.
 * - `length`: by the Content-Length the handler sent; writes past it are
 *   dropped and the connection closes, a short body closes it too.
 * - `chunked`: the server frames each write as a chunk (no length was given
 *   on a persistent HTTP/1.1 connection).
 * - `passthrough`: the handler declared `Transfer-Encoding` itself and frames its writes.
 */
export type BodyMode = "raw" | "none" | "length" | "chunked" | "passthrough";

/** What the framing of a response depends on, known when its header block ends. */
export interface ResponseFacts {
  /** The request method (`HEAD` responses have no body); null when no request line was read. */
  readonly method: string | null;
  /** The request's version number (`versionNumber`: 1001 for HTTP/1.1; 0 when no request line was read). */
  readonly requestVersion: number;
  /** Our version number (`protocolVersion`). */
  readonly protocolVersion: number;
  readonly status: number;
  /** The Content-Length the handler sent, -1 for none (or one that is not digits). */
  readonly contentLength: number;
  /** The handler sent a Transfer-Encoding header (it frames the body itself). */
  readonly transferEncoding: boolean;
  /** The handler sent a Connection header. */
  readonly connectionHeader: boolean;
  /** The connection closes after this response (the handler's `closeConnection`, or the engine's decision). */
  readonly closing: boolean;
}

/** The framing decided for a response: the body mode, and the header lines the engine adds to the block. */
export interface ResponseFraming {
  readonly mode: BodyMode;
  /** `Transfer-Encoding: chunked\r\n`, `Connection: close\r\n`, or ''. */
  readonly headers: string;
}

const TE_CHUNKED = "Transfer-Encoding: chunked\r\n";
const CONNECTION_CLOSE = "Connection: close\r\n";
const framing = (mode: BodyMode, headers = ""): ResponseFraming => Object.freeze({ mode, headers });
// Every possible answer, made once: the decision allocates nothing per response.
const NONE = framing("none");
const NONE_CLOSE = framing("none", CONNECTION_CLOSE);
const LENGTH = framing("length");
const LENGTH_CLOSE = framing("length", CONNECTION_CLOSE);
const PASSTHROUGH = framing("passthrough");
const PASSTHROUGH_CLOSE = framing("passthrough", CONNECTION_CLOSE);
const RAW = framing("raw");
const RAW_CLOSE = framing("raw", CONNECTION_CLOSE);
const CHUNKED = framing("chunked", TE_CHUNKED);

/**
 * Decides how a response body is delimited (RFC 9112 section 6.3), in one
 * place, as nginx's chunked and header filters do:
 * - 1xx, 204, 304 and HEAD responses have no body;
 * - a handler's own Transfer-Encoding or Content-Length is kept;
 * - otherwise a connection that closes delimits the body by closing;
 * - a persistent HTTP/1.1 connection gets `Transfer-Encoding: chunked`;
 * - an older client gets `Connection: close` and the body up to the close.
 * A final response on a connection that would persist by its versions (HTTP/1.1
 * on both ends) but closes says `Connection: close` (RFC 9112 section 9.6),
 * unless the handler sent its own Connection header.
 */
export function decideResponseFraming(f: ResponseFacts): ResponseFraming {
  if (f.status < 200) return NONE;
  const persistentVersions = f.requestVersion >= HTTP_1_1 && f.protocolVersion >= HTTP_1_1;
  const announce = f.closing && persistentVersions && !f.connectionHeader;
  if (f.method === "HEAD" || f.status === 204 || f.status === 304) return announce ? NONE_CLOSE : NONE;
  if (f.transferEncoding) return announce ? PASSTHROUGH_CLOSE : PASSTHROUGH;
  if (f.contentLength >= 0) return announce ? LENGTH_CLOSE : LENGTH;
  if (f.closing) return announce ? RAW_CLOSE : RAW;
  if (persistentVersions) return CHUNKED;
  return RAW_CLOSE;
}
