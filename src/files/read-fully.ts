import { readSync } from "node:fs";

/**
 * Fills `buf` from the open file `fd`, starting at `position`, in as many
 * reads as it takes. False when the file ends first (it shrank since its stat).
 */
export function readFullySync(fd: number, buf: Buffer, position: number): boolean {
  let off = 0;
  while (off < buf.length) {
    const n = readSync(fd, buf, off, buf.length - off, position + off);
    if (n === 0) return false;
    off += n;
  }
  return true;
}
