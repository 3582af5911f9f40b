import type { Socket } from "node:net";
import { nextPipelineTurn } from "./pipeline-turns.js";
import { versionNumber } from "../wire/http-version.js";
import { HttpParseError } from "../wire/parse-error.js";
import { DEFAULT_HEAD_LIMITS, RequestHeadParser, type HeadLimits, type RequestHead } from "../wire/request-head-parser.js";
import { headBudget } from "./head-budget.js";
import { ConnectionTimeoutError } from "./errors.js";
import { recoveryFor, type Recovery } from "./recovery.js";
import { RequestBody } from "./request-body.js";
import { ResponseHead } from "../wire/response-head.js";
import { ResponseWriter, SETTLED } from "./response-writer.js";
import { SocketReader } from "./socket-reader.js";

/**
 * The handler as the engine sees it: CPython's settings, read each time one
 * is needed (a handler may change them between requests), and
 * `closeConnection`, the handler's wish on the way in and the engine's
 * verdict at the end of each request.
 */
export interface ConnectionPeer {
  /** True when the connection is to close after the current request. */
  closeConnection: boolean;
  /** Writes what is buffered of the response head (CPython's `flush_headers`; a subclass may override it). */
  flushHeaders(): Promise<void>;
  /** Seconds each read may wait (CPython's `timeout`); null: only the limits below. */
  readonly timeout: number | null;
  /** Seconds an idle connection waits for its next request; also the most time spent discarding an unread body. */
  readonly keepAliveTimeout: number;
  /** Seconds a client has to send a whole request head once it started (408 after). */
  readonly headersTimeout: number;
  /** Most unread body bytes discarded after a request to keep the connection. */
  readonly maxDiscardBytes: number;
  /** Most bytes of a request's header fields (431 beyond). */
  readonly maxHeaderBytes: number;
  /** Logs a server-side problem (CPython's `log_error`). */
  logError(format: string, ...args: number[]): void;
  /** The server: once it is closing (draining), responses announce `Connection: close`. */
  readonly server: { readonly closing: boolean };
}

/** Requests served back to back from buffered bytes before a connection lets the others have a turn. */
const PIPELINE_BURST = 16;

function headersTimeout(): HttpParseError {
  return new HttpParseError("ERR_HEADERS_TIMEOUT", 408, "Request Timeout", "Request head not received in time");
}

/**
 * One HTTP/1.1 connection, below the handler (CPython's `StreamRequestHandler`
 * layer, grown into an engine): it owns the socket's reader (`rfile`'s
 * source) and writer (`wfile`), reads request heads against their deadlines,
 * builds each response head and its framing, and decides at the end of every
 * request, in one place (`endRequest`), whether the connection can carry
 * another: it discards what the handler left of the body, and closes after a
 * refused, ambiguous or unframed exchange or a failed handler. It knows
 * nothing of files, processes or `do_` methods: the handler drives it.
 */
export class HttpConnection {
  readonly #reader: SocketReader;
  /** The response output (`wfile`). */
  readonly wfile: ResponseWriter;
  /** The head of the response being built. */
  readonly response = new ResponseHead();
  readonly #peer: ConnectionPeer;
  /** The body of every request without one (it holds no state): one object per connection, not per request. */
  readonly emptyBody: RequestBody;
  #body: RequestBody;
  #requests = 0;
  #idle = false;
  /** Some byte of the current request head has arrived. */
  #headStarted = false;
  /** When the current request head must be complete (0 until its first byte). */
  #headDeadline = 0;
  /** While discarding an unread body: when to give up and close (0 otherwise). */
  #discardDeadline = 0;
  /** Close after this response whatever the handler says: a refused or ambiguous request, HTTP/0.9, a replaced response. */
  #mustClose = false;
  /** The handler failed after its response began: close without completing the framing. */
  #aborted = false;
  /** Head limits with the handler's maxHeaderBytes, when not the default. */
  #limits: HeadLimits | null = null;
  /** Bytes of the head in progress the parser has taken. */
  #headConsumed = 0;
  /** What this connection's head in progress holds in the process's head budget. */
  #headHeld = 0;
  /** Requests begun since this connection last waited for the socket or yielded. */
  #burst = 0;

