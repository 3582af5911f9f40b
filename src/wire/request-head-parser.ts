import { decideBodyFraming, type BodyFraming } from "./body-framing.js";
import { HeaderMap } from "./header-map.js";
import { HttpParseError } from "./parse-error.js";
import { pyRepr } from "../python/py-format.js";
import { parseRequestLine, type RequestLine } from "./request-line.js";
import { isToken } from "./token.js";

/** Size limits of a request head; the defaults are CPython's. */
export interface HeadLimits {
  /** Longest request line or header line, line ending included (CPython: 65536). */
  readonly maxLineLength: number;
  /** Most header lines (CPython's http.client `_MAXHEADERS`: 100). */
  readonly maxHeaders: number;
  /**
   * Most bytes of the header section (the field lines and the blank line; the
   * request line has its own limit). CPython has none: 100 lines of 64 KiB
   * held 6.5 MB per connection until the headers timeout.
   */
  readonly maxHeaderBytes: number;
}

/** CPython's limits (65536-byte lines, 100 headers) and 64 KiB of header fields in all (nginx allows 32 KiB). */
export const DEFAULT_HEAD_LIMITS: HeadLimits = Object.freeze({ maxLineLength: 65536, maxHeaders: 100, maxHeaderBytes: 65536 });

/** A complete, validated request head. */
export interface RequestHead extends RequestLine {
  /** The request line as received, line ending removed (CPython's `requestline`). */
  readonly requestline: string;
  readonly headers: HeaderMap;
  readonly framing: BodyFraming;
  /** The framing was ambiguous (Content-Length beside Transfer-Encoding): close after responding. */
  readonly mustClose: boolean;
}

/** What one call to `RequestHeadParser.execute` found. */
export type HeadParseResult =
  /** Need more bytes; `consumed` bytes were used and must not be offered again. */
  | { readonly state: "incomplete"; readonly consumed: number }
  /** The head is complete after `consumed` bytes; the body (if any) starts there. */
  | { readonly state: "complete"; readonly consumed: number; readonly head: RequestHead }
  /** The client sent only blank lines and the connection ended (nothing to answer). */
  | { readonly state: "empty"; readonly consumed: number };

const LF = 0x0a;
const CR = 0x0d;

/** Empty lines skipped before a request line (RFC 9112 2.2); more, and the connection closes quietly. */
const MAX_BLANK_LINES = 64;

function lineText(buf: Buffer, start: number, end: number): string {
  // Strip the line ending (CRLF or a bare LF, which CPython also accepts).
  let e = end;
  if (e > start && buf[e - 1] === LF) e--;
  if (e > start && buf[e - 1] === CR) e--;
  return buf.toString("latin1", start, e);
}

/**
 * Parses one header line (`Name: value`, line ending removed) strictly
 * (RFC 9112 section 5): no obs-fold, no whitespace before the colon, a token
 * name, no control characters in the value. Leading/trailing SP and HTAB of
 * the value are dropped.
 */
export function parseHeaderLine(line: string): [string, string] {
  const first = line.charCodeAt(0);
  if (first === 0x20 || first === 0x09) {
    throw new HttpParseError("ERR_OBS_FOLD", 400, `Bad header: obsolete line folding (${pyRepr(line)})`);
  }
  const colon = line.indexOf(":");
  if (colon < 0) throw new HttpParseError("ERR_BAD_HEADER_LINE", 400, `Bad header line (${pyRepr(line)})`);
  const name = line.slice(0, colon);
  if (!isToken(name)) throw new HttpParseError("ERR_BAD_HEADER_NAME", 400, `Bad header name (${pyRepr(name)})`);
  let s = colon + 1;
  let e = line.length;
  while (s < e && (line.charCodeAt(s) === 0x20 || line.charCodeAt(s) === 0x09)) s++;
  while (e > s && (line.charCodeAt(e - 1) === 0x20 || line.charCodeAt(e - 1) === 0x09)) e--;
  for (let i = s; i < e; i++) {
    const c = line.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) {
      throw new HttpParseError("ERR_BAD_HEADER_VALUE", 400, `Bad header value for ${name} (${pyRepr(line.slice(s, e))})`);
    }
  }
  return [name, line.slice(s, e)];
}

/**
 * An incremental, pure parser for one request head. Feed it the unconsumed
 * bytes each time more arrive; it never looks past the blank line that ends
 * the head, so body bytes are never read as headers or as a next request.
 * Errors are thrown as HttpParseError as soon as they are certain (a request
 * line is judged before its headers arrive, as CPython does).
 */
export class RequestHeadParser {
  readonly #limits: HeadLimits;
  #line: RequestLine | null = null;
  #requestline = "";
  #headers = new HeaderMap();
  #count = 0;
  #headerBytes = 0;
  #blankLines = 0;
  /** The line ending of the header section, set by its first line: CRLF, or a bare LF throughout (CPython's leniency). */
  #ending: "" | "crlf" | "lf" = "";
  /** Where to resume looking for LF, relative to the first unconsumed byte. */
  #scanFrom = 0;

  constructor(limits: HeadLimits = DEFAULT_HEAD_LIMITS) {
    this.#limits = limits;
  }

  /** The request line once parsed (available for error replies that happen during header parsing). */
  get requestLine(): RequestLine | null {
    return this.#line;
  }

  /** The raw request line, once one was read ('' before, and for an over-long line). */
  get requestline(): string {
    return this.#requestline;
  }

