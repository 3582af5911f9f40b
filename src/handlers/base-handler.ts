import type { Socket } from "node:net";
import { escapeHtml } from "../wire/html-escape.js";
import { HeaderMap } from "../wire/header-map.js";
import { currentHttpDate, formatHttpDate, formatLogDate } from "../wire/http-date.js";
import { HttpParseError } from "../wire/parse-error.js";
import { pyFormat, pyRepr, type PyFormatArg } from "../wire/py-format.js";
import { DEFAULT_HEAD_LIMITS, RequestHeadParser, type RequestHead } from "../wire/request-head-parser.js";
import { RESPONSES } from "../wire/responses.js";
import { hasLineBreakOrNul } from "../wire/token.js";
import { BodyTooLargeError, ConnectionClosedError, ConnectionTimeoutError } from "../server/errors.js";
import { escapeLogMessage } from "../server/log-escape.js";
import { RequestBody } from "../server/request-body.js";
import { ResponseWriter, SETTLED, type BodyMode } from "../server/response-writer.js";
import { SocketReader } from "../server/socket-reader.js";
import type { ClientAddress, RequestServer } from "../server/request-server.js";

/** CPython's DEFAULT_ERROR_MESSAGE, with its `%(code)d`, `%(message)s`, `%(explain)s` placeholders. */
export const DEFAULT_ERROR_MESSAGE = `<!DOCTYPE HTML>
<html lang="en">
    <head>
        <meta charset="utf-8">
        <title>Error response</title>
    </head>
    <body>
        <h1>Error response</h1>
        <p>Error code: %(code)d</p>
        <p>Message: %(message)s.</p>
        <p>Error code explanation: %(code)s - %(explain)s.</p>
    </body>
</html>
`;

/** CPython's DEFAULT_ERROR_CONTENT_TYPE. */
export const DEFAULT_ERROR_CONTENT_TYPE = "text/html;charset=utf-8";

/** The package version of the base layer, as CPython's `http.server.__version__`. */
export const BASE_VERSION = "0.6";

const RESOLVED = SETTLED;

const UNSENDABLE = /[\r\n\0\u0100-\uffff]/;

function latin1Check(what: string, s: string): void {
  if (!UNSENDABLE.test(s)) return; // one regex scan: this runs for every header
  if (hasLineBreakOrNul(s)) throw new TypeError(`${what} must not contain CR, LF or NUL: ${JSON.stringify(s)}`);
  throw new TypeError(`${what} is not latin-1 encodable: ${JSON.stringify(s)}`);
}

function headersTimeout(): HttpParseError {
  return new HttpParseError("ERR_HEADERS_TIMEOUT", 408, "Request Timeout", "Request head not received in time");
}

function versionNumber(v: string): number {
  // Called several times per request; almost always one of these two.
  if (v === "HTTP/1.1") return 1001;
  if (v === "HTTP/1.0") return 1000;
  const m = /^HTTP\/(\d+)\.(\d+)$/.exec(v);
  return m ? Number(m[1]) * 1000 + Math.min(Number(m[2]), 999) : 0;
}

/** Error thrown inside a handler that the engine answers itself (parse, size or timeout errors). */
function statusOf(err: unknown): number | null {
  if (err instanceof HttpParseError) return err.status;
  if (err instanceof BodyTooLargeError) return 413;
  return null;
}

type DoMethod = () => unknown;

/** `do_` names of the usual methods, so dispatch does not build a string per request. */
const DO_NAMES: Readonly<Record<string, string>> = Object.assign(Object.create(null) as Record<string, string>, {
  GET: "do_GET",
  HEAD: "do_HEAD",
  POST: "do_POST",
  PUT: "do_PUT",
  DELETE: "do_DELETE",
  OPTIONS: "do_OPTIONS",
  PATCH: "do_PATCH",
});

