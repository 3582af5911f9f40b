import type { Socket } from "node:net";
import type { BodyMode } from "../wire/response-framing.js";
import { ConnectionClosedError, ConnectionTimeoutError } from "./errors.js";

/**
 * The promise every write, flush and `endHeaders()` returns when there is
 * nothing to wait for: one shared, already resolved object, so the hot path
 * allocates none, and a caller that compares with it (`p === SETTLED`) can
 * skip the await and its microtask. The writer, the engine and the
 * handlers' synchronous hooks (`setup()`, `endHeaders()`...) return it.
 */
export const SETTLED: Promise<void> = Promise.resolve();
/** Queued bytes past which the queue goes to the socket without waiting for `flush()`. */
const FLUSH_AT = 64 * 1024;
/** Queued output up to this size is copied into one buffer for one write; larger goes out as a writev. */
const COALESCE_AT = 16 * 1024;
const CRLF = Buffer.from("\r\n");
const LAST_CHUNK = Buffer.from("0\r\n\r\n");
const ignore = (): void => {};

/**
 * Writers with output queued this turn. One `setImmediate` per event-loop turn
 * serves all of them, instead of one timer object and closure per response
 * (most responses are flushed at once by the handler anyway).
 */
let toFlush: ResponseWriter[] = [];
/** The writers' method `flushAll` calls: module-private, not part of wfile's API. */
const RUN_SCHEDULED_FLUSH: unique symbol = Symbol("runScheduledFlush");

function flushAll(): void {
  const writers = toFlush;
  toFlush = [];
  for (const w of writers) w[RUN_SCHEDULED_FLUSH]();
}

/**
 * Marks a promise the engine returns as handled (a no-op reaction is attached)
 * and returns it as it is: awaiting it still rejects, forgetting to await it
 * never raises an unhandled rejection.
 */
function handled(p: Promise<void>): Promise<void> {
  p.catch(ignore);
  return p;
}

/**
 * Whether a write leaves nothing to wait for: `write()` said so, or it said
 * wait (the chunk was over the high-water mark) but the kernel took every
 * byte at once, as it does for a 100 KiB response to a client that keeps up.
 * Waiting for the 'drain' Node still emits then cost a promise, three
 * listeners added and removed, and a turn, per response.
 */
function tookAll(s: Socket, ok: boolean): boolean {
  return ok || s.writableLength === 0;
}

function scheduleFlush(w: ResponseWriter): void {
  if (toFlush.push(w) === 1) setImmediate(flushAll);
}

/**
 * `wfile`: the output of one connection. Writes are queued synchronously (so
 * their order is kept even when a caller forgets to await) and coalesced into
 * one system call per response where possible; the returned promise settles
 * once the socket can take more, so a slow client pushes back on the handler
 * instead of making the server hold a large body in memory.
 *
 * Errors: once the client has gone (or a write timed out), a write or flush
 * rejects with ConnectionClosedError (ConnectionTimeoutError). The rejection
 * reaches a caller that awaits; one that forgot to await (a Python habit:
 * `this.wfile.write(...)` in a loop) loses nothing but the error, which is
 * never an unhandled rejection that would end the process: every later
 * awaited write, flush or `endHeaders()` rejects the same way, so the next
 * awaited call reports it.
 */
export class ResponseWriter {
  readonly #socket: Socket;
  /** Queued output; strings are header blocks, sent as latin-1. */
  #pending: (Buffer | string)[] = [];
  #pendingBytes = 0;
  #flushScheduled = false;
  #mode: BodyMode = "raw";
  #remaining = 0;
  #overflow = false;
  /** Body bytes written past the Content-Length of this response (dropped). */
  #excess = 0;
  #bodyBytes = 0;
  #wireBytes = 0;
  /** Milliseconds a write may wait for the client to read, or null for no limit. */
  timeoutMs: number | null = null;

  constructor(socket: Socket) {
    this.#socket = socket;
  }

  /** Bytes handed to the socket for this connection so far (headers and bodies). */
  get bytesSent(): number {
    return this.#wireBytes;
  }

  /** Bytes not yet taken by the operating system (queued here or in the socket). */
  get queuedBytes(): number {
    return this.#pendingBytes + this.#socket.writableLength;
  }

  /** Body bytes written for the current response (before framing). */
  get bodyBytes(): number {
    return this.#bodyBytes;
  }

  /** The framing of the current response body. */
  get mode(): BodyMode {
    return this.#mode;
  }

  /** Starts a new response on this connection. */
  reset(): void {
    this.#mode = "raw";
    this.#remaining = 0;
    this.#overflow = false;
    this.#excess = 0;
    this.#bodyBytes = 0;
  }

  /**
   * Writes a header block and sets how the body that follows is framed. A
   * string is sent as latin-1 (one byte per character), encoded straight into
   * the buffer that goes to the socket.
   */
  writeHead(head: Buffer | string, mode: BodyMode, contentLength = 0): Promise<void> {
    this.#mode = mode;
    this.#remaining = contentLength;
    return this.#send(head);
  }

