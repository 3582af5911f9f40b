import type { Socket } from "node:net";
import { errorHasBody, renderErrorPage } from "../python/error-page.js";
import { escapeLogMessage } from "../python/log-escape.js";
import { pyExceptionRepr, pyFormat, pyRepr, type PyFormatArg } from "../python/py-format.js";
import { HeaderMap } from "../wire/header-map.js";
import { currentHttpDate, formatHttpDate, formatLogDate } from "../wire/http-date.js";
import { expectsContinue } from "../wire/expect-continue.js";
import { versionNumber } from "../wire/http-version.js";
import { HttpParseError } from "../wire/parse-error.js";
import { connectionField, persists } from "../wire/persistence.js";
import type { RequestHead, RequestHeadParser } from "../wire/request-head-parser.js";
import { assertSendable } from "../wire/token.js";
import { ConnectionTimeoutError } from "../server/errors.js";
import { HttpConnection } from "../server/http-connection.js";
import type { RequestBody } from "../server/request-body.js";
import type { ClientAddress, RequestServer } from "../server/request-server.js";
import { SETTLED, type ResponseWriter } from "../server/response-writer.js";
import { DO_NAMES, HANDLER_DEFAULTS, type HandlerAttributes } from "./handler-attributes.js";

const ignore = (): void => {};

/**
 * CPython's `BaseHTTPRequestHandler` on our HTTP/1.1 engine: one instance per
 * connection; `handle()` reads requests and calls `do_<METHOD>()` for each.
 * Subclass it and add `async do_GET()` and friends; write the response with
 * `sendResponse()`, `sendHeader()`, `endHeaders()` and `wfile.write()`.
 *
 * A thin layer: reading heads, deadlines, response framing and whether the
 * connection persists are the engine's (`HttpConnection`); this class keeps
 * CPython's API and override points over it.
 *
 * Class attributes of CPython (`serverVersion`, `protocolVersion`, ...) live on
 * the prototype, so both `override protocolVersion = "HTTP/1.1"` in a
 * subclass and `Handler.prototype.protocolVersion = "HTTP/1.1"` work.
 */
// CPython's class attributes (handler-attributes.ts): part of the class's type, set on its prototype below.
export interface BaseHTTPRequestHandler extends HandlerAttributes {}

export class BaseHTTPRequestHandler {
  /** The connection (CPython's `request`). */
  readonly request: Socket;
  /** `[host, port]` of the client. */
  clientAddress: ClientAddress;
  /** `[host, port]` of the connection's peer (the proxy, behind one); `clientAddress` is the client's, seen through trusted proxies. */
  readonly peerAddress: ClientAddress;
  /**
   * The server that accepted the connection. A handler that uses its own
   * server class's members (Python's `self.server.db`) narrows the type:
   * `declare readonly server: MyServer;` (`declare`, so no field initializer
   * replaces the value the constructor set).
   */
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

  /** The engine under this handler: reader, writer, response head, persistence. */
  readonly #conn: HttpConnection;
  /** The head just read, or the parser's refusal of it, for `parseRequest()`; and that parser. */
  #read: RequestHead | HttpParseError | null = null;
  #parser: RequestHeadParser | null = null;

  constructor(request: Socket, clientAddress: ClientAddress, server: RequestServer) {
    this.request = request;
    this.clientAddress = this.peerAddress = clientAddress;
    this.server = server;
    this.requestVersion = this.defaultRequestVersion;
    this.#conn = new HttpConnection(request, this);
    this.wfile = this.#conn.wfile;
    this.rfile = this.#conn.emptyBody;
  }

