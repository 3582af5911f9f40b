import { isFieldValue, isToken } from "../wire/token.js";

/** The header block of a CGI script's output, read and checked (RFC 3875 section 6). */
export interface CgiResponseHead {
  /** The status to send: `Status:`, else 302 with `Location:`, else 200. */
  readonly status: number;
  /** The reason phrase from `Status:`, or null when the script gave none. */
  readonly reason: string | null;
  /** True when the script sent a `Status:` field. */
  readonly statusGiven: boolean;
  /** The fields to send, in order, names as the script wrote them (Status and hop-by-hop fields removed). */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The script's Content-Length, or null. */
  readonly contentLength: number | null;
  /** Fields the script may not set (RFC 3875 section 6.3.4), dropped. */
  readonly dropped: readonly string[];
}

/** What the parser knows after some output. */
export type CgiParseResult =
  | { readonly state: "partial" }
  | { readonly state: "complete"; readonly head: CgiResponseHead; readonly body: Buffer }
  | { readonly state: "error"; readonly reason: string };

/** Bounds on a script's header block. */
export interface CgiHeaderLimits {
  /** Bytes of the whole block, blank line included. */
  readonly maxBytes: number;
  /** Header fields. */
  readonly maxFields: number;
}

/** The engine's request limits, applied to the script's response: 64 KiB, 100 fields. */
export const DEFAULT_CGI_HEADER_LIMITS: CgiHeaderLimits = Object.freeze({ maxBytes: 64 * 1024, maxFields: 100 });

/**
 * Fields about the connection rather than the document. RFC 3875 section
 * 6.3.4: the script "MUST NOT return any header fields that relate to
 * client-side communication issues and could affect the server's ability to
 * send the response to the client"; the server frames the body itself.
 */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"]);

const EMPTY = Buffer.alloc(0);

function show(line: string): string {
  return JSON.stringify(line.length > 80 ? line.slice(0, 80) + "..." : line);
}

/**
 * Reads the header block at the start of a CGI script's output,
 * incrementally (`push()` each chunk of stdout, `end()` at EOF), before
 * anything is sent to the client:
 *
 * - lines end in LF or CRLF (RFC 3875 section 6: scripts print with the
 *   system's newline; Python's `print()` writes LF), the block ends at an
 *   empty line; a CR elsewhere, a line without a colon, a field name that is
 *   not a token, a control character in a value or an obsolete folded line
 *   make the output invalid;
 * - `Status: 404 Not Found` (section 6.3.3; 200..599, reason optional) sets
 *   the status; `Location:` without it means 302 (section 6.2.3/6.2.4);
 * - at least one of Content-Type, Location and Status must be there
 *   (section 6.2), none of them twice; Content-Length must be digits (and
 *   agree with itself if repeated);
 * - hop-by-hop fields (Connection, Transfer-Encoding, ...) are dropped.
 *
 * An invalid block yields `error` with the reason; the handler answers 502.
 */
export class CgiResponseParser {
  readonly #limits: CgiHeaderLimits;
  #buf: Buffer = EMPTY;
  #pos = 0;
  #received = 0;
  #fields: Array<[string, string]> = [];
  #result: CgiParseResult = { state: "partial" };

  constructor(limits: CgiHeaderLimits = DEFAULT_CGI_HEADER_LIMITS) {
    this.#limits = limits;
  }

  /** Bytes of output seen so far. */
  get bytesReceived(): number {
    return this.#received;
  }

  /** Feeds the next chunk of output; after `complete` or `error` the result no longer changes. */
  push(chunk: Buffer): CgiParseResult {
    if (this.#result.state !== "partial") return this.#result;
    this.#received += chunk.length;
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    this.#result = this.#scan();
    return this.#result;
  }

  /** The output ended: a block still open is an error. */
  end(): CgiParseResult {
    if (this.#result.state !== "partial") return this.#result;
    this.#result = {
      state: "error",
      reason: this.#received === 0 ? "the script wrote nothing" : "the output ended inside the header block",
    };
    return this.#result;
  }

  #fail(reason: string): CgiParseResult {
    this.#buf = EMPTY;
    return { state: "error", reason };
  }

  #scan(): CgiParseResult {
    const buf = this.#buf;
    const max = this.#limits.maxBytes;
    for (;;) {
      const nl = buf.indexOf(0x0a, this.#pos);
      if (nl < 0 || nl + 1 > max) {
        if (buf.length > max || nl >= 0) return this.#fail(`header block longer than ${max} bytes`);
        return { state: "partial" };
      }
      const end = nl > this.#pos && buf[nl - 1] === 0x0d ? nl - 1 : nl;
      const line = buf.toString("latin1", this.#pos, end);
      this.#pos = nl + 1;
      if (line === "") return this.#finish(buf.subarray(this.#pos));
      const err = this.#field(line);
      if (err !== null) return this.#fail(err);
    }
  }

  #field(line: string): string | null {
    if (line.includes("\r")) return `CR inside header line ${show(line)}`;
    if (line[0] === " " || line[0] === "\t") return `obsolete line folding in ${show(line)}`;
    const colon = line.indexOf(":");
    if (colon < 0) return `header line without a colon: ${show(line)}`;
    const name = line.slice(0, colon);
    if (!isToken(name)) return `invalid header name ${show(name)}`;
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    if (!isFieldValue(value)) return `control character in the value of ${name}`;
    if (this.#fields.length >= this.#limits.maxFields) return `more than ${this.#limits.maxFields} header fields`;
    this.#fields.push([name, value]);
    return null;
  }

  #finish(body: Buffer): CgiParseResult {
    let status: number | null = null;
    let reason: string | null = null;
    let contentLength: number | null = null;
    let hasType = false;
    let hasLocation = false;
    const headers: Array<readonly [string, string]> = [];
    const dropped: string[] = [];
    for (const [name, value] of this.#fields) {
      const lower = name.toLowerCase();
      if (lower === "status") {
        if (status !== null) return this.#fail("more than one Status field");
        const m = /^(\d{3})(?:[ \t]+(.*))?$/.exec(value);
        const code = m ? Number(m[1]) : 0;
        if (!m || code < 200 || code > 599) return this.#fail(`invalid Status ${show(value)}`);
        status = code;
        reason = m[2] !== undefined && m[2] !== "" ? m[2] : null;
        continue;
      }
      if (HOP_BY_HOP.has(lower)) {
        dropped.push(name);
        continue;
      }
      if (lower === "content-type") {
        if (hasType) return this.#fail("more than one Content-Type field");
        hasType = true;
      } else if (lower === "location") {
        if (hasLocation) return this.#fail("more than one Location field");
        if (value === "") return this.#fail("empty Location field");
        hasLocation = true;
      } else if (lower === "content-length") {
        if (!/^\d{1,15}$/.test(value)) return this.#fail(`invalid Content-Length ${show(value)}`);
        const n = Number(value);
        if (contentLength !== null) {
          if (n !== contentLength) return this.#fail("conflicting Content-Length fields");
          continue;
        }
        contentLength = n;
      }
      headers.push([name, value]);
    }
    if (status === null && !hasType && !hasLocation) {
      return this.#fail("no Content-Type, Location or Status field in the header block");
    }
    this.#buf = EMPTY;
    const head: CgiResponseHead = {
      status: status ?? (hasLocation ? 302 : 200),
      reason,
      statusGiven: status !== null,
      headers,
      contentLength,
      dropped,
    };
    return { state: "complete", head, body };
  }
}
