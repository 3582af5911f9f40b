import { open, type FileHandle } from "node:fs/promises";

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
const CLOSED: Promise<void> = Promise.resolve();

/** A body held in memory (CPython's `io.BytesIO` in `list_directory`). */
export class BufferSource implements BodySource {
  #data: Buffer;
  #pos = 0;
  constructor(data: Buffer) {
    this.#data = data;
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
    this.#data = EMPTY;
    return CLOSED;
  }
}

/** An open file read sequentially from its start. */
export class FileSource implements BodySource {
  readonly #handle: FileHandle;
  readonly size: number;
  readonly #canReuse: (() => boolean) | undefined;
  #buf: Buffer | null = null;
  #pos = 0;
  #closed = false;

  private constructor(handle: FileHandle, size: number, canReuse: (() => boolean) | undefined) {
    this.#handle = handle;
    this.size = size;
    this.#canReuse = canReuse;
  }

  /**
   * Opens `path` for reading; `size` is the length announced in Content-Length.
   * `canReuse` says whether the chunk returned last has left the process (the
   * socket has written it): then the next read goes into the same memory
   * instead of a new buffer, which keeps a large download from piling up
   * garbage the collector only frees in bulk.
   */
  static async open(path: string | Buffer, size: number, canReuse?: () => boolean): Promise<FileSource> {
    return new FileSource(await open(path, "r"), size, canReuse);
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
    let buf = this.#buf;
    if (buf === null || buf.length < want || !this.#canReuse?.()) {
      buf = Buffer.allocUnsafe(want);
      this.#buf = this.#canReuse ? buf : null;
    }
    const { bytesRead } = await this.#handle.read(buf, 0, want, this.#pos);
    this.#pos += bytesRead;
    return bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#handle.close();
  }
}
