/**
 * The protocol corpus: raw request heads and what must become of them.
 *
 * `raw` is a string of latin-1 bytes (one char = one byte). `expect` is one of:
 * - `{ head }`: `RequestHeadParser` completes with this request line (and, when
 *   given, these headers, body framing and must-close flag). Over a socket, a
 *   handler with the method answers 200 (HTTP/0.9: the body alone).
 * - `{ error }`: the parser throws an `HttpParseError` with this code; the
 *   server answers with that error's status (see `STATUS_OF`).
 * - `{ status }`: the head parses, and the server's answer is decided later
 *   (e.g. 501 for a method the handler lacks).
 * - `{ empty: true }`: nothing to answer (blank lines, an empty connection).
 *
 * Every entry is replayed through the parser split at every byte boundary
 * (test/engine/corpus.test.ts) and over a real socket. The peer is treated as
 * having closed after `raw`, so an unterminated last line still counts.
 */
import type { ParseErrorCode } from "../../src/index.js";

export interface ExpectedHead {
  command: string;
  path: string;
  version: string;
  headers?: Array<[string, string]>;
  /** "none", "chunked", or a Content-Length. */
  framing?: "none" | "chunked" | number;
  mustClose?: boolean;
}

export type CorpusExpect = { head: ExpectedHead } | { error: ParseErrorCode } | { status: number } | { empty: true };

export interface CorpusEntry {
  name: string;
  raw: string;
  expect: CorpusExpect;
}

/** The status the server answers each parse error with. */
export const STATUS_OF: Readonly<Record<ParseErrorCode, number>> = {
  ERR_URI_TOO_LONG: 414,
  ERR_HEADER_LINE_TOO_LONG: 431,
  ERR_TOO_MANY_HEADERS: 431,
  ERR_BAD_REQUEST_SYNTAX: 400,
  ERR_BAD_METHOD: 400,
  ERR_BAD_TARGET: 400,
  ERR_BAD_VERSION: 400,
  ERR_VERSION_NOT_SUPPORTED: 505,
  ERR_BAD_HTTP09_METHOD: 400,
  ERR_OBS_FOLD: 400,
  ERR_MIXED_LINE_ENDINGS: 400,
  ERR_HEAD_TOO_LARGE: 431,
  ERR_HEAD_BUDGET: 503,
  ERR_BAD_HEADER_LINE: 400,
  ERR_BAD_HEADER_NAME: 400,
  ERR_BAD_HEADER_VALUE: 400,
  ERR_HOST: 400,
  ERR_CONTENT_LENGTH: 400,
  ERR_TRANSFER_ENCODING: 400,
  ERR_UNSUPPORTED_TRANSFER_CODING: 501,
  ERR_CHUNK: 400,
  ERR_HEADERS_TIMEOUT: 408,
};

const H = "Host: h\r\n";
const get11 = (target: string, headers = ""): string => `GET ${target} HTTP/1.1\r\n${H}${headers}\r\n`;
const head = (command: string, path: string, version: string, more: Omit<ExpectedHead, "command" | "path" | "version"> = {}): CorpusExpect => ({
  head: { command, path, version, ...more },
});
const error = (code: ParseErrorCode): CorpusExpect => ({ error: code });

