/**
 * Read buffers whose bytes have all left the process, kept for the next
 * reader. A download, or a range of a large file, then reuses memory instead
 * of leaving a new buffer per request for the collector to free in bulk,
 * which is what lifts RSS under load (a fresh 64 KiB range per request took
 * the process from 87 to 101 MiB). Only buffers allocated here come back,
 * never a slice of Node's shared 8 KiB pool, and each at most once.
 * @module
 */

/** Smaller reads come from Node's shared pool as usual (Buffer.poolSize / 2, its own threshold). */
const MIN_KEPT = 4 * 1024;
/**
 * At most this many bytes wait here: eight 1 MiB download chunks, or a 64 KiB
 * range for each of 128 connections (all of them may be waiting on a socket at
 * once, so a few buffers would not be enough).
 */
const MAX_SPARE_BYTES = 8 * 1024 * 1024;

const spare: ArrayBufferLike[] = [];
let spareBytes = 0;
const owned = new WeakSet<ArrayBufferLike>();

/** A buffer of exactly `want` bytes, a spare one when one is large enough. */
export function takeBuffer(want: number): Buffer {
  if (want < MIN_KEPT) return Buffer.allocUnsafe(want);
  for (let i = spare.length - 1; i >= 0; i--) {
    const ab = spare[i] as ArrayBufferLike;
    if (ab.byteLength >= want) {
      spare.splice(i, 1);
      spareBytes -= ab.byteLength;
      return Buffer.from(ab, 0, want);
    }
  }
  const buf = Buffer.allocUnsafeSlow(want);
  owned.add(buf.buffer);
  return buf;
}

/**
 * Gives `buf` (from `takeBuffer()`) back for the next reader. Only call it once
 * nothing holds its bytes any more: written to the socket, not queued. Others
 * are ignored.
 */
export function keepBuffer(buf: Buffer | null | undefined): void {
  if (buf == null) return;
  const ab = buf.buffer;
  if (!owned.has(ab) || spareBytes + ab.byteLength > MAX_SPARE_BYTES || spare.includes(ab)) return;
  spare.push(ab);
  spareBytes += ab.byteLength;
}
