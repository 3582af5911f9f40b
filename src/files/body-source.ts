import { open, type FileHandle } from "node:fs/promises";
import { keepBuffer, takeBuffer } from "./spare-buffers.js";

/**
 * What `sendHead()` returns for the body (CPython returns a file object): a
 * source read in chunks by `copyfile()` and closed by the caller.
 */
export interface BodySource {
  /** Total bytes, when known. */
  readonly size: number | null;
  /** Up to `max` bytes; empty at the end. */
  read(max: number): Promise<Buffer>;
  /** Releases the source (idempotent). */
  close(): Promise<void>;
}

const EMPTY = Buffer.alloc(0);
/** What `BufferSource.close()` returns: one settled promise, which a caller may compare with to skip its await. */
export const CLOSED: Promise<void> = Promise.resolve();

/** A body held in memory (CPython's `io.BytesIO` in `list_directory`). */
export class BufferSource implements BodySource {
  #data: Buffer;
  #pos = 0;
  #onClose: ((data: Buffer) => void) | undefined;
  /** `onClose` is called once, with `data`, when the source is closed (to give a pooled buffer back). */
  constructor(data: Buffer, onClose?: (data: Buffer) => void) {
    this.#data = data;
    this.#onClose = onClose;
  }
  get size(): number {
    return this.#data.length;
  }
  read(max: number): Promise<Buffer> {
    return Promise.resolve(this.readNow(max));
  }
  /** `read()` without the promise: the bytes are already here. */
  readNow(max: number): Buffer {
    const out = this.#data.subarray(this.#pos, this.#pos + max);
    this.#pos += out.length;
    return out;
  }
  close(): Promise<void> {
    const onClose = this.#onClose;
    this.#onClose = undefined;
    onClose?.(this.#data);
    this.#data = EMPTY;
    return CLOSED;
  }
}

/** An open file read sequentially from its start. */
export class FileSource implements BodySource {
  readonly #handle: FileHandle;
  readonly size: number;
  readonly #queued: (() => number) | undefined;
  /** The buffer of the chunk returned last, and the one before it (reused once their bytes have left). */
  #last: Buffer | null = null;
  #prev: Buffer | null = null;
  #lastLength = 0;
  #pos = 0;
  #closed = false;

  private constructor(handle: FileHandle, size: number, queued: (() => number) | undefined) {
    this.#handle = handle;
    this.size = size;
    this.#queued = queued;
  }

  /**
   * Opens `path` for reading; `size` is the length announced in Content-Length.
   * `queued` says how many bytes handed to the writer have not left the process
   * yet (`wfile.queuedBytes`). Chunks leave in order, so an empty queue frees the
   * buffer of the chunk returned last, and a queue no longer than that chunk
   * frees the one before it: reads then alternate between two buffers instead
   * of a new one per chunk, which keeps a large download from piling up memory
   * the collector only frees in bulk. Without it, every read gets a new buffer.
   */
  static async open(path: string | Buffer, size: number, queued?: () => number): Promise<FileSource> {
    return new FileSource(await open(path, "r"), size, queued);
  }

  /** The file handle (for `stat()`). */
  get handle(): FileHandle {
    return this.#handle;
  }

  async read(max: number): Promise<Buffer> {
    // Never past the announced size: a file that grew since stat() must not
    // overrun its Content-Length.
    const want = Math.min(max, this.size - this.#pos);
    if (want <= 0) return Buffer.alloc(0);
    const chunk = await this.readAt(this.#pos, want);
    this.#pos += chunk.length;
    return chunk;
  }

  /**
   * Up to `want` bytes from `position`, without moving `read()`'s position
   * (RangeSource's reads): the same buffers, reused by the same rule, since
   * whatever is read here leaves through the same writer in the same order.
   */
  async readAt(position: number, want: number): Promise<Buffer> {
    const buf = this.#bufferFor(want);
    const { bytesRead } = await this.#handle.read(buf, 0, want, position);
    this.#lastLength = bytesRead;
    return bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
  }

  /** A buffer of at least `want` bytes no queued chunk still uses. */
  #bufferFor(want: number): Buffer {
    const queued = this.#queued?.();
    if (queued === undefined) return Buffer.allocUnsafe(want);
    const last = this.#last;
    if (queued === 0 && last !== null && last.length >= want) return last;
    const prev = this.#prev;
    this.#prev = last;
    if (queued <= this.#lastLength && prev !== null && prev.length >= want) return (this.#last = prev);
    return (this.#last = takeBuffer(want));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const queued = this.#queued?.();
    if (queued !== undefined) {
      if (queued === 0) keepBuffer(this.#last);
      if (queued <= this.#lastLength) keepBuffer(this.#prev);
    }
    this.#last = this.#prev = null;
    await this.#handle.close();
  }
}
