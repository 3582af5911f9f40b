import { createReadStream } from "node:fs";
import { pipeline, Readable } from "node:stream";
import { constants, createBrotliCompress, createGzip } from "node:zlib";
import type { BodySource } from "./body-source.js";
import { BROTLI_QUALITY, GZIP_LEVEL } from "./encoded-cache.js";

/**
 * A body of unknown length pulled from a Readable, as `copyfile()` asks for it:
 * one chunk per `read()`, so the socket's back-pressure reaches the stream
 * (nothing is read ahead beyond the stream's own buffer).
 */
export class StreamSource implements BodySource {
  readonly size = null;
  readonly #stream: Readable;
  readonly #chunks: AsyncIterator<Buffer>;
  #closed = false;

  constructor(stream: Readable) {
    this.#stream = stream;
    this.#chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  async read(): Promise<Buffer> {
    if (this.#closed) return Buffer.alloc(0);
    const next = await this.#chunks.next();
    return next.done === true ? Buffer.alloc(0) : next.value;
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#stream.destroy();
    }
    return Promise.resolve();
  }
}

/**
 * The first `size` bytes of the file at `path`, compressed with `coding`
 * (`br` or `gzip`) as they are read: for files too large to compress whole
 * into memory. A read error ends the body with that error.
 */
export function compressedFile(path: string | Buffer, size: number, coding: string): StreamSource {
  // `end` is inclusive: an empty file (or size 0) reads nothing, not its first byte.
  const input = size > 0 ? createReadStream(path, { start: 0, end: size - 1, highWaterMark: 64 * 1024 }) : Readable.from([]);
  const z =
    coding === "br"
      ? createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: size } })
      : createGzip({ level: GZIP_LEVEL });
  // Errors reach the reader through the compressor (pipeline destroys it with them).
  pipeline(input, z, () => {});
  return new StreamSource(z);
}
