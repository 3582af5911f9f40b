import type { BodyFraming } from "../wire/body-framing.js";
import { ChunkedDecoder } from "../wire/chunked-decoder.js";
import { BodyTooLargeError, ConnectionClosedError } from "./errors.js";
import type { SocketReader } from "./socket-reader.js";

const EMPTY = Buffer.alloc(0);

/**
 * `rfile`: the body of the current request, already unframed. Reads stop at
 * the end of the body (Content-Length counted, chunked decoded), so a handler
 * can never read the next request's bytes, nor leave a half-read body behind
 * to be parsed as a request (the handler layer discards what it did not read).
 */
export class RequestBody implements AsyncIterable<Buffer> {
  readonly #reader: SocketReader;
  readonly #timeoutMs: () => number | null;
  #remaining: number;
  #decoder: ChunkedDecoder | null;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #received = 0;

  /** An empty body (no request yet, or a request without one). */
  static empty(reader: SocketReader): RequestBody {
    return new RequestBody(reader, { kind: "none" }, () => null);
  }

  constructor(reader: SocketReader, framing: BodyFraming, timeoutMs: () => number | null) {
    this.#reader = reader;
    this.#timeoutMs = timeoutMs;
    this.#remaining = framing.kind === "length" ? framing.length : 0;
    this.#decoder = framing.kind === "chunked" ? new ChunkedDecoder() : null;
  }

  /** The declared Content-Length still unread, or null for a chunked body. */
  get remaining(): number | null {
    return this.#decoder ? null : this.#remaining + this.#pendingBytes;
  }

  /** Body bytes taken off the wire so far (decoded). */
  get received(): number {
    return this.#received;
  }

  /** True when the whole body has been read. */
  get done(): boolean {
    return this.#pendingBytes === 0 && this.#wireDone();
  }

  #wireDone(): boolean {
    return this.#decoder ? this.#decoder.done : this.#remaining === 0;
  }

  /** Moves more body bytes from the socket into `#pending`; false at the end of the body. */
  async #fill(): Promise<boolean> {
    const reader = this.#reader;
    while (this.#pendingBytes === 0) {
      if (this.#wireDone()) return false;
      if (reader.available === 0) {
        if (reader.ended) throw new ConnectionClosedError("connection closed before the request body was complete");
        await reader.waitForData(this.#timeoutMs());
        continue;
      }
      if (this.#decoder) {
        const out: Buffer[] = [];
        const used = this.#decoder.decode(reader.buffer, reader.start, reader.buffer.length, out);
        reader.consume(used);
        for (const b of out) this.#push(b);
      } else {
        this.#push(reader.take(this.#remaining));
        this.#remaining -= this.#pendingBytes;
      }
    }
    return true;
  }

  #push(b: Buffer): void {
    if (b.length === 0) return;
    this.#pending.push(b);
    this.#pendingBytes += b.length;
    this.#received += b.length;
  }

  #shift(n: number): Buffer {
    const first = this.#pending[0] as Buffer;
    if (first.length <= n) {
      this.#pending.shift();
      this.#pendingBytes -= first.length;
      return first;
    }
    this.#pending[0] = first.subarray(n);
    this.#pendingBytes -= n;
    return first.subarray(0, n);
  }

  /** Up to `max` bytes, at least one unless the body is over (Python's `read1`). Empty at the end. */
  async read1(max = 64 * 1024): Promise<Buffer> {
    if (!(await this.#fill())) return EMPTY;
    return this.#shift(Math.max(1, max));
  }

  /** Exactly `n` bytes, fewer only at the end of the body; with no argument, the rest of the body. */
  async read(n = -1): Promise<Buffer> {
    const parts: Buffer[] = [];
    let got = 0;
    while (n < 0 || got < n) {
      const b = await this.read1(n < 0 ? 1 << 20 : n - got);
      if (b.length === 0) break;
      parts.push(b);
      got += b.length;
    }
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, got);
  }

  /** One line including its LF, at most `limit` bytes (Python's `readline(limit)`); empty at the end. */
  async readline(limit = -1): Promise<Buffer> {
    const parts: Buffer[] = [];
    let got = 0;
    while (limit < 0 || got < limit) {
      if (!(await this.#fill())) break;
      const first = this.#pending[0] as Buffer;
      const max = limit < 0 ? first.length : Math.min(first.length, limit - got);
      const nl = first.indexOf(0x0a);
      const n = nl >= 0 && nl < max ? nl + 1 : max;
      parts.push(this.#shift(n));
      got += n;
      if (nl >= 0 && nl < max) break;
    }
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, got);
  }

  /**
   * The whole body, honouring Content-Length or chunked, refusing with
   * BodyTooLargeError (status 413) past `limit` bytes (default 16 MiB).
   */
  async readAll(limit = 16 * 1024 * 1024): Promise<Buffer> {
    if (!this.#decoder && this.#remaining + this.#pendingBytes > limit) throw new BodyTooLargeError(limit);
    const parts: Buffer[] = [];
    let got = 0;
    for (;;) {
      const b = await this.read1(1 << 20);
      if (b.length === 0) break;
      got += b.length;
      if (got > limit) throw new BodyTooLargeError(limit);
      parts.push(b);
    }
    return Buffer.concat(parts, got);
  }

  /** The body as text (UTF-8 by default), within the same limit as `readAll`. */
  async text(limit?: number, encoding: BufferEncoding = "utf8"): Promise<string> {
    return (await this.readAll(limit)).toString(encoding);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    for (;;) {
      const b = await this.read1(1 << 20);
      if (b.length === 0) return;
      yield b;
    }
  }

  /**
   * Reads and drops what is left, up to `maxBytes`. True when the body is
   * now fully consumed (the connection can carry another request).
   */
  async discard(maxBytes: number): Promise<boolean> {
    if (!this.#decoder && this.#remaining > maxBytes) return false;
    let dropped = 0;
    while (!this.done) {
      const b = await this.read1(1 << 20);
      dropped += b.length;
      if (dropped > maxBytes) return false;
    }
    return true;
  }
}
