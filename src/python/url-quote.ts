/**
 * Python's `urllib.parse.quote` and `unquote` as http.server uses them:
 * `unquote(s, errors="surrogatepass")` with the fallback to
 * `errors="replace"`, and `quote(s, errors="surrogatepass")` with `/` safe.
 * Lone surrogates (file-name bytes that are not UTF-8, see fs-encoding.ts)
 * round-trip through a URL as their 3-byte surrogate encoding, as in CPython.
 */

const HEX = "0123456789ABCDEF";
// Python's always-safe set plus "/": letters, digits, "_.-~" and "/".
const SAFE = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~/") SAFE[c.charCodeAt(0)] = 1;

/** Encodes a string as UTF-8, lone surrogates included (CPython's `surrogatepass`). */
function utf8Surrogatepass(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return out;
}

/** `urllib.parse.quote(s, safe="/", errors="surrogatepass")`. */
export function quote(s: string): string {
  let out = "";
  for (const b of utf8Surrogatepass(s)) {
    out += b < 0x80 && SAFE[b] === 1 ? String.fromCharCode(b) : "%" + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}

/** Decodes UTF-8 that may contain encoded surrogates; null when not valid. */
function decodeSurrogatepass(bytes: number[]): string | null {
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i] as number;
    if (b0 < 0x80) {
      out += String.fromCharCode(b0);
      i++;
      continue;
    }
    const len = b0 >= 0xf0 && b0 <= 0xf4 ? 4 : b0 >= 0xe0 && b0 <= 0xef ? 3 : b0 >= 0xc2 && b0 <= 0xdf ? 2 : 0;
    if (len === 0 || i + len > bytes.length) return null;
    let cp = len === 2 ? b0 & 0x1f : len === 3 ? b0 & 0x0f : b0 & 0x07;
    for (let k = 1; k < len; k++) {
      const b = bytes[i + k] as number;
      if ((b & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (b & 0x3f);
    }
    if ((len === 3 && cp < 0x800) || (len === 4 && (cp < 0x10000 || cp > 0x10ffff))) return null;
    out += String.fromCodePoint(cp);
    i += len;
  }
  return out;
}

function percentRuns(s: string, decode: (bytes: number[]) => string | null): string | null {
  if (!s.includes("%")) return s;
  let out = "";
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (c === "%" && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      const bytes: number[] = [];
      while (i < s.length && s[i] === "%" && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
        bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
        i += 3;
      }
      const text = decode(bytes);
      if (text === null) return null;
      out += text;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * `urllib.parse.unquote(s, errors="surrogatepass")`, falling back to
 * `errors="replace"` (U+FFFD) when the bytes are not UTF-8, as http.server does.
 */
export function unquote(s: string): string {
  return (
    percentRuns(s, decodeSurrogatepass) ??
    (percentRuns(s, (bytes) => Buffer.from(bytes).toString("utf8")) as string)
  );
}
