import { HttpParseError } from "./parse-error.js";
import { pyRepr } from "../python/py-format.js";
import { hasControlOrSpace, isToken } from "./token.js";

/** A parsed request line. */
export interface RequestLine {
  /** The method token exactly as sent (case-sensitive: `get` is not `GET`). */
  readonly command: string;
  /** The target as sent. */
  readonly target: string;
  /** CPython's `self.path`: the target, absolute-form reduced to its path, a leading `//` collapsed to `/` (gh-87389). */
  readonly path: string;
  /** `HTTP/1.1` as sent; `HTTP/0.9` for the two-word form. */
  readonly version: string;
  readonly major: number;
  readonly minor: number;
  /** True for the two-word `GET /path` form: no headers follow and the reply is the body alone. */
  readonly http09: boolean;
}

const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

/**
 * The request-target of `requestline` when it is in absolute-form with an
 * http or https scheme (`GET http://host/dir HTTP/1.1`), else null. CPython
 * keeps such a target whole in `self.path`, so its directory redirect keeps
 * the scheme and host (`test_get_dir_redirect_location_domain_injection_bug`);
 * a Location that starts with a scheme cannot be read as `//host`.
 */
export function absoluteFormTarget(requestline: string): string | null {
  const words = splitWords(requestline);
  const target = words[1];
  return target !== undefined && /^https?:\/\//i.test(target) && ABSOLUTE_FORM.test(target) ? target : null;
}

/** Reduces a target to CPython's `path`: absolute-form to origin-form, `//x` to `/x`. */
export function requestPath(target: string): string {
  let path = target;
  const abs = ABSOLUTE_FORM.exec(path);
  if (abs) {
    path = path.slice(abs[0].length);
    if (!path.startsWith("/")) path = "/" + path;
  }
  if (path.startsWith("//")) path = "/" + path.replace(/^\/+/, "");
  return path;
}

function splitWords(line: string): string[] {
  // RFC 9112 section 3: SP separates the parts; like CPython we also accept runs of
  // SP and HTAB (the RFC allows whitespace-delimited parsing), and nothing else.
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i <= line.length; i++) {
    const c = i < line.length ? line.charCodeAt(i) : 0x20;
    if (c === 0x20 || c === 0x09) {
      if (start >= 0) {
        words.push(line.slice(start, i));
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  return words;
}

const HTTP11: [number, number] = [1, 1];
const HTTP10: [number, number] = [1, 0];

function parseVersion(version: string): [number, number] | null {
  if (version === "HTTP/1.1") return HTTP11;
  if (version === "HTTP/1.0") return HTTP10;
  if (!version.startsWith("HTTP/")) return null;
  const nums = version.slice(5).split(".");
  if (nums.length !== 2) return null;
  const [a, b] = nums as [string, string];
  if (!/^[0-9]{1,10}$/.test(a) || !/^[0-9]{1,10}$/.test(b)) return null;
  return [Number(a), Number(b)];
}

/**
 * Parses a request line (without its line ending) by CPython 3.13's rules,
 * stricter where RFC 9112 requires: three words with `HTTP/x.y` (digits only,
 * at most 10 each) or the HTTP/0.9 `GET /path`; HTTP/2 and above get 505; the
 * method must be a token and the target free of control characters.
 * Returns null for a blank line. Throws HttpParseError otherwise.
 */
export function parseRequestLine(line: string): RequestLine | null {
  const words = splitWords(line);
  if (words.length === 0) return null;
  let version = "HTTP/0.9";
  let major = 0;
  let minor = 9;
  if (words.length >= 3) {
    version = words[words.length - 1] as string;
    const v = parseVersion(version);
    if (!v) throw new HttpParseError("ERR_BAD_VERSION", 400, `Bad request version (${pyRepr(version)})`);
    [major, minor] = v;
    if (major >= 2) {
      throw new HttpParseError("ERR_VERSION_NOT_SUPPORTED", 505, `Invalid HTTP version (${version.slice(5)})`);
    }
  }
  if (words.length < 2 || words.length > 3) {
    throw new HttpParseError("ERR_BAD_REQUEST_SYNTAX", 400, `Bad request syntax (${pyRepr(line)})`);
  }
  const command = words[0] as string;
  const target = words[1] as string;
  const http09 = words.length === 2;
  if (http09 && command !== "GET") {
    throw new HttpParseError("ERR_BAD_HTTP09_METHOD", 400, `Bad HTTP/0.9 request type (${pyRepr(command)})`);
  }
  if (!isToken(command)) throw new HttpParseError("ERR_BAD_METHOD", 400, `Bad request method (${pyRepr(command)})`);
  if (hasControlOrSpace(target)) throw new HttpParseError("ERR_BAD_TARGET", 400, `Bad request target (${pyRepr(target)})`);
  return { command, target, path: requestPath(target), version, major, minor, http09 };
}