  constructor(socket: Socket, peer: ConnectionPeer) {
    this.#peer = peer;
    this.#reader = new SocketReader(socket);
    this.wfile = new ResponseWriter(socket);
    this.emptyBody = RequestBody.empty(this.#reader);
    this.#body = this.emptyBody;
  }

  /** True while waiting for a request of which no byte has arrived (safe to close). */
  get idle(): boolean {
    return this.#idle;
  }

  // ---- reading a request head ---------------------------------------------

  /** Starts the next request: fresh response state, and a parser for its head. */
  startRequest(): RequestHeadParser {
    this.#headStarted = false;
    this.#headConsumed = 0;
    this.#headDeadline = 0;
    this.#mustClose = false;
    this.#aborted = false;
    this.#body = this.emptyBody;
    this.response.reset(false);
    this.wfile.reset();
    const max = this.#peer.maxHeaderBytes;
    if (max === DEFAULT_HEAD_LIMITS.maxHeaderBytes) return new RequestHeadParser(DEFAULT_HEAD_LIMITS);
    if (this.#limits?.maxHeaderBytes !== max) this.#limits = { ...DEFAULT_HEAD_LIMITS, maxHeaderBytes: max };
    return new RequestHeadParser(this.#limits);
  }

  /**
   * Accounts what the head in progress holds (bytes taken by the parser and
   * bytes waiting in the reader) in the process's head budget; refuses the
   * head (503) when the budget is spent. A head read whole in one step costs nothing.
   */
  #holdHead(bytes: number): void {
    if (bytes === this.#headHeld) return;
    if (!headBudget.update(this.#headHeld, bytes)) {
      throw new HttpParseError("ERR_HEAD_BUDGET", 503, "Service Unavailable", "Too many request heads in progress; try again later");
    }
    this.#headHeld = bytes;
  }

  /** Gives back what the head held (complete, refused, or the connection gone). */
  #releaseHead(): void {
    if (this.#headHeld === 0) return;
    headBudget.update(this.#headHeld, 0);
    this.#headHeld = 0;
  }

  /**
   * One step of reading the request head, without waiting: the head when
   * complete, null when the client is done, else how many milliseconds to
   * wait (`waitForHead`) before the next step. Throws HttpParseError for a
   * head to refuse (408 past `headersTimeout`). Synchronous, so the handler's
   * loop awaits nothing but the socket (no promise per step).
   */
  headStep(parser: RequestHeadParser): RequestHead | null | number {
    this.#idle = false;
    const reader = this.#reader;
    let result;
    try {
      result = parser.execute(reader.buffer, reader.start, reader.buffer.length, reader.ended);
    } catch (err) {
      this.#releaseHead();
      throw err;
    }
    if (result.consumed > 0) this.#headStarted = true;
    reader.consume(result.consumed);
    if (result.state !== "incomplete") {
      this.#releaseHead();
      this.#headConsumed = 0;
      return result.state === "complete" ? result.head : null;
    }
    this.#headConsumed += result.consumed;
    if (this.#headConsumed + reader.available > 0) {
      try {
        this.#holdHead(this.#headConsumed + reader.available);
      } catch (err) {
        this.#releaseHead();
        throw err;
      }
    }
    if (!this.#headStarted && reader.available === 0) {
      // Idle, no byte of a request yet: CPython's `timeout` if set (logged as a
      // timeout on a first request, as CPython does), and in any case our
      // keep-alive limit, so a client that connects and never speaks (or a
      // browser's unused preconnect) cannot hold the connection, nor block a
      // one-at-a-time HTTPServer, forever. That limit closes quietly.
      const pyTimeout = this.#timeoutMs();
      const idleLimit = this.#peer.keepAliveTimeout * 1000;
      this.#idle = true;
      return pyTimeout === null ? idleLimit : Math.min(pyTimeout, idleLimit);
    }
    this.#headStarted = true;
    const now = Date.now();
    if (this.#headDeadline === 0) this.#headDeadline = now + this.#peer.headersTimeout * 1000;
    const left = this.#headDeadline - now;
    if (left <= 0) throw headersTimeout();
    const t = this.#timeoutMs();
    return t === null ? left : Math.min(t, left);
  }

  /** Waits up to `ms` for more bytes of the head (rejects with ConnectionTimeoutError: see `headWaitFailed`). */
  waitForHead(ms: number): Promise<void> {
    this.#burst = 0;
    return this.#reader.waitForData(ms);
  }

  /**
   * Null, or a pause to await before the next request when this connection
   * has served PIPELINE_BURST requests from bytes already buffered without
   * giving the event loop a turn: pipelined requests are answered through
   * promises that are already settled, so a client pipelining thousands would
   * otherwise keep every other connection (and accept) waiting until it is done;
   * the turns are shared by all such connections, a few per turn (`pipeline-turns.ts`).
   */
  pipelinePause(): Promise<void> | null {
    if (++this.#burst <= PIPELINE_BURST) return null;
    this.#burst = 0;
    return nextPipelineTurn();
  }

  /**
   * A wait for head bytes failed: null to close quietly (idle past the
   * keep-alive limit), else throws: HttpParseError 408 past `headersTimeout`,
   * ConnectionTimeoutError past CPython's `timeout`, or the error itself.
   */
  headWaitFailed(err: unknown): null {
    // Every way a head ends goes through here or headStep(): the budget is given back in both.
    this.#releaseHead();
    const idle = this.#idle;
    this.#idle = false;
    if (err instanceof ConnectionTimeoutError) {
      if (idle) {
        const pyTimeout = this.#timeoutMs();
        // No request yet, and nothing written (a subclass's setup() may greet the client).
        const first = this.#requests === 0 && this.wfile.bytesSent === 0;
        if (!(first && pyTimeout !== null && pyTimeout <= this.#peer.keepAliveTimeout * 1000)) return null;
      } else if (Date.now() >= this.#headDeadline - 1) {
        throw headersTimeout();
      }
    }
    throw err;
  }

  #timeoutMs(): number | null {
    const t = this.#peer.timeout;
    return t !== null && t > 0 ? t * 1000 : null;
  }

  /** Takes in a parsed head; returns its body (`rfile`), which stops at the end of the body. */
  accept(head: RequestHead): RequestBody {
    this.#requests++;
    this.#mustClose = head.mustClose || head.http09;
    if (head.http09) this.response.reset(true); // no head at all for HTTP/0.9; startRequest() reset the rest
    this.#body = head.framing.kind === "none" ? this.emptyBody : new RequestBody(this.#reader, head.framing, () => this.#bodyTimeoutMs());
    return this.#body;
  }

  /** A body read's timeout: `timeout`, and while discarding, no later than the discard deadline. */
  #bodyTimeoutMs(): number | null {
    const t = this.#timeoutMs();
    if (this.#discardDeadline === 0) return t;
    const left = Math.max(1, this.#discardDeadline - Date.now());
    return t === null ? left : Math.min(t, left);
  }

  /** The connection closes after this response whatever the handler says (a refused request). */
  closeAfterResponse(): void {
    this.#mustClose = true;
  }

  // ---- the response head ----------------------------------------------------

  /**
   * Ends the response head: decides the body's framing (response-framing.ts)
   * and hands the head to the writer. A body that can only end with the
   * connection (an HTTP/1.0 client, no length) closes it: `closeConnection`
   * says so from here on, as CPython's attribute would.
   */
  endHeaders(method: string | null, requestVersion: string, protocolVersion: string): Promise<void> {
    const head = this.response;
    if (head.omitted) return SETTLED;
    const peer = this.#peer;
    // A draining server answers what still arrives on kept-alive connections, and says it closes
    // them, so a load balancer sends the next request elsewhere instead of meeting a reset.
    if (peer.server.closing) peer.closeConnection = true;
    const closing = peer.closeConnection || this.#mustClose;
    const framing = head.end(method, versionNumber(requestVersion), versionNumber(protocolVersion), closing);
    if (framing.mode === "raw" && !closing) peer.closeConnection = true;
    return this.wfile.writeHead(head.take(), framing.mode, Math.max(0, head.contentLength));
  }

  /** Writes what is buffered of the head without ending it (the engine's part of CPython's `flush_headers`). */
  writePendingHead(): Promise<void> {
    const head = this.response;
    if (!head.pending) return SETTLED;
    return this.wfile.writeHead(head.take(), this.wfile.mode, Math.max(0, head.contentLength));
  }

  // ---- the end of a request -------------------------------------------------

  /**
   * The handler failed: what to do about it (recovery.ts). A response
   * that can be replaced is dropped for the error reply the handler is to
   * send; one that has begun is cut short. Either way the connection closes.
   */
  handlerFailed(error: unknown): Recovery {
    const recovery = recoveryFor(error, this.response.sent || this.wfile.bodyBytes > 0);
    if (recovery.reply > 0) {
      this.response.discard();
      this.#mustClose = true;
    } else this.#aborted = true;
    return recovery;
  }

  /**
   * Completes the request, and decides whether the connection carries
   * another, setting the handler's `closeConnection`: it closes when the
   * handler asks to, the request was refused or ambiguous, the body was not
   * framed or not complete, the handler failed mid-response, or the unread
   * request body could not be discarded (more than `maxDiscardBytes`, or
   * slower than `keepAliveTimeout`). Returns SETTLED, without an async call,
   * in the common case: the response went out and there is no body to discard.
   */
  endRequest(): Promise<void> {
    if (this.#aborted || this.response.pending) return this.#endRequestSlow();
    const peer = this.#peer;
    const complete = this.wfile.endResponse();
    if (!complete) this.#reportExcess();
    const close = !complete || peer.closeConnection || this.#mustClose;
    peer.closeConnection = close;
    const flushed = this.wfile.flush();
    if (flushed === SETTLED && (close || this.#body.done)) return SETTLED;
    return this.#finishBody(flushed);
  }

  async #endRequestSlow(): Promise<void> {
    const peer = this.#peer;
    if (this.#aborted) {
      // The response is incomplete: send what was written, but no last chunk, and close,
      // so the client can tell it was cut short.
      peer.closeConnection = true;
      await this.wfile.flush().catch(() => {});
      return;
    }
    await peer.flushHeaders();
    const complete = this.wfile.endResponse();
    if (!complete) this.#reportExcess();
    peer.closeConnection = !complete || peer.closeConnection || this.#mustClose;
    await this.#finishBody(this.wfile.flush());
  }

  /**
   * One log line for a body written past its own Content-Length (cut there, and
   * the connection closed): a length counted in characters rather than bytes
   * (`String(json.length)`) is an easy mistake that would otherwise go unseen.
   */
  #reportExcess(): void {
    const excess = this.wfile.excessBytes;
    if (excess > 0) this.#peer.logError("response body longer than its Content-Length: %d bytes past it were not sent", excess);
  }

  /** Waits for the response to be taken, then discards what the handler left of the request body. */
  async #finishBody(flushed: Promise<void>): Promise<void> {
    await flushed;
    const peer = this.#peer;
    if (peer.closeConnection || this.#body.done) return;
    try {
      // Bounded in bytes and in time: a client that stalls mid-body cannot hold the connection.
      this.#discardDeadline = Date.now() + peer.keepAliveTimeout * 1000;
      if (!(await this.#body.discard(peer.maxDiscardBytes))) peer.closeConnection = true;
    } catch {
      peer.closeConnection = true;
    } finally {
      this.#discardDeadline = 0;
    }
  }
}
