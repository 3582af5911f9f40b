// str.isspace() in Python: what str.strip() removes (JS trim() differs: it
// strips U+FEFF and keeps U+001C..U+001F and U+0085).
const PY_SPACE = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, "g");

/** Python's `str.strip()` with no argument: leading and trailing `str.isspace()` characters removed. */
export function pyStrip(s: string): string {
  return s.replace(PY_STRIP, "");
}