  /**
   * Parses from `buf[start..end)`. `ended` says the peer closed: what is
   * left is all there will be.
   */
  execute(buf: Buffer, start = 0, end = buf.length, ended = false): HeadParseResult {
    const max = this.#limits.maxLineLength;
    let pos = start;
    for (;;) {
      const nl = buf.indexOf(LF, pos + this.#scanFrom);
      const lineEnd = nl >= 0 && nl < end ? nl + 1 : -1;
      if (lineEnd < 0) {
        const pending = end - pos;
        if (pending > max) this.#tooLong();
        if (this.#line !== null && this.#headerBytes + pending > this.#limits.maxHeaderBytes) this.#headTooLarge();
        if (ended) return this.#finishAtEof(buf, pos, end, start);
        this.#scanFrom = pending;
        return { state: "incomplete", consumed: pos - start };
      }
      this.#scanFrom = 0;
      if (lineEnd - pos > max) this.#tooLong();
      const done = this.#takeLine(buf, pos, lineEnd);
      pos = lineEnd;
      if (done === "empty") return { state: "empty", consumed: pos - start };
      if (done) return { state: "complete", consumed: pos - start, head: done };
    }
  }

  #headTooLarge(): never {
    throw new HttpParseError("ERR_HEAD_TOO_LARGE", 431, "Request Header Fields Too Large", `got more than ${this.#limits.maxHeaderBytes} bytes of header fields`);
  }

  #tooLong(): never {
    if (this.#line === null) {
      this.#requestline = "";
      throw new HttpParseError("ERR_URI_TOO_LONG", 414, "URI Too Long", "URI is too long");
    }
    throw new HttpParseError("ERR_HEADER_LINE_TOO_LONG", 431, "Line too long", `got more than ${this.#limits.maxLineLength} bytes when reading header line`);
  }

  #finishAtEof(buf: Buffer, pos: number, end: number, start: number): HeadParseResult {
    // The peer closed mid-head. As CPython's readline-based parser does, the
    // last unterminated line counts as a line and the end of input ends the head.
    if (pos < end) {
      const done = this.#takeLine(buf, pos, end);
      if (done === "empty") return { state: "empty", consumed: end - start };
      if (done) return { state: "complete", consumed: end - start, head: done };
    }
    if (this.#line === null) return { state: "empty", consumed: end - start };
    return { state: "complete", consumed: end - start, head: this.#complete() };
  }

  /** Takes one line; returns the head when complete, "empty" for a blank start, null to continue. */
  #takeLine(buf: Buffer, s: number, e: number): RequestHead | "empty" | null {
    if (this.#line === null) {
      const text = lineText(buf, s, e);
      if (text === "") {
        // RFC 9112 section 2.2: empty lines before the request line are ignored (a stray
        // CRLF after a body, from clients that count it in), a bounded number of them.
        return ++this.#blankLines > MAX_BLANK_LINES ? "empty" : null;
      }
      this.#requestline = text;
      const line = parseRequestLine(text);
      if (line === null) return "empty"; // whitespace only: CPython closes quietly
      this.#line = line;
      if (line.http09) return this.#complete();
      return null;
    }
    this.#checkEnding(buf, s, e);
    this.#headerBytes += e - s;
    if (this.#headerBytes > this.#limits.maxHeaderBytes) this.#headTooLarge();
    const text = lineText(buf, s, e);
    if (text === "") return this.#complete();
    if (++this.#count > this.#limits.maxHeaders) {
      throw new HttpParseError("ERR_TOO_MANY_HEADERS", 431, "Too many headers", `got more than ${this.#limits.maxHeaders} headers`);
    }
    const [name, value] = parseHeaderLine(text);
    this.#headers.append(name, value);
    return null;
  }

  /**
   * Refuses a header section whose lines (the blank line ending it included) do
   * not all end alike: `X: a\nContent-Length: 5\r\n` is two fields here but one
   * to a front end that takes the bare LF for part of a value, and the framing
   * would differ (request smuggling). Bare LFs throughout keep CPython's
   * leniency; the request line is not counted (CPython's own tests end it with a
   * bare LF before a CRLF blank line). A last line cut by the end of input has no ending.
   * A bare CR elsewhere is refused by the checks of each part (method, target, version, field values).
   */
  #checkEnding(buf: Buffer, s: number, e: number): void {
    if (e <= s || buf[e - 1] !== LF) return;
    const ending = e - 2 >= s && buf[e - 2] === CR ? "crlf" : "lf";
    if (this.#ending === "") this.#ending = ending;
    else if (this.#ending !== ending) throw new HttpParseError("ERR_MIXED_LINE_ENDINGS", 400, "Bad request: mixed line endings (CRLF and bare LF) in the head");
  }

  #complete(): RequestHead {
    const line = this.#line as RequestLine;
    const headers = this.#headers;
    let framing: BodyFraming = { kind: "none" };
    let mustClose = false;
    if (!line.http09) {
      if (line.major > 1 || (line.major === 1 && line.minor >= 1)) {
        const hosts = headers.count("host");
        if (hosts !== 1) {
          throw new HttpParseError("ERR_HOST", 400, hosts === 0 ? "Bad request: missing Host header" : "Bad request: more than one Host header");
        }
      }
      const decision = decideBodyFraming(headers, line.major, line.minor);
      framing = decision.framing;
      mustClose = decision.mustClose;
    }
    // An explicit literal, not a spread: this runs once per request.
    return {
      command: line.command,
      target: line.target,
      path: line.path,
      version: line.version,
      major: line.major,
      minor: line.minor,
      http09: line.http09,
      requestline: this.#requestline,
      headers,
      framing,
      mustClose,
    };
  }
}
