import { createReadStream, mkdtempSync, rmSync, writeSync, openSync, closeSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** A request body read whole before the script starts, so that its length is known. */
export interface SpooledBody {
  /** Its length in bytes: the script's CONTENT_LENGTH. */
  readonly size: number;
  /** The bytes, from memory or from the temporary file. */
  chunks(): AsyncIterable<Buffer>;
  /** Removes the temporary file, if any (idempotent). */
  remove(): void;
}

/** The body passed `maxBytes` (answer 413). */
export class SpoolTooLargeError extends Error {
  override readonly name = "SpoolTooLargeError";
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
  }
}

/** Limits of spooling. */
export interface SpoolLimits {
  /** Bytes kept in memory; past them the body goes to a temporary file. */
  readonly memoryBytes: number;
  /** Most bytes accepted (SpoolTooLargeError beyond: 413). */
  readonly maxBytes: number;
}

/**
 * Reads a body whose length is not announced (chunked) to its end: in memory
 * up to `memoryBytes`, then into a temporary file (mode 0600, in a private
 * directory, removed by `remove()`), so that the script gets the
 * CONTENT_LENGTH RFC 3875 4.1.2 requires ("the server MUST set it when a body
 * is present") and reads a body that ends. Throws SpoolTooLargeError past
 * `maxBytes`, having removed what it wrote.
 */
export async function spoolBody(body: AsyncIterable<Buffer>, limits: SpoolLimits): Promise<SpooledBody> {
  const parts: Buffer[] = [];
  let size = 0;
  let dir: string | null = null;
  let fd: number | null = null;
  const remove = (): void => {
    if (fd !== null) {
      closeSync(fd);
      fd = null;
    }
    if (dir !== null) {
      rmSync(dir, { recursive: true, force: true });
      dir = null;
    }
  };
  try {
    for await (const chunk of body) {
      size += chunk.length;
      if (size > limits.maxBytes) throw new SpoolTooLargeError(limits.maxBytes);
      if (fd === null && size <= limits.memoryBytes) {
        parts.push(chunk);
        continue;
      }
      if (fd === null) {
        dir = mkdtempSync(path.join(os.tmpdir(), "simplehttp-cgi-body-"));
        fd = openSync(path.join(dir, "body"), "wx", 0o600);
        for (const p of parts.splice(0)) writeAll(fd, p);
      }
      writeAll(fd, chunk);
    }
  } catch (err) {
    remove();
    throw err;
  }
  if (fd === null) {
    const data = Buffer.concat(parts, size);
    return {
      size,
      chunks: async function* () {
        if (data.length > 0) yield data;
      },
      remove: () => {},
    };
  }
  closeSync(fd);
  fd = null;
  const file = path.join(dir as string, "body");
  return {
    size,
    chunks: () => createReadStream(file, { highWaterMark: 64 * 1024 }),
    remove,
  };
}

function writeAll(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off);
}