/**
 * CPython's `BaseHTTPRequestHandler` on our HTTP/1.1 engine: one instance per
 * connection; `handle()` reads requests and calls `do_<METHOD>()` for each.
 * Subclass it and add `async do_GET()` and friends; write the response with
 * `sendResponse()`, `sendHeader()`, `endHeaders()` and `wfile.write()`.
 *
 * Class attributes of CPython (`serverVersion`, `protocolVersion`, ...) live on
 * the prototype, so both `override protocolVersion = "HTTP/1.1"` in a
 * subclass and `Handler.prototype.protocolVersion = "HTTP/1.1"` work.
 */
export class BaseHTTPRequestHandler {
  /** The connection (CPython's `request`). */
  readonly request: Socket;
  /** `[host, port]` of the client. */
  readonly clientAddress: ClientAddress;
  /** The server that accepted the connection. */
  readonly server: RequestServer;

  /** True when the connection closes after the current request. */
  closeConnection = true;
  /** The request line without its line ending; '' when none was read. */
  requestline = "";
  /** The raw request line bytes as read (CPython's `raw_requestline`). */
  get rawRequestline(): Buffer {
    // Made on first use: few handlers look at it, and a Buffer per request is not free.
    this.#rawRequestline ??= Buffer.from(this.#rawRequestlineText, "latin1");
    return this.#rawRequestline;
  }
  set rawRequestline(value: Buffer) {
    this.#rawRequestline = value;
  }
  #rawRequestline: Buffer | null = null;
  #rawRequestlineText = "";
  /** The method (`GET`); null before a request line was parsed, '' after an over-long one. */
  command: string | null = null;
  /** The request target (a leading `//` collapsed, absolute-form reduced to its path). */
  path = "";
  /** The request's protocol version, e.g. `HTTP/1.1`. */
  requestVersion: string;
  /** The request headers (an instance of `MessageClass`). */
  headers: HeaderMap = new HeaderMap();
  /** The request body; reads stop at its end. */
  rfile: RequestBody;
  /** The response output. */
  readonly wfile: ResponseWriter;

  /** `name[/version]` words naming the server software (CPython: `BaseHTTP/0.6`). */
  declare serverVersion: string;
  /** The runtime version (`Node/20.x.y`; CPython writes `Python/3.x`). */
  declare sysVersion: string;
  /** The error page template, `%(code)d`, `%(message)s` and `%(explain)s` filled in. */
  declare errorMessageFormat: string;
  /** Content-Type of error pages. */
  declare errorContentType: string;
  /** Protocol of responses; `HTTP/1.1` enables persistent connections. */
  declare protocolVersion: string;
  /** The version assumed until the request line is parsed. */
  declare defaultRequestVersion: string;
  /** Status code -> [reason phrase, explanation]. */
  declare responses: Readonly<Record<number, readonly [string, string]>>;
  /** The header map class instantiated for `headers`. */
  declare MessageClass: new (entries?: Iterable<readonly [string, string]>) => HeaderMap;
  /** Seconds each read or write may wait (CPython's `timeout`); null waits forever, bounded by the limits below. */
  declare timeout: number | null;
  /** Sets TCP_NODELAY on the connection (CPython's `disable_nagle_algorithm`). */
  declare disableNagleAlgorithm: boolean;
  /**
   * Seconds an idle persistent connection waits for its next request before
   * closing quietly; also the most time spent discarding a body the handler left unread.
   */
  declare keepAliveTimeout: number;
  /** Seconds a client has to send a whole request head once it started (answered with 408). */
  declare headersTimeout: number;
  /** Seconds a write may wait on a client that does not read, when `timeout` is null. */
  declare writeTimeout: number;
  /** Most unread body bytes discarded after a handler to keep the connection; past it the connection closes. */
  declare maxDiscardBytes: number;
  /** Day names for `dateTimeString` (CPython's `weekdayname`). */
  declare weekdayname: readonly string[];
  /** Month names, index 1 = Jan (CPython's `monthname`). */
  declare monthname: readonly (string | null)[];