  /** True while the connection waits for a request of which no byte has arrived (safe to close). */
  get idle(): boolean {
    return this.#conn.idle;
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

  /**
   * Reads, parses and answers one request: the head is read here against the
   * engine's deadlines (as CPython reads `raw_requestline` here), then
   * `parseRequest()`, `Expect: 100-continue`, and `do_<command>()` (501 when
   * there is none); a `do_` method that throws meets the engine's recovery policy.
   */
  async handleOneRequest(): Promise<void> {
    this.#resetRequest();
    const conn = this.#conn;
    const pause = conn.pipelinePause();
    if (pause !== null) await pause;
    const parser = conn.startRequest();
    let read: RequestHead | HttpParseError | null;
    try {
      // The engine steps the parser and keeps the deadlines; this loop (here, not in a
      // helper: one async call less per request) only awaits the socket.
      for (;;) {
        const step = conn.headStep(parser);
        if (typeof step !== "number") {
          read = step;
          break;
        }
        try {
          await conn.waitForHead(step);
        } catch (err) {
          read = conn.headWaitFailed(err);
          break;
        }
      }
    } catch (err) {
      // CPython: a read timed out, discard this connection (logged); a refused head goes to parseRequest().
      if (err instanceof ConnectionTimeoutError) return this.logError("Request timed out: %s", pyExceptionRepr("TimeoutError", err.message));
      if (!(err instanceof HttpParseError)) throw err;
      read = err;
    }
    if (read === null) return; // the client is done
    this.#read = read;
    this.#parser = parser;
    let parsed = this.parseRequest();
    if (parsed !== true && parsed !== false) parsed = await parsed;
    if (!parsed) return;
    if (expectsContinue(this.headers.get("Expect"), this.protocolVersion, this.requestVersion) && !(await this.handleExpect100())) {
      return this.#conn.endRequest();
    }
    const command = this.command ?? "";
    const method = (this as unknown as Record<string, unknown>)[DO_NAMES[command] ?? "do_" + command];
    if (typeof method !== "function") await this.sendError(501, `Unsupported method (${pyRepr(command)})`);
    else {
      try {
        await (method as () => unknown).call(this);
      } catch (err) {
        await this.#recover(err);
      }
    }
    // The engine completes the request and sets closeConnection: whether the connection carries another.
    const ended = this.#conn.endRequest();
    if (ended !== SETTLED) await ended;
  }

  /**
   * Takes in the request head just read (CPython's `parse_request`): sets
   * `requestline`, `command`, `path`, `requestVersion`, `headers`, `rfile`
   * and `closeConnection` (CPython's keep-alive rule), and returns true; for
   * a head the parser refused, sends the error (400, 408, 414, 431, 501, 505
   * with CPython's texts) and returns false. Synchronous unless it sends one.
   */
  parseRequest(): boolean | Promise<boolean> {
    const read = this.#read;
    this.#read = null;
    if (read === null) return false;
    if (read instanceof HttpParseError) return this.#refuse(read, this.#parser);
    this.requestline = read.requestline;
    this.#setRawRequestline(read.requestline + "\r\n");
    this.command = read.command;
    this.path = read.path;
    this.requestVersion = read.version;
    this.headers = this.MessageClass === HeaderMap ? read.headers : new this.MessageClass(read.headers);
    this.rfile = this.#conn.accept(read);
    // Behind a trusted proxy, the client is the one its Forwarded / X-Forwarded-For names (the server's hook).
    if (this.server.forwardedFor !== undefined) this.clientAddress = this.server.forwardedFor(this.peerAddress, this.headers) ?? this.peerAddress;
    this.closeConnection = !persists(versionNumber(read.version), versionNumber(this.protocolVersion), connectionField(this.headers), read.http09);
    return true;
  }

  /** A refused head: what was read of its request line (for the log line, and for HEAD), then the error. */
  async #refuse(err: HttpParseError, parser: RequestHeadParser | null): Promise<false> {
    const line = parser?.requestLine;
    this.requestline = parser?.requestline ?? "";
    this.#setRawRequestline(this.requestline);
    if (err.code === "ERR_URI_TOO_LONG") this.requestVersion = this.command = "";
    else if (line) [this.command, this.path, this.requestVersion] = [line.command, line.path, line.version];
    this.#conn.closeAfterResponse();
    await this.sendError(err.status, err.message, err.explain);
    await this.wfile.flush();
    this.closeConnection = true;
    return false;
  }

