// The request line: CPython 3.13's parse_request rules, stricter where RFC 9112 requires.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseRequestLine, requestPath, type RequestLine } from "../../src/wire/request-line.js";
import type { ParseErrorCode } from "../../src/wire/parse-error.js";
import { parseError } from "../helpers/parse-error.js";

const http11 = (command: string, target: string, path = target): RequestLine => ({
  command, target, path, version: "HTTP/1.1", major: 1, minor: 1, http09: false,
});

describe("parseRequestLine()", () => {
  const accepted: Array<[name: string, line: string, expected: RequestLine]> = [
    ["reads an HTTP/1.1 request line", "GET /index.html HTTP/1.1", http11("GET", "/index.html")],
    ["reads an HTTP/1.0 request line", "POST /form HTTP/1.0", { command: "POST", target: "/form", path: "/form", version: "HTTP/1.0", major: 1, minor: 0, http09: false }],
    ["reads the two-word HTTP/0.9 form", "GET /old", { command: "GET", target: "/old", path: "/old", version: "HTTP/0.9", major: 0, minor: 9, http09: true }],
    ["reads a three-word HTTP/0.9 line as a normal request", "GET / HTTP/0.9", { command: "GET", target: "/", path: "/", version: "HTTP/0.9", major: 0, minor: 9, http09: false }],
    ["reads HTTP/1.2 as major 1, minor 2", "GET / HTTP/1.2", { command: "GET", target: "/", path: "/", version: "HTTP/1.2", major: 1, minor: 2, http09: false }],
    ["reads leading zeros in the version numbers and keeps the version as sent", "GET / HTTP/001.01", { command: "GET", target: "/", path: "/", version: "HTTP/001.01", major: 1, minor: 1, http09: false }],
    ["accepts ten-digit version numbers", "GET / HTTP/0000000001.0000000001", { command: "GET", target: "/", path: "/", version: "HTTP/0000000001.0000000001", major: 1, minor: 1, http09: false }],
    ["accepts a tab between the words", "GET\t/a\tHTTP/1.1", http11("GET", "/a")],
    ["accepts runs of spaces and tabs between the words", "GET   /a \t HTTP/1.1", http11("GET", "/a")],
    ["accepts leading and trailing whitespace", "  GET /a HTTP/1.1 \t", http11("GET", "/a")],
    ["keeps the method's case: lower-case get is its own method", "get / HTTP/1.1", http11("get", "/")],
    ["keeps a mixed-case method as sent", "Get / HTTP/1.1", http11("Get", "/")],
    ["accepts an extension method made of token characters", "M-SEARCH * HTTP/1.1", http11("M-SEARCH", "*")],
    ["accepts every tchar symbol in a method", "!#$%&'*+-.^_`|~09Az / HTTP/1.1", http11("!#$%&'*+-.^_`|~09Az", "/")],
    ["reduces an absolute-form target to its path and query", "GET http://host/x?y HTTP/1.1", http11("GET", "http://host/x?y", "/x?y")],
    ["reduces an absolute-form target without a path to /", "GET http://host HTTP/1.1", http11("GET", "http://host", "/")],
    ["collapses a leading // in the path", "GET //a//b HTTP/1.1", http11("GET", "//a//b", "/a//b")],
    ["reduces an absolute-form target in the HTTP/0.9 form", "GET http://host/x", { command: "GET", target: "http://host/x", path: "/x", version: "HTTP/0.9", major: 0, minor: 9, http09: true }],
    ["accepts the asterisk form", "OPTIONS * HTTP/1.1", http11("OPTIONS", "*")],
    ["accepts the authority form", "CONNECT example.com:443 HTTP/1.1", http11("CONNECT", "example.com:443")],
    ["accepts non-ASCII (latin-1) bytes in the target", "GET /caf\u00e9 HTTP/1.1", http11("GET", "/caf\u00e9")],
  ];
  for (const [name, line, expected] of accepted) {
    it(`parseRequestLine() ${name} [${JSON.stringify(line)}]`, () => {
      assert.deepEqual(parseRequestLine(line), expected);
    });
  }

  for (const [name, line] of [
    ["returns null for an empty line", ""],
    ["returns null for a line of spaces", "   "],
    ["returns null for a line of tabs and spaces", "\t \t"],
  ] as const) {
    it(`parseRequestLine() ${name} [${JSON.stringify(line)}]`, () => {
      assert.equal(parseRequestLine(line), null);
    });
  }

  const refused: Array<[name: string, line: string, code: ParseErrorCode, status: number, message: string]> = [
    ["answers 505 to HTTP/2.0", "GET / HTTP/2.0", "ERR_VERSION_NOT_SUPPORTED", 505, "Invalid HTTP version (2.0)"],
    ["answers 505 to HTTP/3.0", "GET / HTTP/3.0", "ERR_VERSION_NOT_SUPPORTED", 505, "Invalid HTTP version (3.0)"],
    ["answers 505 to HTTP/10.0", "GET / HTTP/10.0", "ERR_VERSION_NOT_SUPPORTED", 505, "Invalid HTTP version (10.0)"],
    ["answers 505 to a ten-digit major version", "GET / HTTP/0123456789.1", "ERR_VERSION_NOT_SUPPORTED", 505, "Invalid HTTP version (0123456789.1)"],
    ["answers 505 to HTTP/2.0 even with four words", "GET / x HTTP/2.0", "ERR_VERSION_NOT_SUPPORTED", 505, "Invalid HTTP version (2.0)"],
    // No minor version: not HTTP-version syntax at all, so 400 (as CPython), not 505.
    ["refuses HTTP/3 without a minor version as a bad version", "GET / HTTP/3", "ERR_BAD_VERSION", 400, "Bad request version ('HTTP/3')"],
    ["refuses HTTP/2 without a minor version as a bad version", "GET / HTTP/2", "ERR_BAD_VERSION", 400, "Bad request version ('HTTP/2')"],
    ["refuses HTTP/1 without a minor version", "GET / HTTP/1", "ERR_BAD_VERSION", 400, "Bad request version ('HTTP/1')"],
    ["refuses a three-part version", "GET / HTTP/1.1.1", "ERR_BAD_VERSION", 400, "Bad request version ('HTTP/1.1.1')"],
    ["refuses a lower-case protocol name", "GET / http/1.1", "ERR_BAD_VERSION", 400, "Bad request version ('http/1.1')"],
    ["refuses an eleven-digit major version", "GET / HTTP/01234567890.1", "ERR_BAD_VERSION", 400, "Bad request version ('HTTP/01234567890.1')"],
    ["refuses an eleven-digit minor version", "GET / HTTP/1.01234567890", "ERR_BAD_VERSION", 400, "Bad request version ('HTTP/1.01234567890')"],
    ["refuses an empty minor version", "GET / HTTP/1.", "ERR_BAD_VERSION", 400, "Bad request version ('HTTP/1.')"],
    ["refuses an empty major version", "GET / HTTP/.1", "ERR_BAD_VERSION", 400, "Bad request version ('HTTP/.1')"],
    ["refuses a signed version number", "GET / HTTP/+1.1", "ERR_BAD_VERSION", 400, "Bad request version ('HTTP/+1.1')"],
    ["refuses a version that is not HTTP", "GET / FTP/1.1", "ERR_BAD_VERSION", 400, "Bad request version ('FTP/1.1')"],
    ["checks the last word as the version when there are four words", "GET / HTTP/1.1 extra", "ERR_BAD_VERSION", 400, "Bad request version ('extra')"],
    ["refuses four words ending in a good version as bad syntax", "GET / x HTTP/1.1", "ERR_BAD_REQUEST_SYNTAX", 400, "Bad request syntax ('GET / x HTTP/1.1')"],
    ["refuses five words as bad syntax", "GET /a /b /c HTTP/1.0", "ERR_BAD_REQUEST_SYNTAX", 400, "Bad request syntax ('GET /a /b /c HTTP/1.0')"],
    ["refuses a single word as bad syntax", "GET", "ERR_BAD_REQUEST_SYNTAX", 400, "Bad request syntax ('GET')"],
    ["repeats the line with a tab escaped in the bad-syntax message", "GET\t/ x HTTP/1.1", "ERR_BAD_REQUEST_SYNTAX", 400, "Bad request syntax ('GET\\t/ x HTTP/1.1')"],
    ["refuses the HTTP/0.9 form for HEAD", "HEAD /", "ERR_BAD_HTTP09_METHOD", 400, "Bad HTTP/0.9 request type ('HEAD')"],
    ["refuses the HTTP/0.9 form for POST", "POST /", "ERR_BAD_HTTP09_METHOD", 400, "Bad HTTP/0.9 request type ('POST')"],
    ["refuses the HTTP/0.9 form for lower-case get", "get /", "ERR_BAD_HTTP09_METHOD", 400, "Bad HTTP/0.9 request type ('get')"],
    ["refuses a method with a separator character", "GE(T / HTTP/1.1", "ERR_BAD_METHOD", 400, "Bad request method ('GE(T')"],
    ["refuses a method with a slash", "GET/ / HTTP/1.1", "ERR_BAD_METHOD", 400, "Bad request method ('GET/')"],
    ["refuses a method with a NUL", "GET\u0000 / HTTP/1.1", "ERR_BAD_METHOD", 400, "Bad request method ('GET\\x00')"],
    ["refuses a method with a vertical tab (not a word separator)", "GET\u000b / HTTP/1.1", "ERR_BAD_METHOD", 400, "Bad request method ('GET\\x0b')"],
    ["refuses a method with a non-ASCII letter", "G\u00c9T / HTTP/1.1", "ERR_BAD_METHOD", 400, "Bad request method ('G\u00c9T')"],
    ["refuses a target with a C0 control", "GET /a\u0001b HTTP/1.1", "ERR_BAD_TARGET", 400, "Bad request target ('/a\\x01b')"],
    ["refuses a target with a NUL", "GET /a\u0000 HTTP/1.1", "ERR_BAD_TARGET", 400, "Bad request target ('/a\\x00')"],
    ["refuses a target with DEL", "GET /a\u007fb HTTP/1.1", "ERR_BAD_TARGET", 400, "Bad request target ('/a\\x7fb')"],
    ["refuses a target with a bare CR", "GET /a\rb HTTP/1.1", "ERR_BAD_TARGET", 400, "Bad request target ('/a\\rb')"],
    ["refuses a target with a form feed", "GET /a\u000cb HTTP/1.1", "ERR_BAD_TARGET", 400, "Bad request target ('/a\\x0cb')"],
    ["refuses a control character in an HTTP/0.9 target", "GET /a\u0001", "ERR_BAD_TARGET", 400, "Bad request target ('/a\\x01')"],
  ];
  for (const [name, line, code, status, message] of refused) {
    it(`parseRequestLine() ${name} [${JSON.stringify(line)}]`, () => {
      const err = parseError(() => parseRequestLine(line));
      assert.equal(err.code, code);
      assert.equal(err.status, status);
      assert.equal(err.message, message);
    });
  }
});

