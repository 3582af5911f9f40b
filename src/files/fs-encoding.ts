/**
 * Python's `os.fsencode` / `os.fsdecode` on POSIX (UTF-8 with `surrogateescape`):
 * a file name that is not valid UTF-8 keeps its bytes, each undecodable byte
 * standing as a lone surrogate U+DC80..U+DCFF in the string. Node's own
 * decoding would replace them with U+FFFD and lose the file.
 */

const LONE_SURROGATE = /[\uD800-\uDFFF]/;

/** Decodes a file name's bytes; invalid UTF-8 bytes become U+DC80+byte. */
export function fsDecode(bytes: Buffer): string {
  let out = "";
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      // fast run of ASCII
      let j = i + 1;
      while (j < n && (bytes[j] as number) < 0x80) j++;
      out += bytes.toString("latin1", i, j);
      i = j;
      continue;
    }
    const len = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xc2 && b <= 0xdf ? 2 : 0;
    if (len > 0 && i + len <= n && validSequence(bytes, i, len)) {
      out += bytes.toString("utf8", i, i + len);
      i += len;
    } else {
      out += String.fromCharCode(0xdc00 + b);
      i++;
    }
  }
  return out;
}

function validSequence(bytes: Buffer, i: number, len: number): boolean {
  const b0 = bytes[i] as number;
  const b1 = bytes[i + 1] as number;
  for (let k = 1; k < len; k++) if (((bytes[i + k] as number) & 0xc0) !== 0x80) return false;
  if (len === 3) {
    if (b0 === 0xe0 && b1 < 0xa0) return false; // overlong
    if (b0 === 0xed && b1 >= 0xa0) return false; // surrogates are not valid UTF-8
  }
  if (len === 4) {
    if (b0 === 0xf0 && b1 < 0x90) return false;
    if (b0 === 0xf4 && b1 >= 0x90) return false;
  }
  return true;
}

/**
 * Encodes a name for the file system: UTF-8, with U+DC80..U+DCFF turned back
 * into the raw bytes they stand for. Returns the string itself when it has no
 * surrogate (the common case), so callers pass it to `fs` unchanged.
 */
export function fsEncode(name: string): string | Buffer {
  if (!LONE_SURROGATE.test(name)) return name;
  const parts: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0xdc80 && c <= 0xdcff) {
      parts.push(c - 0xdc00);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < name.length) {
      const d = name.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        for (const byte of Buffer.from(name.slice(i, i + 2), "utf8")) parts.push(byte);
        i++;
        continue;
      }
    }
    for (const byte of Buffer.from(name[i] as string, "utf8")) parts.push(byte);
  }
  return Buffer.from(parts);
}
