const EMPTY = Buffer.alloc(0);

/**
 * Cuts a byte stream (a script's stderr) into lines for the log: LF ends a
 * line, a CR before it is dropped, and a line longer than `maxLine` bytes is
 * cut so a script that never writes a newline cannot make the server buffer
 * without bound. Lines are decoded as UTF-8 (invalid bytes become U+FFFD; the
 * log escapes control characters itself).
 */
export class LineSplitter {
  readonly #maxLine: number;
  #partial: Buffer = EMPTY;

  constructor(maxLine = 8192) {
    this.#maxLine = maxLine;
  }

  /** The complete lines in `chunk` (with what was left over before). */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let buf = this.#partial.length > 0 ? Buffer.concat([this.#partial, chunk]) : chunk;
    for (;;) {
      const nl = buf.indexOf(0x0a);
      if (nl < 0 || nl > this.#maxLine) {
        if (buf.length <= this.#maxLine) break;
        lines.push(buf.toString("utf8", 0, this.#maxLine));
        buf = buf.subarray(this.#maxLine);
        continue;
      }
      lines.push(buf.toString("utf8", 0, nl > 0 && buf[nl - 1] === 0x0d ? nl - 1 : nl));
      buf = buf.subarray(nl + 1);
    }
    // Copy the remainder: a view would pin the whole chunk in memory.
    this.#partial = buf.length > 0 ? Buffer.from(buf) : EMPTY;
    return lines;
  }

  /** The last line when the stream ended without a newline, or null. */
  end(): string | null {
    if (this.#partial.length === 0) return null;
    const line = this.#partial.toString("utf8");
    this.#partial = EMPTY;
    return line;
  }
}
