/**
 * Python's UnicodeDecodeError text for the first invalid UTF-8 sequence in
 * `buf` (`'utf-8' codec can't decode byte 0xff in position 3: invalid start
 * byte`), or null when it is valid UTF-8 (surrogates and overlong forms are invalid).
 */
export function utf8DecodeError(buf: Uint8Array): string | null {
  const fail = (start: number, end: number, reason: string): string =>
    end - start === 1
      ? `'utf-8' codec can't decode byte 0x${(buf[start] ?? 0).toString(16).padStart(2, "0")} in position ${start}: ${reason}`
      : `'utf-8' codec can't decode bytes in position ${start}-${end - 1}: ${reason}`;
  let i = 0;
  while (i < buf.length) {
    const b = buf[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return fail(i, i + 1, "invalid start byte");
    for (let j = 1; j <= need; j++) {
      if (i + j >= buf.length) return fail(i, i + j, "unexpected end of data");
      const c = buf[i + j] ?? 0;
      if (c < (j === 1 ? lo : 0x80) || c > (j === 1 ? hi : 0xbf)) return fail(i, i + j, "invalid continuation byte");
    }
    i += need + 1;
  }
  return null;
}
