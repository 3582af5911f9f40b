/**
 * Character classes of RFC 9110 section 5.6.2 (tokens) and 5.5 (field values),
 * as lookup tables: the parser consults them once per byte, so no regex runs on
 * the hot path.
 */

const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TCHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TCHAR[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TCHAR[c] = 1;

/** True when `s` is a non-empty RFC 9110 token (method names, header names). */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || TCHAR[c] !== 1) return false;
  }
  return true;
}

/**
 * True when `s` may appear in a field value: VCHAR, obs-text, SP and HTAB
 * (RFC 9110 section 5.5). CR, LF, NUL and the other controls are refused.
 */
export function isFieldValue(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return false;
  }
  return true;
}

/** True when `s` contains CR, LF or NUL: the bytes that would split or end a header line. */
export function hasLineBreakOrNul(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x0d || c === 0x0a || c === 0x00) return true;
  }
  return false;
}

/** True when `s` contains any C0 control character, DEL, or SP (not allowed in a request target). */
export function hasControlOrSpace(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return true;
  }
  return false;
}

const UNSENDABLE = /[\r\n\0\u0100-\uffff]/;

/**
 * Throws a TypeError unless `s` can go into a response head as it is:
 * latin-1 (one byte per character) without CR, LF or NUL, which would split
 * a header line (header injection). `what` names it in the message.
 */
export function assertSendable(what: string, s: string): void {
  if (!UNSENDABLE.test(s)) return; // one regex scan: this runs for every header
  if (hasLineBreakOrNul(s)) throw new TypeError(`${what} must not contain CR, LF or NUL: ${JSON.stringify(s)}`);
  throw new TypeError(`${what} is not latin-1 encodable: ${JSON.stringify(s)}`);
}
