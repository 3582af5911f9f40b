import { parseHttpDate } from "../wire/http-date.js";

/** The request headers a conditional request is decided from (a HeaderMap has them). */
export interface ConditionalHeaders {
  get(name: string): string | undefined;
  has(name: string): boolean;
}

/**
 * CPython's browser-cache rule (RFC 9110 section 13.1.3): true when the
 * request has `If-Modified-Since`, no `If-None-Match` (which takes precedence),
 * a parsable date in UTC (or without a zone), and the file was not modified
 * after it, compared at whole seconds. Anything else serves the file.
 */
export function isNotModified(headers: ConditionalHeaders, mtimeMs: number): boolean {
  const ims = headers.get("If-Modified-Since");
  if (ims === undefined || headers.has("If-None-Match")) return false;
  const date = parseHttpDate(ims);
  if (date === null || !date.utc) return false;
  return Math.floor(mtimeMs / 1000) * 1000 <= date.ms;
}