  readonly #reader: SocketReader;
  /** The body of every request without one (it holds no state): one object per connection, not per request. */
  readonly #emptyBody: RequestBody;
  /** The header block being built (CPython's `_headers_buffer`), as latin-1 text. */
  #head = "";
  #status = 0;
  #declaredLength = -1;
  #declaredChunked = false;
  #sentConnection = false;
  /** The head of this request's final (non-1xx) response has gone to wfile. */
  #headSent = false;
  /** The handler failed after its response began: close without completing the framing. */
  #aborted = false;
  #http09 = false;
  #mustClose = false;
  #idle = false;
  /** Some byte of the current request head has arrived. */
  #headStarted = false;
  /** When the current request head must be complete (0 until its first byte). */
  #headDeadline = 0;
  /** While discarding an unread body: when to give up and close (0 otherwise). */
  #discardDeadline = 0;

  constructor(request: Socket, clientAddress: ClientAddress, server: RequestServer) {
    this.request = request;
    this.clientAddress = clientAddress;
    this.server = server;
    this.requestVersion = this.defaultRequestVersion;
    this.#reader = new SocketReader(request);
    this.wfile = new ResponseWriter(request);
    this.#emptyBody = RequestBody.empty(this.#reader);
    this.rfile = this.#emptyBody;
  }

  /** True while the connection waits for a request of which no byte has arrived (safe to close). */
  get idle(): boolean {
    return this.#idle;
  }

  /** Runs the connection: `setup()`, `handle()`, then `finish()` whatever happened. */
  async run(): Promise<void> {
    const ready = this.setup();
    if (ready !== SETTLED) await ready;
    try {
      await this.handle();
    } finally {
      const finished = this.finish();
      if (finished !== SETTLED) await finished;
    }
  }

  /** Prepares the connection (TCP_NODELAY, timeouts). */
  setup(): Promise<void> {
    // Not async (no promise per connection); an override may well be.
    if (this.disableNagleAlgorithm) this.request.setNoDelay(true);
    const t = this.timeout ?? this.writeTimeout;
    this.wfile.timeoutMs = t > 0 ? t * 1000 : null;
    return SETTLED;
  }

  /** Flushes the output; the server closes the connection afterwards. */
  finish(): Promise<void> {
    return this.wfile.flush();
  }

  /** Handles requests until the connection is to close. */
  async handle(): Promise<void> {
    this.closeConnection = true;
    await this.handleOneRequest();
    while (!this.closeConnection && !this.server.closing) await this.handleOneRequest();
  }

