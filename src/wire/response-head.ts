import { decideResponseFraming, type ResponseFacts, type ResponseFraming } from "./response-framing.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The header block of the response being built (CPython's
 * `_headers_buffer`), as latin-1 text, with what the framing decision needs
 * to know of it: the status, and whether the handler sent Content-Length,
 * Transfer-Encoding or Connection.
 */
export class ResponseHead {
  #text = "";
  #status = 0;
  #contentLength = -1;
  #transferEncoding = false;
  #connectionHeader = false;
  #sent = false;
  #omit = false;
  /** The facts handed to the framing decision: one object per connection, filled in at each `end()`. */
  readonly #facts: Mutable<ResponseFacts> = {
    method: null,
    requestVersion: 0,
    protocolVersion: 0,
    status: 0,
    contentLength: -1,
    transferEncoding: false,
    connectionHeader: false,
    closing: false,
  };

  /** Starts the response to a new request; `omit`: an HTTP/0.9 request, whose response is the body alone. */
  reset(omit: boolean): void {
    this.#text = "";
    this.#status = 0;
    this.#contentLength = -1;
    this.#transferEncoding = false;
    this.#connectionHeader = false;
    this.#sent = false;
    this.#omit = omit;
  }

  /** The status of the response being built (0 before `statusLine`). */
  get status(): number {
    return this.#status;
  }

  /** The Content-Length the handler sent, or -1. */
  get contentLength(): number {
    return this.#contentLength;
  }

  /** The head of the final (non-1xx) response has been handed to the writer. */
  get sent(): boolean {
    return this.#sent;
  }

  /** Some of a head is buffered and not written yet. */
  get pending(): boolean {
    return this.#text.length > 0;
  }

  /** This response has no head at all (HTTP/0.9). */
  get omitted(): boolean {
    return this.#omit;
  }

  /** Buffers the status line; a final status starts a new set of framing fields (after a 1xx). */
  statusLine(version: string, code: number, reason: string): void {
    this.#status = code;
    if (code >= 200) {
      this.#contentLength = -1;
      this.#transferEncoding = false;
      this.#connectionHeader = false;
    }
    if (!this.#omit) this.#text += `${version} ${code} ${reason}\r\n`;
  }

  /** Buffers one header line; returns true for a Connection header (CPython's `close_connection` follows it). */
  field(name: string, value: string): boolean {
    if (!this.#omit) this.#text += `${name}: ${value}\r\n`;
    // Compared by length first: most headers are none of the three.
    switch (name.length) {
      case 10:
        if (name.toLowerCase() !== "connection") return false;
        this.#connectionHeader = true;
        return true;
      case 14:
        if (name.toLowerCase() === "content-length") {
          const v = value.trim();
          this.#contentLength = /^\d+$/.test(v) ? Number(v) : -1;
        }
        return false;
      case 17:
        if (name.toLowerCase() === "transfer-encoding") this.#transferEncoding = true;
        return false;
      default:
        return false;
    }
  }

  /** Drops what is buffered (the head of a failed handler, about to be replaced by an error reply). */
  discard(): void {
    this.#text = "";
    this.#status = 0;
  }

  /**
   * Ends the block: decides the framing (see response-framing.ts), adds the
   * engine's header lines and the blank line. `closing`: the connection
   * closes after this response.
   */
  end(method: string | null, requestVersion: number, protocolVersion: number, closing: boolean): ResponseFraming {
    const f = this.#facts;
    f.method = method;
    f.requestVersion = requestVersion;
    f.protocolVersion = protocolVersion;
    f.status = this.#status;
    f.contentLength = this.#contentLength;
    f.transferEncoding = this.#transferEncoding;
    f.connectionHeader = this.#connectionHeader;
    f.closing = closing;
    const framing = decideResponseFraming(f);
    this.#text += framing.headers + "\r\n";
    return framing;
  }

  /** Takes the buffered text for the writer. */
  take(): string {
    const text = this.#text;
    this.#text = "";
    if (this.#status >= 200) this.#sent = true;
    return text;
  }
}