describe("requestPath()", () => {
  const rows: Array<[name: string, target: string, path: string]> = [
    ["keeps the root", "/", "/"],
    ["keeps an origin-form path and query", "/a/b?c=d#e", "/a/b?c=d#e"],
    ["collapses a leading // to /", "//a//b", "/a//b"],
    ["collapses any run of leading slashes to one", "///a", "/a"],
    ["reduces a lone // to /", "//", "/"],
    ["reduces http://host/x?y to /x?y", "http://host/x?y", "/x?y"],
    ["reduces http://host to /", "http://host", "/"],
    ["reduces an https URL with a port and user info", "https://user@host:8443/p", "/p"],
    ["matches an upper-case scheme", "HTTP://HOST/P", "/P"],
    ["adds the / before a query that follows the authority", "http://host?q=1", "/?q=1"],
    ["adds the / before a fragment that follows the authority", "http://host#f", "/#f"],
    ["collapses a leading // left after the authority", "http://host//a", "/a"],
    ["reduces an empty authority", "http:///x", "/x"],
    ["keeps the asterisk form", "*", "*"],
    ["keeps the authority form", "example.com:443", "example.com:443"],
    ["keeps a scheme without //", "mailto:a@b", "mailto:a@b"],
    ["keeps a URL inside an origin-form path", "/http://host/x", "/http://host/x"],
    ["keeps a 'scheme' that starts with a digit", "1http://host/x", "1http://host/x"],
  ];
  for (const [name, target, path] of rows) {
    it(`requestPath() ${name} [${JSON.stringify(target)}]`, () => {
      assert.equal(requestPath(target), path);
    });
  }
});
