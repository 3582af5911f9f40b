import type { Socket } from "node:net";
import { ConnectionTimeoutError } from "./errors.js";

const EMPTY = Buffer.alloc(0);

/** Where a socket keeps its reader (one per socket: the connection's), for the shared listeners below. */
const READER: unique symbol = Symbol("SocketReader");
type ReaderSocket = Socket & { [READER]: SocketReader };
function onData(this: Socket, chunk: Buffer): void {
  (this as ReaderSocket)[READER].onData(chunk);
}
function onEnd(this: Socket): void {
  (this as ReaderSocket)[READER].onEnd();
}
function onTimeout(this: Socket): void {
  (this as ReaderSocket)[READER].onTimeout();
}

/**
 * The bytes a connection has received and nobody has consumed yet, with
 * back-pressure: once `highWaterMark` bytes wait unread, the socket is paused
 * until a reader asks for more, so a client that sends faster than the
 * handler reads never makes the server buffer without bound.
 */
export class SocketReader {
  readonly #socket: Socket;
  readonly #highWaterMark: number;
  #buf: Buffer = EMPTY;
  #pos = 0;
  #ended = false;
  #paused = false;
  /** The socket timeout this reader set last (-1 once it fired). */
  #timeoutMs = 0;
  /** When bytes last arrived (Date.now()); Node restarted the socket's timer then. */
  #dataAt = 0;
  #waiter: { resolve: () => void; reject: (e: Error) => void } | null = null;

  constructor(socket: Socket, highWaterMark = 64 * 1024) {
    this.#socket = socket;
    this.#highWaterMark = highWaterMark;
    // The listeners are shared functions that find the reader on the socket (Node calls
    // them with the socket as `this`): no closures per connection.
    (socket as ReaderSocket)[READER] = this;
    socket.on("data", onData);
    // A socket left paused by what read before HTTP (a PROXY protocol header) flows again now.
    if (socket.isPaused()) socket.resume();
    socket.on("end", onEnd);
    socket.on("close", onEnd);
    socket.on("timeout", onTimeout);
  }

  /** The socket's timer has fired and stays off until reset: the next wait must set it again. (Called by the socket's listener.) */
  onTimeout(): void {
    this.#timeoutMs = -1;
    const w = this.#waiter;
    if (w) {
      this.#waiter = null;
      w.reject(new ConnectionTimeoutError());
    }
  }

  /** Bytes arrived (called by the socket's listener). */
  onData(chunk: Buffer): void {
    // Once our side is shut down no request can be answered: what still arrives is dropped
    // (a lingering close reads and discards it) instead of filling the buffer.
    if (this.#socket.writableEnded) return;
    this.#dataAt = Date.now();
    if (this.#pos >= this.#buf.length) {
      this.#buf = chunk;
    } else {
      this.#buf = Buffer.concat([this.#buf.subarray(this.#pos), chunk]);
    }
    this.#pos = 0;
    if (this.#buf.length >= this.#highWaterMark && !this.#paused) {
      this.#paused = true;
      this.#socket.pause();
    }
    this.#wake();
  }

  /** The peer ended or the socket closed (called by the socket's listeners). */
  onEnd(): void {
    this.#ended = true;
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiter;
    if (w) {
      this.#waiter = null;
      w.resolve();
    }
  }

  /** Bytes received and not yet consumed. */
  get available(): number {
    return this.#buf.length - this.#pos;
  }

  /** The peer has finished sending (or the connection is gone): no more bytes will arrive. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The unconsumed bytes are `buffer[start..buffer.length)`; valid until the next `consume` or wait. */
  get buffer(): Buffer {
    return this.#buf;
  }

  /** Offset of the first unconsumed byte in `buffer`. */
  get start(): number {
    return this.#pos;
  }

  /** Marks `n` bytes as consumed. */
  consume(n: number): void {
    this.#pos += n;
    if (this.#pos >= this.#buf.length) {
      this.#buf = EMPTY;
      this.#pos = 0;
    }
  }

  /** Takes up to `n` unconsumed bytes (a view, no copy). */
  take(n: number): Buffer {
    const end = Math.min(this.#pos + n, this.#buf.length);
    const out = this.#buf.subarray(this.#pos, end);
    this.consume(end - this.#pos);
    return out;
  }

  /**
   * Waits until more bytes arrive or the peer ends. Rejects with
   * ConnectionTimeoutError when `timeoutMs` passes without a byte.
   */
  waitForData(timeoutMs: number | null): Promise<void> {
    if (this.#ended) return Promise.resolve();
    if (this.#paused) {
      this.#paused = false;
      this.#socket.resume();
    }
    // Re-arming the socket's timer costs a timer-list insertion. Node restarts it on
    // every read and write, so a wait that begins as the last bytes arrive (the next
    // request of a keep-alive connection, a body read at once) already has its full
    // time; any other wait (after a handler worked for a while, a changed value, a
    // timer that fired) arms it afresh, so every wait gets all of `timeoutMs`.
    const t = timeoutMs !== null && timeoutMs > 0 ? timeoutMs : 0;
    if (t !== this.#timeoutMs || t !== this.#socket.timeout || Date.now() - this.#dataAt > 1) {
      this.#timeoutMs = t;
      this.#socket.setTimeout(t);
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }
}