  #timeoutMs(): number | null {
    return this.timeout !== null && this.timeout > 0 ? this.timeout * 1000 : null;
  }

  /** A body read's timeout: `timeout`, and while discarding, no later than the discard deadline. */
  #bodyTimeoutMs(): number | null {
    const t = this.#timeoutMs();
    if (this.#discardDeadline === 0) return t;
    const left = Math.max(1, this.#discardDeadline - Date.now());
    return t === null ? left : Math.min(t, left);
  }

  /**
   * One step of reading the next request head, without waiting: the head when
   * complete, null when the client is done, else how many milliseconds to wait
   * for more bytes. A synchronous step (rather than an async reader) keeps the
   * per-request path to one awaited promise while waiting.
   */
  #headStep(parser: RequestHeadParser): RequestHead | null | number {
    const reader = this.#reader;
    const result = parser.execute(reader.buffer, reader.start, reader.buffer.length, reader.ended);
    if (result.consumed > 0) this.#headStarted = true;
    reader.consume(result.consumed);
    if (result.state === "complete") return result.head;
    if (result.state === "empty") return null;
    if (!this.#headStarted && reader.available === 0) {
      // Idle, no byte of a request yet: CPython's `timeout` if set (logged as a
      // timeout on a first request, as CPython does), and in any case our
      // keep-alive limit, so a client that connects and never speaks (or a
      // browser's unused preconnect) cannot hold the connection, nor block a
      // one-at-a-time HTTPServer, forever. That limit closes quietly.
      const pyTimeout = this.#timeoutMs();
      const idleLimit = this.keepAliveTimeout * 1000;
      this.#idle = true;
      return pyTimeout === null ? idleLimit : Math.min(pyTimeout, idleLimit);
    }
    this.#headStarted = true;
    const now = Date.now();
    if (this.#headDeadline === 0) this.#headDeadline = now + this.headersTimeout * 1000;
    const left = this.#headDeadline - now;
    if (left <= 0) throw headersTimeout();
    const t = this.#timeoutMs();
    return t === null ? left : Math.min(t, left);
  }

  /** A wait for head bytes failed: null to close quietly (idle past the keep-alive limit), else throws. */
  #headWaitFailed(err: unknown, first: boolean): null {
    const idle = this.#idle;
    this.#idle = false;
    if (err instanceof ConnectionTimeoutError) {
      if (idle) {
        const pyTimeout = this.#timeoutMs();
        if (!(first && pyTimeout !== null && pyTimeout <= this.keepAliveTimeout * 1000)) return null;
      } else if (Date.now() >= this.#headDeadline - 1) {
        throw headersTimeout();
      }
    }
    throw err;
  }

  #setRawRequestline(text: string): void {
    this.#rawRequestlineText = text;
    this.#rawRequestline = null;
  }

  #resetRequest(): void {
    this.command = null;
    this.requestline = "";
    this.path = "";
    this.requestVersion = this.defaultRequestVersion;
    this.#head = "";
    this.#status = 0;
    this.#declaredLength = -1;
    this.#declaredChunked = false;
    this.#sentConnection = false;
    this.#headSent = false;
    this.#aborted = false;
    this.#http09 = false;
    this.#mustClose = false;
    this.wfile.reset();
  }

  /**
   * Reads, parses and answers one request: CPython's rules for the request
   * line, 414 / 431 for over-long lines or too many headers, strict header
   * and body-framing checks (400, 501), then `do_<command>()`; 501 when the
   * handler has no such method.
   */
  async handleOneRequest(): Promise<void> {
    const first = this.command === null && this.requestline === "" && this.wfile.bytesSent === 0;
    this.#resetRequest();
    this.closeConnection = true;
    const parser = new RequestHeadParser(DEFAULT_HEAD_LIMITS);
    let head: RequestHead | null;
    this.#headStarted = false;
    this.#headDeadline = 0;
    try {
      for (;;) {
        const step = this.#headStep(parser);
        if (typeof step !== "number") {
          head = step;
          break;
        }
        try {
          await this.#reader.waitForData(step);
        } catch (err) {
          head = this.#headWaitFailed(err, first);
          break;
        }
        this.#idle = false;
      }
    } catch (err) {
      if (err instanceof HttpParseError) {
        this.requestline = parser.requestline;
        this.#setRawRequestline(parser.requestline);
        const line = parser.requestLine;
        if (err.code === "ERR_URI_TOO_LONG") {
          this.requestVersion = "";
          this.command = "";
        } else if (line) {
          this.command = line.command;
          this.path = line.path;
          this.requestVersion = line.version;
        }
        this.#mustClose = true;
        await this.sendError(err.status, err.message, err.explain);
        await this.wfile.flush();
        this.closeConnection = true;
        return;
      }
      if (err instanceof ConnectionTimeoutError) {
        this.logError("Request timed out: %r", `TimeoutError('${err.message}')`);
        this.closeConnection = true;
        return;
      }
      throw err;
    }
    if (head === null) {
      this.closeConnection = true;
      return;
    }
    this.#begin(head);

    const expect = (this.headers.get("Expect") ?? "").toLowerCase();
    if (expect === "100-continue" && versionNumber(this.protocolVersion) >= 1001 && versionNumber(this.requestVersion) >= 1001) {
      if (!(await this.handleExpect100())) {
        await this.#endRequest();
        return;
      }
    }

    const command = head.command;
    const method = (this as unknown as Record<string, unknown>)[DO_NAMES[command] ?? "do_" + command];
    if (typeof method !== "function") {
      await this.sendError(501, `Unsupported method (${pyRepr(command)})`);
      await this.#endRequest();
      return;
    }
    try {
      await (method as DoMethod).call(this);
    } catch (err) {
      await this.#handlerFailed(err);
    }
    const ended = this.#endRequest();
    if (ended !== SETTLED) await ended;
  }

  /** Takes in a parsed head: request attributes, rfile, and whether the connection persists. */
  #begin(head: RequestHead): void {
    this.requestline = head.requestline;
    this.#setRawRequestline(head.requestline + "\r\n");
    this.command = head.command;
    this.path = head.path;
    this.requestVersion = head.version;
    this.#http09 = head.http09;
    this.#mustClose = head.mustClose;
    this.headers = this.MessageClass === HeaderMap ? head.headers : new this.MessageClass(head.headers);
    this.rfile = head.framing.kind === "none" ? this.#emptyBody : new RequestBody(this.#reader, head.framing, () => this.#bodyTimeoutMs());

    // Persistence by CPython's rules: HTTP/1.1 on both ends, or an explicit keep-alive.
    const ours = versionNumber(this.protocolVersion);
    const theirs = head.http09 ? 9 : head.major * 1000 + Math.min(head.minor, 999);
    this.closeConnection = !(theirs >= 1001 && ours >= 1001);
    if (head.http09) this.closeConnection = true;
    const conntype = (this.headers.get("Connection") ?? "").toLowerCase();
    if (conntype === "close") this.closeConnection = true;
    else if (conntype === "keep-alive" && ours >= 1001) this.closeConnection = false;
  }

  async #handlerFailed(err: unknown): Promise<void> {
    // Whether the client has seen any of this request's final response; what is
    // merely buffered (sendResponse/sendHeader before endHeaders) can be replaced.
    const nothingSent = !this.#headSent && this.wfile.bodyBytes === 0;
    const replaceWithError = async (code: number, message?: string): Promise<void> => {
      this.#head = "";
      this.#status = 0;
      this.#mustClose = true;
      await this.sendError(code, message);
    };
    if (err instanceof ConnectionClosedError) {
      this.#aborted = true;
      return;
    }
    const status = statusOf(err);
    if (status !== null) {
      // The engine's own refusals (bad chunked body, body over the limit) are the client's fault.
      this.#mustClose = true;
      if (nothingSent) await replaceWithError(status, err instanceof Error ? err.message : undefined);
      else this.#aborted = true;
      return;
    }
    if (err instanceof ConnectionTimeoutError) {
      this.logError("Request timed out: %r", `TimeoutError('${err.message}')`);
      this.#aborted = true;
      return;
    }
    this.server.handleError(this.request, this.clientAddress, err);
    if (nothingSent) await replaceWithError(500);
    else this.#aborted = true;
  }

  /**
   * Completes the response framing and makes sure no unread body is left to be
   * read as a request. Returns SETTLED, without an async call, in the common
   * case: the response went to the socket and there is no body to discard.
   */
  #endRequest(): Promise<void> {
    if (this.#aborted || this.#head.length > 0) return this.#endRequestSlow();
    const reusable = this.wfile.endResponse();
    if (!reusable || this.#mustClose || this.#http09) this.closeConnection = true;
    const flushed = this.wfile.flush();
    if (flushed === SETTLED && (this.closeConnection || this.rfile.done)) return SETTLED;
    return this.#finishRequestBody(flushed);
  }

  async #endRequestSlow(): Promise<void> {
    if (this.#aborted) {
      // The response is incomplete: send what was written, but no last chunk, and close,
      // so the client can tell it was cut short.
      this.closeConnection = true;
      await this.wfile.flush().catch(() => {});
      return;
    }
    await this.flushHeaders();
    const reusable = this.wfile.endResponse();
    if (!reusable || this.#mustClose || this.#http09) this.closeConnection = true;
    await this.#finishRequestBody(this.wfile.flush());
  }

  /** Waits for the response to be taken, then discards what the handler left of the request body. */
  async #finishRequestBody(flushed: Promise<void>): Promise<void> {
    await flushed;
    if (!this.closeConnection && !this.rfile.done) {
      try {
        // Bounded in bytes and in time: a client that stalls mid-body cannot hold the connection.
        this.#discardDeadline = Date.now() + this.keepAliveTimeout * 1000;
        if (!(await this.rfile.discard(this.maxDiscardBytes))) this.closeConnection = true;
      } catch {
        this.closeConnection = true;
      } finally {
        this.#discardDeadline = 0;
      }
    }
  }

  /**
   * Answers `Expect: 100-continue` (HTTP/1.1 on both ends) with `100 Continue`.
   * Override to refuse: send an error (e.g. 417) and return false.
   */
  async handleExpect100(): Promise<boolean> {
    this.sendResponseOnly(100);
    await this.endHeaders();
    await this.wfile.flush();
    return true;
  }

  /**
   * Sends and logs a complete error reply: status line, `Server`, `Date`,
   * `Connection: close`, and an HTML page from `errorMessageFormat` (escaped)
   * except for HEAD, 1xx, 204, 205 and 304.
   */
  async sendError(code: number, message?: string, explain?: string): Promise<void> {
    const entry = this.responses[code];
    const [shortmsg, longmsg] = entry ?? ["???", "???"];
    const msg = message ?? shortmsg;
    const exp = explain ?? longmsg;
    this.logError("code %d, message %s", code, msg);
    this.sendResponse(code, msg);
    this.sendHeader("Connection", "close");
    let body: Buffer | null = null;
    if (code >= 200 && code !== 204 && code !== 205 && code !== 304) {
      const content = pyFormat(this.errorMessageFormat, { code, message: escapeHtml(msg, false), explain: escapeHtml(exp, false) });
      body = Buffer.from(content, "utf8");
      this.sendHeader("Content-Type", this.errorContentType);
      this.sendHeader("Content-Length", String(body.length));
    }
    await this.endHeaders();
    if (this.command !== "HEAD" && body) await this.wfile.write(body);
  }

  /** Logs the request and buffers the status line plus `Server` and `Date`. */
  sendResponse(code: number, message?: string): void {
    this.logRequest(code);
    this.sendResponseOnly(code, message);
    this.sendHeader("Server", this.versionString());
    this.sendHeader("Date", this.dateTimeString());
  }

  /** Buffers the status line only (used for `100 Continue`). */
  sendResponseOnly(code: number, message?: string): void {
    if (!Number.isInteger(code)) throw new TypeError(`status code must be an integer: ${String(code)}`);
    const msg = message ?? this.responses[code]?.[0] ?? "";
    latin1Check("reason phrase", msg);
    this.#status = code;
    if (code >= 200) {
      this.#declaredLength = -1;
      this.#declaredChunked = false;
      this.#sentConnection = false;
    }
    if (this.#omitHead()) return;
    this.#head += `${this.protocolVersion} ${code} ${msg}\r\n`;
  }

  /**
   * Buffers one header; a `Connection` header updates `closeConnection`.
   * Refuses CR, LF and NUL (header injection) and non-latin-1 text with a TypeError.
   */
  sendHeader(keyword: string, value: string | number): void {
    const v = String(value);
    latin1Check("header name", keyword);
    latin1Check("header value", v);
    const lower = keyword.toLowerCase();
    if (!this.#omitHead()) this.#head += `${keyword}: ${v}\r\n`;
    if (lower === "connection") {
      this.#sentConnection = true;
      const lv = v.toLowerCase();
      if (lv === "close") this.closeConnection = true;
      else if (lv === "keep-alive") this.closeConnection = false;
    } else if (lower === "content-length") {
      const n = /^\d+$/.test(v.trim()) ? Number(v.trim()) : -1;
      this.#declaredLength = n;
    } else if (lower === "transfer-encoding") {
      this.#declaredChunked = true;
    }
  }

  #omitHead(): boolean {
    return this.#http09 && this.requestVersion === "HTTP/0.9";
  }

  /** Adds the blank line ending the header block and writes it. */
  endHeaders(): Promise<void> {
    // Not an async function: it returns the writer's promise (usually one shared resolved
    // promise), which saves a promise per response on the hot path. Nothing here throws.
    if (this.#omitHead()) return RESOLVED;
    const mode = this.#decideBodyMode();
    this.#announceClose();
    this.#head += "\r\n";
    return this.#writeHead(mode);
  }

  /** Decides the framing of the body from what the handler declared; makes an unframed body safe. */
  #decideBodyMode(): BodyMode {
    const code = this.#status;
    if (code < 200) return "none";
    if (this.command === "HEAD" || code === 204 || code === 304) return "none";
    if (this.#declaredChunked) return "passthrough";
    if (this.#declaredLength >= 0) return "length";
    if (this.closeConnection || this.#mustClose) return "raw";
    // A persistent connection needs every body framed (RFC 9112 section 6.3).
    if (versionNumber(this.requestVersion) >= 1001 && versionNumber(this.protocolVersion) >= 1001) {
      this.#head += "Transfer-Encoding: chunked\r\n";
      return "chunked";
    }
    this.#head += "Connection: close\r\n";
    this.closeConnection = true;
    return "raw";
  }

  /**
   * RFC 9112 section 9.6: when a connection that would persist by its versions
   * (HTTP/1.1 on both ends) closes after this response, say so, unless the
   * handler sent its own Connection header.
   */
  #announceClose(): void {
    if (this.#status < 200 || this.#sentConnection || !(this.closeConnection || this.#mustClose)) return;
    if (versionNumber(this.requestVersion) >= 1001 && versionNumber(this.protocolVersion) >= 1001) {
      this.#head += "Connection: close\r\n";
    }
  }

  #writeHead(mode: BodyMode): Promise<void> {
    if (this.#status >= 200) this.#headSent = true;
    // Handed over as text: the writer encodes it straight into the buffer it sends.
    const head = this.#head;
    this.#head = "";
    return this.wfile.writeHead(head, mode, this.#declaredLength < 0 ? 0 : this.#declaredLength);
  }

  /** Writes the buffered headers without ending the block. */
  flushHeaders(): Promise<void> {
    if (this.#head.length === 0) return RESOLVED;
    return this.#writeHead(this.wfile.mode);
  }

  /** Logs an accepted request: `"GET / HTTP/1.1" 200 -`. */
  logRequest(code: number | string = "-", size: number | string = "-"): void {
    this.logMessage('"%s" %s %s', this.requestline, String(code), String(size));
  }

  /** Logs an error (through `logMessage`). */
  logError(format: string, ...args: PyFormatArg[]): void {
    this.logMessage(format, ...args);
  }

  /**
   * Logs a printf-style message to stderr, prefixed with the client address
   * and the local time; control characters are escaped as `\xHH`.
   */
  logMessage(format: string, ...args: PyFormatArg[]): void {
    const message = args.length > 0 ? pyFormat(format, args) : format.includes("%") ? pyFormat(format, []) : format;
    this.writeLog(`${this.addressString()} - - [${this.logDateTimeString()}] ${escapeLogMessage(message)}\n`);
  }

  /**
   * Where `logMessage` puts a finished line: stderr by default. The command
   * line batches the lines of one event-loop turn into one write.
   */
  writeLog(line: string): void {
    process.stderr.write(line);
  }

  /** `serverVersion + " " + sysVersion`. */
  versionString(): string {
    return this.serverVersion + " " + this.sysVersion;
  }

  /** An HTTP date for `timestamp` (seconds since the epoch, as in CPython), or now. */
  dateTimeString(timestamp?: number): string {
    return timestamp === undefined ? currentHttpDate() : formatHttpDate(timestamp * 1000);
  }

  /** Now, for log lines: `23/Nov/2026 19:42:46` (local time). */
  logDateTimeString(): string {
    return formatLogDate();
  }

  /** The client's IP address (no name lookup). */
  addressString(): string {
    return this.clientAddress[0];
  }
}

const proto = BaseHTTPRequestHandler.prototype;
proto.serverVersion = "BaseHTTP/" + BASE_VERSION;
proto.sysVersion = "Node/" + process.versions.node;
proto.errorMessageFormat = DEFAULT_ERROR_MESSAGE;
proto.errorContentType = DEFAULT_ERROR_CONTENT_TYPE;
proto.protocolVersion = "HTTP/1.0";
proto.defaultRequestVersion = "HTTP/0.9";
proto.responses = RESPONSES;
proto.MessageClass = HeaderMap;
proto.timeout = null;
proto.disableNagleAlgorithm = false;
proto.keepAliveTimeout = 15;
proto.headersTimeout = 30;
proto.writeTimeout = 60;
proto.maxDiscardBytes = 1024 * 1024;
proto.weekdayname = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
proto.monthname = [null, "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