  /**
   * Writes body bytes (a string is encoded as UTF-8). Resolves when the
   * socket is ready for more; rejects with ConnectionClosedError once the
   * client has gone.
   */
  write(data: Uint8Array | string): Promise<void> {
    const buf = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (buf.length === 0) return SETTLED;
    switch (this.#mode) {
      case "none":
        return SETTLED;
      case "length": {
        if (buf.length > this.#remaining) {
          this.#overflow = true;
          this.#excess += buf.length - this.#remaining;
          if (this.#remaining === 0) return SETTLED;
          const part = buf.subarray(0, this.#remaining);
          this.#remaining = 0;
          this.#bodyBytes += part.length;
          return this.#send(part);
        }
        this.#remaining -= buf.length;
        this.#bodyBytes += buf.length;
        return this.#send(buf);
      }
      case "chunked":
        this.#bodyBytes += buf.length;
        // Only the last promise is returned: the others must not reject unhandled when the client is gone.
        this.#send(Buffer.from(buf.length.toString(16) + "\r\n", "latin1")).catch(ignore);
        this.#send(buf).catch(ignore);
        return this.#send(CRLF);
      default:
        this.#bodyBytes += buf.length;
        return this.#send(buf);
    }
  }

  /** Body bytes of this response written past its Content-Length and dropped (0 for a body that fits). */
  get excessBytes(): number {
    return this.#excess;
  }

  /**
   * Ends the current response: the last chunk for a chunked body. Returns
   * true when the body matched its framing, so the connection can carry
   * another request.
   */
  endResponse(): boolean {
    switch (this.#mode) {
      case "chunked":
        // A client that already left cannot get the last chunk; that must not become an unhandled rejection.
        this.#send(LAST_CHUNK).catch(ignore);
        return true;
      case "length":
        return this.#remaining === 0 && !this.#overflow;
      case "none":
      case "passthrough":
        return true;
      default:
        return false;
    }
  }

  /**
   * Sends what is queued now (Python's `wfile.flush()`); resolves once the
   * socket can take more.
   */
  flush(): Promise<void> {
    if (this.#pending.length === 0) return SETTLED;
    return this.#flushNow() ? SETTLED : this.#drain();
  }

  #send(buf: Buffer | string): Promise<void> {
    const s = this.#socket;
    if (s.destroyed || !s.writable) return handled(Promise.reject(new ConnectionClosedError()));
    this.#wireBytes += buf.length;
    this.#pending.push(buf);
    this.#pendingBytes += buf.length;
    // A small write is only queued, but while the socket is still over its
    // high-water mark the caller must wait all the same (a chunked write ends
    // with a 2-byte CRLF after its data: returning SETTLED there lost all back-pressure).
    if (this.#pendingBytes < FLUSH_AT) {
      this.#scheduleFlush();
      return s.writableNeedDrain && s.writableLength > 0 ? this.#drain() : SETTLED;
    }
    return this.#flushNow() ? SETTLED : this.#drain();
  }

  /**
   * Sends the queue once the handler yields to the event loop, as CPython's
   * unbuffered wfile would have: writes of one tick (status line, headers,
   * body) still go out together, but a handler that streams small writes
   * between waits (timers, I/O) is not held back until it returns.
   */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    scheduleFlush(this);
  }

  /** Called once per event-loop turn for a writer that queued output (see `scheduleFlush`). */
  [RUN_SCHEDULED_FLUSH](): void {
    this.#flushScheduled = false;
    if (this.#pending.length > 0) this.#flushNow();
  }

  /**
   * Hands the queue to the socket: a small response (status line, headers
   * and body) as one buffer in one write, a large one as a writev without
   * copying. Returns false when the socket asks the writer to wait.
   */
  #flushNow(): boolean {
    const s = this.#socket;
    const pending = this.#pending;
    const bytes = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    if (s.destroyed || !s.writable) return true;
    if (pending.length === 1) {
      const only = pending[0] as Buffer | string;
      return tookAll(s, typeof only === "string" ? s.write(only, "latin1") : s.write(only));
    }
    if (bytes <= COALESCE_AT) {
      // One buffer, one system call: head encoded in place, body copied after it.
      const out = Buffer.allocUnsafe(bytes);
      let at = 0;
      for (const b of pending) {
        if (typeof b === "string") at += out.write(b, at, "latin1");
        else {
          out.set(b, at);
          at += b.length;
        }
      }
      return tookAll(s, s.write(out));
    }
    // Larger: one writev of the pieces as they are (copying a cached 50 KiB
    // listing behind its head cost more than the system call it saves).
    s.cork();
    let ok = true;
    for (const b of pending) ok = s.write(typeof b === "string" ? Buffer.from(b, "latin1") : b);
    s.uncork();
    return tookAll(s, ok);
  }

  #drain(): Promise<void> {
    const s = this.#socket;
    const drained = new Promise<void>((resolve, reject) => {
      const done = (err?: Error): void => {
        s.off("drain", onDrain);
        s.off("close", onClose);
        s.off("timeout", onTimeout);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = (): void => done();
      const onClose = (): void => done(new ConnectionClosedError());
      const onTimeout = (): void => {
        done(new ConnectionTimeoutError("timed out writing to the client"));
        s.destroy();
      };
      s.on("drain", onDrain);
      s.on("close", onClose);
      if (this.timeoutMs !== null && this.timeoutMs > 0) {
        s.setTimeout(this.timeoutMs);
        s.on("timeout", onTimeout);
      }
    });
    return handled(drained);
  }
}
