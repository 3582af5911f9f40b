/**
 * Conditional requests for a file (RFC 9110 section 13): the precondition
 * fields evaluated in the order of section 13.2.2, and If-Range (13.1.5).
 */
import { parseHttpDate } from "../wire/http-date.js";
import { parseETagList, strongMatch, weakMatch, type EntityTag } from "./etag.js";

/** The precondition fields of a request, each absent or its field lines joined with ", ". */
export interface RequestConditions {
  readonly ifMatch?: string | undefined;
  readonly ifNoneMatch?: string | undefined;
  readonly ifModifiedSince?: string | undefined;
  readonly ifUnmodifiedSince?: string | undefined;
}

/** What the file would be served with: its strong ETag and its modification time. */
export interface Validators {
  /** The strong entity-tag with its quotes, as makeETag() returns it. */
  readonly etag: string;
  /** `Stats.mtimeMs`; compared at whole seconds, the resolution of Last-Modified. */
  readonly mtimeMs: number;
}

/** The result of evaluatePreconditions(): serve the method, answer 304, or answer 412. */
export type PreconditionOutcome = "proceed" | "not-modified" | "precondition-failed";

function currentTag(validators: Validators): EntityTag {
  const e = validators.etag;
  return e.startsWith("W/") ? { weak: true, tag: e.slice(2) } : { weak: false, tag: e };
}

/** Last-Modified as a time: mtime floored to the second, as formatHttpDate() writes it. */
function lastModified(validators: Validators): number {
  return Math.floor(validators.mtimeMs / 1000) * 1000;
}

/** A date field as an instant; null when it is not a valid HTTP-date (RFC 9110 5.6.7 allows only GMT). */
function httpDate(value: string): number | null {
  const date = parseHttpDate(value);
  return date === null || !date.utc ? null : date.ms;
}

/**
 * httpDate(), and also null for what looks like a list of dates, such as two
 * field lines joined (RFC 9110 section 13.1.4); parseHttpDate() would read the
 * first. A single date has at most one comma, right after the day name.
 */
function singleHttpDate(value: string): number | null {
  const comma = value.indexOf(",");
  if (comma >= 0 && (value.indexOf(",", comma + 1) >= 0 || !/^\s*[A-Za-z]+$/.test(value.slice(0, comma)))) return null;
  return httpDate(value);
}

/**
 * Evaluates If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since
 * in the order of RFC 9110 section 13.2.2, for a resource that exists:
 *
 * 1. If-Match: `*` is true; otherwise true only when a listed tag matches by
 *    strong comparison (13.1.1). A malformed value cannot match. False → 412.
 * 2. Else If-Unmodified-Since, when one valid HTTP-date (not a list): false
 *    when the file's whole-second mtime is after the date (13.1.4). False → 412.
 * 3. If-None-Match: `*` or any tag matching by weak comparison is false
 *    (13.1.2) → 304 for GET and HEAD, 412 otherwise. A malformed value never
 *    matches, but is still present, so it still disables step 4.
 * 4. Else, for GET and HEAD, If-Modified-Since with CPython's rule, exactly as
 *    isNotModified() in not-modified.ts: a parsable date in UTC, and the file
 *    not modified after it at whole seconds → 304 (13.1.3). A list of dates
 *    is not ignored, as 13.1.3 asks: CPython reads its first date.
 *
 * CONNECT, OPTIONS and TRACE always proceed: they select no representation,
 * and a server MUST ignore preconditions on them (13.2.1). Method names are
 * case-sensitive (9.1), so `get` is not GET.
 */
export function evaluatePreconditions(method: string, conditions: RequestConditions, validators: Validators): PreconditionOutcome {
  if (method === "CONNECT" || method === "OPTIONS" || method === "TRACE") return "proceed";
  const getOrHead = method === "GET" || method === "HEAD";
  const { ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince } = conditions;
  if (ifMatch !== undefined) {
    const list = parseETagList(ifMatch);
    if (list !== "*") {
      const current = currentTag(validators);
      if (list === null || !list.some((t) => strongMatch(t, current))) return "precondition-failed";
    }
  } else if (ifUnmodifiedSince !== undefined) {
    // An invalid date is ignored (13.1.4), not treated as false.
    const date = singleHttpDate(ifUnmodifiedSince);
    if (date !== null && lastModified(validators) > date) return "precondition-failed";
  }
  if (ifNoneMatch !== undefined) {
    const list = parseETagList(ifNoneMatch);
    let matched = list === "*";
    if (list !== null && list !== "*") {
      const current = currentTag(validators);
      matched = list.some((t) => weakMatch(t, current));
    }
    if (matched) return getOrHead ? "not-modified" : "precondition-failed";
  } else if (getOrHead && ifModifiedSince !== undefined) {
    const date = httpDate(ifModifiedSince);
    if (date !== null && lastModified(validators) <= date) return "not-modified";
  }
  return "proceed";
}

/**
 * Whether a Range request may be served as a range given its If-Range field
 * (RFC 9110 section 13.1.5); false means ignore Range and send the whole file.
 * Absent: true. A value starting with `W/` or `"` is an entity-tag, true only
 * when it is one tag and matches the current tag by strong comparison (so a
 * weak tag never does). Anything else is an HTTP-date, true only when it is one
 * valid date (in UTC) equal to Last-Modified, the mtime floored to the second.
 */
export function ifRangeAllows(ifRange: string | undefined, validators: Validators): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith("W/") || value.startsWith('"')) {
    const list = parseETagList(value);
    if (list === null || list === "*" || list.length !== 1) return false;
    return strongMatch(list[0] as EntityTag, currentTag(validators));
  }
  const date = singleHttpDate(value);
  return date !== null && date === lastModified(validators);
}
