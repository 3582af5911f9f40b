import { closeSync, openSync } from "node:fs";
import { readFullySync } from "./read-fully.js";
import type { BodySource, FileSource } from "./body-source.js";

/** A piece of a ranged body: bytes in memory (a multipart part head), or a byte range of the file (both ends inclusive). */
export type Segment = Buffer | { readonly start: number; readonly end: number };

/** Bytes read from disk per chunk. */
const CHUNK = 256 * 1024;

/**
 * The body of a 206 response read from an open file (a FileSource it takes
 * over and closes): its segments in order,
 * each range read from disk in chunks, so a range of a file of any size costs
 * bounded memory (RFC 9110 14.6, multipart/byteranges).
 */
export class RangeSource implements BodySource {
  readonly size: number;
  readonly #file: FileSource;
  readonly #segments: readonly Segment[];
  #index = 0;
  #pos = -1;

  /** Sends `segments` of the open `file`; they add up to `size` bytes. */
  constructor(file: FileSource, segments: readonly Segment[], size: number) {
    this.#file = file;
    this.#segments = segments;
    this.size = size;
  }

  /** Builds the body from bytes already in memory (the file cache): one buffer, one write. */
  static concat(data: Buffer, segments: readonly Segment[]): Buffer {
    return Buffer.concat(segments.map((s) => (Buffer.isBuffer(s) ? s : data.subarray(s.start, s.end + 1))));
  }

  async read(max: number): Promise<Buffer> {
    if (max <= 0) return Buffer.alloc(0);
    for (;;) {
      const seg = this.#segments[this.#index];
      if (seg === undefined) return Buffer.alloc(0);
      if (Buffer.isBuffer(seg)) {
        this.#index++;
        if (seg.length > 0) return seg;
        continue;
      }
      if (this.#pos < 0) this.#pos = seg.start;
      const want = Math.min(max, CHUNK, seg.end + 1 - this.#pos);
      if (want <= 0) {
        this.#index++;
        this.#pos = -1;
        continue;
      }
      const chunk = await this.#file.readAt(this.#pos, want);
      // A file cut short since its stat: end the body short (the engine closes the connection).
      if (chunk.length === 0) {
        this.#index = this.#segments.length;
        return Buffer.alloc(0);
      }
      this.#pos += chunk.length;
      return chunk;
    }
  }

  close(): Promise<void> {
    return this.#file.close();
  }
}

/** Ranges adding up to at most this many bytes are read with one synchronous open (see readRangesNow). */
export const SMALL_RANGES = 256 * 1024;

/**
 * The bytes of `ranges` of the file at `path`, read now with one open: a
 * range of a large file the cache does not hold (a video player seeking, a
 * download tool's pieces) costs three system calls instead of three trips
 * through libuv's thread pool, as statNow does for stat. Null when the file
 * cannot be opened or was cut short since its stat; throws when the process
 * is out of descriptors (EMFILE, ENFILE). `alloc` gives the buffers (the
 * handler's `takeBuffer` when it can give them back once sent).
 */
export function readRangesNow(
  path: string | Buffer,
  ranges: readonly { readonly start: number; readonly end: number }[],
  alloc: (size: number) => Buffer = Buffer.allocUnsafe,
): Buffer[] | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    // Out of descriptors is not "no such file": the caller answers 503 for it.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EMFILE" || code === "ENFILE") throw err;
    return null;
  }
  try {
    const out: Buffer[] = [];
    for (const r of ranges) {
      const buf = alloc(r.end - r.start + 1);
      if (!readFullySync(fd, buf, r.start)) return null;
      out.push(buf);
    }
    return out;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}
