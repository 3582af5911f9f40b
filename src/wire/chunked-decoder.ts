import { HttpParseError } from "./parse-error.js";

const enum State {
  Size,
  Data,
  DataCr,
  DataLf,
  Trailer,
  Done,
}

/** Limits on the parts of a chunked body that are not data. */
export interface ChunkedLimits {
  /** Longest chunk-size line (with extensions) or trailer line, in bytes. */
  readonly maxLineLength: number;
  /** Most trailer fields. */
  readonly maxTrailers: number;
}

const DEFAULTS: ChunkedLimits = { maxLineLength: 4096, maxTrailers: 100 };

function chunkError(message: string): HttpParseError {
  return new HttpParseError("ERR_CHUNK", 400, `Bad chunked encoding: ${message}`);
}

/**
 * An incremental decoder for the chunked transfer coding (RFC 9112 section 7.1).
 * Strict: hexadecimal sizes only (no sign, prefix or spaces), CRLF after every
 * line and every chunk, bounded extension and trailer lines. Trailers are read
 * and dropped. Input can be split at any byte.
 */
export class ChunkedDecoder {
  readonly #limits: ChunkedLimits;
  #state = State.Size;
  #line = "";
  #remaining = 0;
  #trailers = 0;

  constructor(limits: ChunkedLimits = DEFAULTS) {
    this.#limits = limits;
  }

  /** True once the last chunk and the trailer section have been read. */
  get done(): boolean {
    return this.#state === State.Done;
  }

  /**
   * Decodes from `buf[start..end)`, appending data slices (views, not copies)
   * to `out`. Returns the number of bytes consumed; stops right after the end
   * of the body, leaving later bytes (a pipelined request) untouched.
   */
  decode(buf: Buffer, start: number, end: number, out: Buffer[]): number {
    let pos = start;
    while (pos < end && this.#state !== State.Done) {
      switch (this.#state) {
        case State.Size:
        case State.Trailer: {
          const nl = buf.indexOf(0x0a, pos);
          const stop = nl >= 0 && nl < end ? nl : end;
          this.#line += buf.toString("latin1", pos, stop);
          if (this.#line.length > this.#limits.maxLineLength) throw chunkError("line too long");
          if (stop === end) return end - start;
          pos = stop + 1;
          const line = this.#line;
          this.#line = "";
          if (!line.endsWith("\r")) throw chunkError("line not terminated by CRLF");
          this.#takeLine(line.slice(0, -1));
          break;
        }
        case State.Data: {
          const n = Math.min(this.#remaining, end - pos);
          out.push(buf.subarray(pos, pos + n));
          pos += n;
          this.#remaining -= n;
          if (this.#remaining === 0) this.#state = State.DataCr;
          break;
        }
        case State.DataCr:
          if (buf[pos++] !== 0x0d) throw chunkError("chunk data not followed by CRLF");
          this.#state = State.DataLf;
          break;
        case State.DataLf:
          if (buf[pos++] !== 0x0a) throw chunkError("chunk data not followed by CRLF");
          this.#state = State.Size;
          break;
      }
    }
    return pos - start;
  }

  #takeLine(line: string): void {
    if (this.#state === State.Trailer) {
      if (line === "") {
        this.#state = State.Done;
        return;
      }
      if (++this.#trailers > this.#limits.maxTrailers) throw chunkError("too many trailer fields");
      if (line.indexOf(":") <= 0 || /^[ \t]/.test(line)) throw chunkError("bad trailer field");
      return;
    }
    const semi = line.indexOf(";");
    const hex = semi >= 0 ? line.slice(0, semi).replace(/[ \t]+$/, "") : line;
    // At most 13 significant hex digits (2^52: exact in a double); leading zeros do not count
    // (`0000000000000005` is 5), though the line length limit still bounds them.
    if (!/^0*[0-9A-Fa-f]{1,13}$/.test(hex)) throw chunkError(`bad chunk size (${JSON.stringify(hex)})`);
    if (semi >= 0 && /[\x00-\x08\x0a-\x1f\x7f]/.test(line.slice(semi))) throw chunkError("bad chunk extension");
    const size = parseInt(hex, 16);
    if (size === 0) {
      this.#state = State.Trailer;
    } else {
      this.#remaining = size;
      this.#state = State.Data;
    }
  }
}