export const CORPUS: readonly CorpusEntry[] = [
  // --- valid request lines -------------------------------------------------
  { name: "GET HTTP/1.1 with Host", raw: get11("/"), expect: head("GET", "/", "HTTP/1.1", { headers: [["Host", "h"]], framing: "none", mustClose: false }) },
  { name: "GET HTTP/1.0 without headers", raw: "GET /index.html HTTP/1.0\r\n\r\n", expect: head("GET", "/index.html", "HTTP/1.0", { headers: [] }) },
  { name: "HTTP/0.9 GET", raw: "GET /index.html\r\n", expect: head("GET", "/index.html", "HTTP/0.9", { headers: [] }) },
  { name: "HTTP/0.9 GET with a bare LF", raw: "GET /x\n", expect: head("GET", "/x", "HTTP/0.9") },
  { name: "HTTP/0.9 GET: what follows the line is not read as headers", raw: "GET /x\r\nHost: h\r\n\r\n", expect: head("GET", "/x", "HTTP/0.9", { headers: [] }) },
  { name: "three-word HTTP/0.9 reads headers", raw: "GET / HTTP/0.9\r\nX: y\r\n\r\n", expect: head("GET", "/", "HTTP/0.9", { headers: [["X", "y"]] }) },
  { name: "absolute-form with port, path and query", raw: get11("http://example.com:8080/p?q=1"), expect: head("GET", "/p?q=1", "HTTP/1.1") },
  { name: "absolute-form without a path", raw: get11("https://example.com"), expect: head("GET", "/", "HTTP/1.1") },
  { name: "absolute-form with a query and no path", raw: get11("http://example.com?q"), expect: head("GET", "/?q", "HTTP/1.1") },
  { name: "absolute-form with an upper-case scheme", raw: get11("HTTP://H/x"), expect: head("GET", "/x", "HTTP/1.1") },
  { name: "leading // collapses to /", raw: get11("//evil.example/x"), expect: head("GET", "/evil.example/x", "HTTP/1.1") },
  { name: "leading //// collapses to /", raw: get11("////a//b"), expect: head("GET", "/a//b", "HTTP/1.1") },
  { name: "one empty line before the request line is ignored", raw: "\r\n" + get11("/after-blank"), expect: head("GET", "/after-blank", "HTTP/1.1") },
  { name: "one bare-LF empty line before the request line is ignored", raw: "\nGET / HTTP/1.0\r\n\r\n", expect: head("GET", "/", "HTTP/1.0") },
  { name: "bare LF line endings throughout", raw: "GET /lf HTTP/1.1\nHost: h\nX: 1\n\n", expect: head("GET", "/lf", "HTTP/1.1", { headers: [["Host", "h"], ["X", "1"]] }) },
  { name: "two empty lines before the request line are ignored (RFC 9112 2.2)", raw: "\r\n\r\nGET / HTTP/1.0\r\n\r\n", expect: head("GET", "/", "HTTP/1.0") },
  { name: "64 empty lines, mixed CRLF and LF, before the request line are ignored", raw: "\r\n\n".repeat(32) + get11("/after-blanks"), expect: head("GET", "/after-blanks", "HTTP/1.1") },
  { name: "tabs and runs of spaces between words", raw: "GET \t /t\t\tHTTP/1.0\r\n\r\n", expect: head("GET", "/t", "HTTP/1.0") },
  { name: "whitespace after the version", raw: "GET / HTTP/1.0  \r\n\r\n", expect: head("GET", "/", "HTTP/1.0") },
  { name: "a custom method", raw: "SPAM /eggs HTTP/1.0\r\n\r\n", expect: head("SPAM", "/eggs", "HTTP/1.0") },
  { name: "a method with tchar symbols", raw: "M-SEARCH * HTTP/1.0\r\n\r\n", expect: head("M-SEARCH", "*", "HTTP/1.0") },
  { name: "every tchar symbol in a method", raw: "!#$%&'*+-.^_`|~09AZaz / HTTP/1.0\r\n\r\n", expect: head("!#$%&'*+-.^_`|~09AZaz", "/", "HTTP/1.0") },
  { name: "OPTIONS *", raw: "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", expect: head("OPTIONS", "*", "HTTP/1.1") },
  { name: "CONNECT authority-form", raw: "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", expect: head("CONNECT", "example.com:443", "HTTP/1.1") },
  { name: "a version with ten-digit parts", raw: "GET / HTTP/0000000001.0000000000\r\n\r\n", expect: head("GET", "/", "HTTP/0000000001.0000000000") },
  { name: "HTTP/1.10 is HTTP/1.x and needs Host", raw: "GET / HTTP/1.10\r\nHost: h\r\n\r\n", expect: head("GET", "/", "HTTP/1.10") },
  { name: "percent-escapes and a query stay as sent", raw: get11("/a%20b?x=%2F&y"), expect: head("GET", "/a%20b?x=%2F&y", "HTTP/1.1") },
  { name: "latin-1 bytes in the target", raw: "GET /caf\xe9 HTTP/1.0\r\n\r\n", expect: head("GET", "/caf\xe9", "HTTP/1.0") },
  { name: "a request line cut by the end of input", raw: "GET /eof HTTP/1.0", expect: head("GET", "/eof", "HTTP/1.0", { headers: [] }) },
  { name: "a head cut after a header by the end of input", raw: "GET /eof HTTP/1.0\r\nX: y\r\n", expect: head("GET", "/eof", "HTTP/1.0", { headers: [["X", "y"]] }) },

  // --- valid header fields ---------------------------------------------------
  { name: "values are trimmed of SP and HTAB", raw: get11("/", "X-A: \t a  b \t\r\n"), expect: head("GET", "/", "HTTP/1.1", { headers: [["Host", "h"], ["X-A", "a  b"]] }) },
  { name: "an empty value", raw: get11("/", "X-Empty:\r\n"), expect: head("GET", "/", "HTTP/1.1", { headers: [["Host", "h"], ["X-Empty", ""]] }) },
  { name: "obs-text and HTAB inside a value", raw: get11("/", "X-T: a\tb\xff\x80\r\n"), expect: head("GET", "/", "HTTP/1.1", { headers: [["Host", "h"], ["X-T", "a\tb\xff\x80"]] }) },
  { name: "repeated names kept in order, case as sent", raw: get11("/", "x-r: 1\r\nX-R: 2\r\n"), expect: head("GET", "/", "HTTP/1.1", { headers: [["Host", "h"], ["x-r", "1"], ["X-R", "2"]] }) },
  { name: "a colon inside the value", raw: get11("/", "X-U: http://a:b@c/\r\n"), expect: head("GET", "/", "HTTP/1.1", { headers: [["Host", "h"], ["X-U", "http://a:b@c/"]] }) },
  { name: "an empty Host counts as one Host", raw: "GET / HTTP/1.1\r\nHost:\r\n\r\n", expect: head("GET", "/", "HTTP/1.1", { headers: [["Host", ""]] }) },
  { name: "exactly 100 header lines", raw: "GET / HTTP/1.1\r\n" + H + "X: y\r\n".repeat(99) + "\r\n", expect: head("GET", "/", "HTTP/1.1") },
  { name: "Expect: 100-continue parses", raw: get11("/", "Expect: 100-continue\r\n"), expect: head("GET", "/", "HTTP/1.1", { headers: [["Host", "h"], ["Expect", "100-continue"]] }) },

  // --- body framing (valid) ------------------------------------------------
  { name: "Content-Length: 0 means no body", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", expect: head("POST", "/", "HTTP/1.1", { framing: "none" }) },
  { name: "Content-Length: the head stops before the body", raw: "POST /f HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello", expect: head("POST", "/f", "HTTP/1.1", { framing: 5, mustClose: false }) },
  { name: "Content-Length repeated with one value", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\nabc", expect: head("POST", "/", "HTTP/1.1", { framing: 3 }) },
  { name: "Content-Length list with one value", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\nabc", expect: head("POST", "/", "HTTP/1.1", { framing: 3 }) },
  { name: "Content-Length with leading zeros", raw: "POST / HTTP/1.0\r\nContent-Length: 007\r\n\r\n1234567", expect: head("POST", "/", "HTTP/1.0", { framing: 7 }) },
  { name: "Transfer-Encoding: chunked", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", expect: head("POST", "/", "HTTP/1.1", { framing: "chunked", mustClose: false }) },
  { name: "Transfer-Encoding: Chunked (case-insensitive)", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n", expect: head("POST", "/", "HTTP/1.1", { framing: "chunked" }) },
  { name: "Transfer-Encoding beside Content-Length: chunked, then close", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", expect: head("POST", "/", "HTTP/1.1", { framing: "chunked", mustClose: true }) },

  // --- request-line errors -------------------------------------------------
  { name: "a request line over 65536 bytes (no LF yet)", raw: "GET /" + "x".repeat(65537), expect: error("ERR_URI_TOO_LONG") },
  { name: "a request line of 65537 bytes with its CRLF", raw: "GET /" + "x".repeat(65537 - 16) + " HTTP/1.1\r\n\r\n", expect: error("ERR_URI_TOO_LONG") },
  { name: "a request line of 65536 bytes with its CRLF is fine", raw: "GET /" + "x".repeat(65536 - 16) + " HTTP/1.0\r\n\r\n", expect: head("GET", "/" + "x".repeat(65536 - 16), "HTTP/1.0") },
  { name: "version FUBAR", raw: "GET / FUBAR\r\n\r\n", expect: error("ERR_BAD_VERSION") },
  { name: "version HTTP/1", raw: "GET / HTTP/1\r\n\r\n", expect: error("ERR_BAD_VERSION") },
  { name: "version HTTP/1.x", raw: "GET / HTTP/1.x\r\n\r\n", expect: error("ERR_BAD_VERSION") },
  { name: "version HTTPS/1.0", raw: "GET / HTTPS/1.0\r\n\r\n", expect: error("ERR_BAD_VERSION") },
  { name: "version http/1.1 (lower case)", raw: "GET / http/1.1\r\n\r\n", expect: error("ERR_BAD_VERSION") },
  { name: "version HTTP/1.1.1", raw: "GET / HTTP/1.1.1\r\n\r\n", expect: error("ERR_BAD_VERSION") },
  { name: "version with an 11-digit part", raw: "GET / HTTP/1.00000000001\r\n\r\n", expect: error("ERR_BAD_VERSION") },
  { name: "version with signs", raw: "GET / HTTP/+1.-1\r\n\r\n", expect: error("ERR_BAD_VERSION") },
  { name: "version with an empty part", raw: "GET / HTTP/1.\r\n\r\n", expect: error("ERR_BAD_VERSION") },
  { name: "version with non-ASCII digits", raw: "GET / HTTP/\xb9.1\r\n\r\n", expect: error("ERR_BAD_VERSION") },
  { name: "HTTP/2.0 is 505", raw: "GET / HTTP/2.0\r\n\r\n", expect: error("ERR_VERSION_NOT_SUPPORTED") },
  { name: "HTTP/3.0 is 505", raw: "GET / HTTP/3.0\r\n\r\n", expect: error("ERR_VERSION_NOT_SUPPORTED") },
  { name: "HTTP/9.9 is 505", raw: "GET / HTTP/9.9\r\n\r\n", expect: error("ERR_VERSION_NOT_SUPPORTED") },
  { name: "the HTTP/2 preface is 505", raw: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", expect: error("ERR_VERSION_NOT_SUPPORTED") },
  { name: "four words", raw: "GET /spaced out HTTP/1.1\r\nHost: h\r\n\r\n", expect: error("ERR_BAD_REQUEST_SYNTAX") },
  { name: "one word", raw: "GET\r\n\r\n", expect: error("ERR_BAD_REQUEST_SYNTAX") },
  { name: "a lone target", raw: " / \r\n\r\n", expect: error("ERR_BAD_REQUEST_SYNTAX") },
  { name: "a two-word POST", raw: "POST /index.html\r\n", expect: error("ERR_BAD_HTTP09_METHOD") },
  { name: "a two-word lower-case get", raw: "get /index.html\r\n", expect: error("ERR_BAD_HTTP09_METHOD") },
  { name: "a method with @", raw: "G@T / HTTP/1.0\r\n\r\n", expect: error("ERR_BAD_METHOD") },
  { name: "a method with NUL", raw: "GE\x00T / HTTP/1.0\r\n\r\n", expect: error("ERR_BAD_METHOD") },
  { name: "a method with a non-ASCII byte", raw: "G\xc9T / HTTP/1.0\r\n\r\n", expect: error("ERR_BAD_METHOD") },
  { name: "an HTML method", raw: '<script>alert("x")</script> / HTTP/1.1\r\n\r\n', expect: error("ERR_BAD_METHOD") },
  { name: "a control character in the target", raw: "GET /a\x01b HTTP/1.0\r\n\r\n", expect: error("ERR_BAD_TARGET") },
  { name: "DEL in the target", raw: "GET /\x7f HTTP/1.0\r\n\r\n", expect: error("ERR_BAD_TARGET") },
  { name: "a bare CR in the request line", raw: "GET /a\rb HTTP/1.0\r\n\r\n", expect: error("ERR_BAD_TARGET") },

  // --- header errors ----------------------------------------------------------
  { name: "a header line over 65536 bytes", raw: "GET / HTTP/1.1\r\nX-Foo: bar" + "r".repeat(65537) + "\r\n\r\n", expect: error("ERR_HEADER_LINE_TOO_LONG") },
  { name: "101 header lines", raw: "GET / HTTP/1.1\r\n" + "X-Foo: bar\r\n".repeat(101) + "\r\n", expect: error("ERR_TOO_MANY_HEADERS") },
  { name: "whitespace before the colon", raw: get11("/", "X-A : v\r\n"), expect: error("ERR_BAD_HEADER_NAME") },
  { name: "Host with whitespace before the colon", raw: "GET / HTTP/1.1\r\nHost : h\r\n\r\n", expect: error("ERR_BAD_HEADER_NAME") },
  { name: "a line without a colon", raw: get11("/", "NoColon\r\n"), expect: error("ERR_BAD_HEADER_LINE") },
  { name: "an empty name", raw: get11("/", ": v\r\n"), expect: error("ERR_BAD_HEADER_NAME") },
  { name: "a name with a separator", raw: get11("/", "X(Y): v\r\n"), expect: error("ERR_BAD_HEADER_NAME") },
  { name: "a name with a non-ASCII byte", raw: get11("/", "X\xe9: v\r\n"), expect: error("ERR_BAD_HEADER_NAME") },
  { name: "a control character in a value", raw: get11("/", "X-A: a\x01b\r\n"), expect: error("ERR_BAD_HEADER_VALUE") },
  { name: "NUL in a value", raw: get11("/", "X-A: a\x00b\r\n"), expect: error("ERR_BAD_HEADER_VALUE") },
  { name: "DEL in a value", raw: get11("/", "X-A: \x7f\r\n"), expect: error("ERR_BAD_HEADER_VALUE") },
  { name: "a bare CR inside a value", raw: get11("/", "X-A: a\rb\r\n"), expect: error("ERR_BAD_HEADER_VALUE") },
  { name: "ESC in a value", raw: get11("/", "X-A: \x1b[2J\r\n"), expect: error("ERR_BAD_HEADER_VALUE") },
  { name: "two 40,000-byte fields: more than 64 KiB of header fields (each line within its limit)", raw: get11("/", `X-A: ${"a".repeat(40000)}\r\nX-B: ${"b".repeat(40000)}\r\n`), expect: error("ERR_HEAD_TOO_LARGE") },
  { name: "a bare LF inside a CRLF head (X: a<LF>Content-Length: 5)", raw: "POST / HTTP/1.1\r\nHost: h\r\nX: a\nContent-Length: 5\r\n\r\nhello", expect: error("ERR_MIXED_LINE_ENDINGS") },
  { name: "a CRLF line inside a bare-LF head", raw: "GET / HTTP/1.1\nHost: h\r\n\n", expect: error("ERR_MIXED_LINE_ENDINGS") },
  { name: "a CRLF head ended by a bare LF", raw: "GET / HTTP/1.1\r\nHost: h\r\n\n", expect: error("ERR_MIXED_LINE_ENDINGS") },
  { name: "a request line ended by a bare LF before a CRLF header section (CPython's test_request_line_trimming)", raw: "GET / HTTP/1.1\nHost: h\r\nX: 1\r\n\r\n", expect: head("GET", "/", "HTTP/1.1", { headers: [["Host", "h"], ["X", "1"]] }) },
  { name: "a bare CR ending a header value", raw: get11("/", "X: a\rContent-Length: 5\r\n"), expect: error("ERR_BAD_HEADER_VALUE") },
  { name: "obs-fold with SP", raw: get11("/", "X-A: one\r\n two\r\n"), expect: error("ERR_OBS_FOLD") },
  { name: "obs-fold with HTAB", raw: get11("/", "X-A: one\r\n\ttwo\r\n"), expect: error("ERR_OBS_FOLD") },
  { name: "a whitespace-only header line", raw: get11("/", " \r\n"), expect: error("ERR_OBS_FOLD") },
  { name: "whitespace before the first header", raw: "GET / HTTP/1.1\r\n Host: h\r\n\r\n", expect: error("ERR_OBS_FOLD") },
  { name: "HTTP/1.1 without Host", raw: "GET / HTTP/1.1\r\n\r\n", expect: error("ERR_HOST") },
  { name: "HTTP/1.1 with two Hosts", raw: "GET / HTTP/1.1\r\nHost: a\r\nHOST: b\r\n\r\n", expect: error("ERR_HOST") },
  { name: "absolute-form still needs Host in HTTP/1.1", raw: "GET http://h/ HTTP/1.1\r\n\r\n", expect: error("ERR_HOST") },

  // --- framing errors ---------------------------------------------------------
  { name: "Content-Length not digits", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n", expect: error("ERR_CONTENT_LENGTH") },
  { name: "Content-Length negative", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", expect: error("ERR_CONTENT_LENGTH") },
  { name: "Content-Length with a plus sign", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n", expect: error("ERR_CONTENT_LENGTH") },
  { name: "Content-Length in hex", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x5\r\n\r\n", expect: error("ERR_CONTENT_LENGTH") },
  { name: "Content-Length empty", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", expect: error("ERR_CONTENT_LENGTH") },
  { name: "Content-Length beyond 2^53", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n", expect: error("ERR_CONTENT_LENGTH") },
  { name: "differing repeated Content-Length", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", expect: error("ERR_CONTENT_LENGTH") },
  { name: "differing Content-Length list", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 6\r\n\r\n", expect: error("ERR_CONTENT_LENGTH") },
  { name: "Transfer-Encoding: gzip (chunked not last)", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", expect: error("ERR_TRANSFER_ENCODING") },
  { name: "Transfer-Encoding: chunked, gzip", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", expect: error("ERR_TRANSFER_ENCODING") },
  { name: "Transfer-Encoding: chunked twice", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", expect: error("ERR_TRANSFER_ENCODING") },
  { name: "Transfer-Encoding: an unknown coding", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: foo\r\n\r\n", expect: error("ERR_UNSUPPORTED_TRANSFER_CODING") },
  { name: "Transfer-Encoding: gzip, chunked (not implemented)", raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", expect: error("ERR_UNSUPPORTED_TRANSFER_CODING") },
  { name: "Transfer-Encoding in HTTP/1.0", raw: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", expect: error("ERR_TRANSFER_ENCODING") },

  // --- nothing to answer ------------------------------------------------------
  { name: "no bytes at all", raw: "", expect: { empty: true } },
  { name: "a single empty line", raw: "\r\n", expect: { empty: true } },
  { name: "65 empty lines before a request line (more than are skipped)", raw: "\r\n".repeat(65) + "GET / HTTP/1.0\r\n\r\n", expect: { empty: true } },
  { name: "a whitespace-only request line", raw: "   \t \r\nGET / HTTP/1.0\r\n\r\n", expect: { empty: true } },

  // --- decided after parsing ------------------------------------------------------
  { name: "a method the handler lacks", raw: "FOO / HTTP/1.0\r\n\r\n", expect: { status: 501 } },
  { name: "methods are case-sensitive", raw: "get / HTTP/1.0\r\n\r\n", expect: { status: 501 } },
];