  /** Before a request line is parsed: CPython's attributes as they start. */
  #resetRequest(): void {
    this.closeConnection = true;
    this.command = null;
    this.requestline = "";
    this.path = "";
    this.requestVersion = this.defaultRequestVersion;
  }

  #setRawRequestline(text: string): void {
    this.#rawRequestlineText = text;
    this.#rawRequestline = null;
  }

  /** A `do_` method threw: the engine decides (see recovery.ts); this runs CPython's hooks for it. */
  async #recover(err: unknown): Promise<void> {
    const recovery = this.#conn.handlerFailed(err);
    if (recovery.timedOut) this.logError("Request timed out: %s", pyExceptionRepr("TimeoutError", (err as Error).message));
    if (recovery.report) this.server.handleError(this.request, this.clientAddress, err);
    if (recovery.reply > 0) await this.sendError(recovery.reply, recovery.message);
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
  sendError(code: number, message?: string, explain?: string): Promise<void> {
    const sent = this.#sendError(code, message, explain);
    // A handler that forgets to await sendError() to a client that left must not end the process.
    sent.catch(ignore);
    return sent;
  }

  async #sendError(code: number, message: string | undefined, explain: string | undefined): Promise<void> {
    const [shortmsg, longmsg] = this.responses[code] ?? ["???", "???"];
    const msg = message ?? shortmsg;
    this.logError("code %d, message %s", code, msg);
    this.sendResponse(code, msg);
    this.sendHeader("Connection", "close");
    this.sendErrorHeaders(code);
    let body: Buffer | null = null;
    if (errorHasBody(code)) {
      body = renderErrorPage(this.errorMessageFormat, code, msg, explain ?? longmsg);
      this.sendHeader("Content-Type", this.errorContentType);
      this.sendHeader("Content-Length", String(body.length));
    }
    await this.endHeaders();
    if (this.command !== "HEAD" && body) await this.wfile.write(body);
  }

  /** Adds headers of the handler's own to an error reply (a hook of `sendError`; none here). */
  sendErrorHeaders(_code: number): void {}

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
    assertSendable("reason phrase", msg);
    this.#conn.response.statusLine(this.protocolVersion, code, msg);
  }

  /**
   * Buffers one header; a `Connection` header updates `closeConnection`.
   * Refuses CR, LF and NUL (header injection) and non-latin-1 text with a TypeError.
   */
  sendHeader(keyword: string, value: string | number): void {
    const v = String(value);
    assertSendable("header name", keyword);
    assertSendable("header value", v);
    if (this.#conn.response.field(keyword, v)) {
      const lv = v.toLowerCase();
      if (lv === "close") this.closeConnection = true;
      else if (lv === "keep-alive") this.closeConnection = false;
    }
  }

  /** Adds the blank line ending the header block and writes it; the engine frames the body that follows. */
  endHeaders(): Promise<void> {
    // Not an async function: it returns the writer's promise (usually the shared
    // SETTLED), which saves a promise per response on the hot path.
    return this.#conn.endHeaders(this.command, this.requestVersion, this.protocolVersion);
  }

  /** Writes the buffered headers without ending the block. */
  flushHeaders(): Promise<void> {
    return this.#conn.writePendingHead();
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

  /** Now, for log lines: `23/Nov/2026 19:42:46` (local time, months from `monthname`). */
  logDateTimeString(): string {
    return formatLogDate(Date.now(), this.monthname === HANDLER_DEFAULTS.monthname ? undefined : this.monthname);
  }

  /** `https` over TLS, or when a trusted proxy says the client used it; else `http` (read on use: no cost per request). */
  get scheme(): "http" | "https" {
    return this.server.forwardedScheme?.(this.peerAddress, this.headers) ?? ("encrypted" in this.request ? "https" : "http");
  }

  /** The client's IP address (no name lookup). */
  addressString(): string {
    return this.clientAddress[0];
  }
}

Object.assign(BaseHTTPRequestHandler.prototype, HANDLER_DEFAULTS);
