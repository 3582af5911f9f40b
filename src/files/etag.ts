/**
 * Entity tags (RFC 9110 section 8.8.3): the tag a file is served with, the
 * If-Match / If-None-Match list reader, and the two comparison functions.
 */

/**
 * The strong ETag of a file: derived only from size and modification time so
 * every machine serving the same file (rsync -a, one image, several instances)
 * gives the same tag; never from inode or device.
 *
 * Format, all numbers in lower-case hex:
 * `"<mtime whole seconds>.<nanoseconds within the second>-<size>"`, e.g.
 * `"60406abf.350c5280-1a"`; seconds before 1970 carry a leading `-`
 * (`"-1.0-0"`). With `coding` (`"br"`, `"gzip"`) it is appended inside the
 * quotes, `"60406abf.350c5280-1a-br"`: an encoded representation is a
 * different representation and needs a different strong validator
 * (RFC 9110 sections 8.8.3 and 8.8.3.3).
 *
 * Node computes `Stats.mtimeMs` as `sec * 1e3 + nsec / 1e6` in a double, so the
 * nanoseconds are recovered only to about 0.25 µs at today's times (the double's
 * spacing near 1.7e12 ms is 2^-12 ms), but the same (sec, nsec) always gives the
 * same `mtimeMs`, hence the same tag, on every machine.
 *
 * @param size the file size in bytes (a non-negative integer).
 * @param mtimeMs `Stats.mtimeMs`.
 * @param coding the content coding of the representation, if any.
 */
export function makeETag(size: number, mtimeMs: number, coding?: string): string {
  // The same file asked for again (the common case): its tag without building it anew.
  if (coding === undefined && mtimeMs === last.mtimeMs && size === last.size) return last.tag;
  const tag = buildETag(size, mtimeMs, coding);
  if (coding === undefined) {
    last.size = size;
    last.mtimeMs = mtimeMs;
    last.tag = tag;
  }
  return tag;
}

/** The identity tag made last. */
const last = { size: -1, mtimeMs: Number.NaN, tag: "" };

function buildETag(size: number, mtimeMs: number, coding: string | undefined): string {
  const sec = Math.floor(mtimeMs / 1000);
  // The subtraction is exact (both operands are within a factor of two), so only
  // the final rounding can differ from the true nanoseconds.
  const ns = Math.min(999_999_999, Math.max(0, Math.round((mtimeMs - sec * 1000) * 1e6)));
  const base = `${sec.toString(16)}.${ns.toString(16)}-${size.toString(16)}`;
  return coding === undefined ? `"${base}"` : `"${base}-${coding}"`;
}

/** One entity-tag of an If-Match / If-None-Match list (RFC 9110 section 8.8.3). */
export interface EntityTag {
  /** True for `W/"..."`, a weak validator (RFC 9110 section 8.8.1). */
  readonly weak: boolean;
  /** The opaque-tag including its double quotes, e.g. `"xyzzy"`. */
  readonly tag: string;
}

/** etagc = %x21 / %x23-7E / obs-text (RFC 9110 section 8.8.3); header strings are latin-1. */
function isEtagc(c: number): boolean {
  return c === 0x21 || (c >= 0x23 && c <= 0x7e) || (c >= 0x80 && c <= 0xff);
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/**
 * Parses an If-Match / If-None-Match field value (RFC 9110 sections 13.1.1,
 * 13.1.2): `"*"`, or a comma-separated list of entity-tags with optional
 * whitespace, empty elements skipped (section 5.6.1.2), so `""` is the empty
 * list. Null when malformed: an unquoted tag (`abc`), a lower-case `w/`, a
 * missing closing quote, a character outside etagc, or `*` inside a list. What
 * a malformed list means is the caller's decision (see preconditions.ts).
 */
export function parseETagList(value: string): "*" | EntityTag[] | null {
  const n = value.length;
  let i = 0;
  let end = n;
  while (i < end && isOws(value.charCodeAt(i))) i++;
  while (end > i && isOws(value.charCodeAt(end - 1))) end--;
  if (end - i === 1 && value.charCodeAt(i) === 0x2a) return "*";
  const tags: EntityTag[] = [];
  while (i < end) {
    const c = value.charCodeAt(i);
    if (c === 0x2c || isOws(c)) {
      i++;
      continue;
    }
    // weak = %s"W/": case-sensitive.
    let weak = false;
    if (c === 0x57 && value.charCodeAt(i + 1) === 0x2f) {
      weak = true;
      i += 2;
    }
    if (value.charCodeAt(i) !== 0x22) return null;
    const start = i;
    i++;
    while (i < end && isEtagc(value.charCodeAt(i))) i++;
    if (i >= end || value.charCodeAt(i) !== 0x22) return null;
    i++;
    tags.push({ weak, tag: value.slice(start, i) });
    while (i < end && isOws(value.charCodeAt(i))) i++;
    if (i < end && value.charCodeAt(i) !== 0x2c) return null;
  }
  return tags;
}

/** Strong comparison (RFC 9110 section 8.8.3.2): neither tag is weak and the opaque-tags are identical. */
export function strongMatch(a: EntityTag, b: EntityTag): boolean {
  return !a.weak && !b.weak && a.tag === b.tag;
}

/** Weak comparison (RFC 9110 section 8.8.3.2): the opaque-tags are identical, either or both may be weak. */
export function weakMatch(a: EntityTag, b: EntityTag): boolean {
  return a.tag === b.tag;
}
