import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_ERROR_MESSAGE, errorHasBody, renderErrorPage } from "../../src/python/error-page.js";
import { python } from "../helpers/oracle.js";

// The reference is CPython's own BaseHTTPRequestHandler.send_error, run on a
// handler with an in-memory wfile: the body it writes (hex), or None when it writes none.
// The status line gets the default reason phrase, because CPython encodes the
// message there as Latin-1 and would fail on the non-Latin-1 rows; the body is untouched.
const PY_SEND_ERROR = `
import http.server, io
class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def send_response(self, code, message=None):
        super().send_response(code)
def body(fmt, code, message, explain):
    h = Handler.__new__(Handler)
    h.wfile = io.BytesIO()
    h.request_version = 'HTTP/1.1'
    h.command = 'GET'
    h.requestline = 'GET / HTTP/1.1'
    h.client_address = ('127.0.0.1', 0)
    if fmt is not None:
        h.error_message_format = fmt
    h.send_error(code, message, explain)
    head, sep, rest = h.wfile.getvalue().partition(b'\\r\\n\\r\\n')
    return rest.hex() if rest else None
result = [body(*row) for row in data]`;

type Row = readonly [format: string | null, code: number, message: string, explain: string];

/** The body CPython's send_error writes for each row (null: none). */
function cpythonBodies(rows: readonly Row[]): (Buffer | null)[] {
  return python<(string | null)[]>(PY_SEND_ERROR, rows).map((h) => (h === null ? null : Buffer.from(h, "hex")));
}

describe("DEFAULT_ERROR_MESSAGE", () => {
  test("DEFAULT_ERROR_MESSAGE is CPython's http.server.DEFAULT_ERROR_MESSAGE, character for character", () => {
    const cpython = python<string>("import http.server\nresult = http.server.DEFAULT_ERROR_MESSAGE", null);
    assert.equal(DEFAULT_ERROR_MESSAGE, cpython);
  });

  test("DEFAULT_ERROR_MESSAGE holds the %(code)d, %(message)s and %(explain)s placeholders and ends with a newline", () => {
    assert.match(DEFAULT_ERROR_MESSAGE, /^<!DOCTYPE HTML>\n/);
    assert.ok(DEFAULT_ERROR_MESSAGE.includes("        <p>Error code: %(code)d</p>\n"));
    assert.ok(DEFAULT_ERROR_MESSAGE.includes("        <p>Message: %(message)s.</p>\n"));
    assert.ok(DEFAULT_ERROR_MESSAGE.includes("        <p>Error code explanation: %(code)s - %(explain)s.</p>\n"));
    assert.ok(DEFAULT_ERROR_MESSAGE.endsWith("</html>\n"));
  });
});

describe("errorHasBody()", () => {
  test("errorHasBody() is false for 1xx, 204, 205 and 304, true for the other codes", () => {
    const rows: (readonly [number, boolean])[] = [
      [100, false],
      [101, false],
      [199, false],
      [200, true],
      [204, false],
      [205, false],
      [206, true],
      [301, true],
      [304, false],
      [400, true],
      [404, true],
      [500, true],
      [599, true],
    ];
    for (const [code, want] of rows) assert.equal(errorHasBody(code), want, String(code));
  });

  test("errorHasBody() agrees with CPython's send_error on whether a body is written, for every code 100-599", () => {
    const codes = Array.from({ length: 500 }, (_, i) => 100 + i);
    const bodies = cpythonBodies(codes.map((c) => [null, c, "m", "e"] as const));
    codes.forEach((code, i) => assert.equal(errorHasBody(code), bodies[i] !== null, String(code)));
  });
});

describe("renderErrorPage()", () => {
  test("renderErrorPage() fills DEFAULT_ERROR_MESSAGE byte for byte as CPython's send_error does", () => {
    const rows: Row[] = [
      [null, 404, "File not found", "Nothing matches the given URI"],
      [null, 400, "Bad request version ('HTTP/x')", "Bad request syntax or unsupported method"],
      [null, 501, "Unsupported method ('<script>')", "Server does not support this operation"],
      [null, 500, `a & b < c > d "e" 'f'`, "x&y"],
      [null, 403, "100% sure %(code)s %d", "%s"],
      [null, 418, "café 한글 😀", "\u0000\t\u00ff"],
      [null, 200, "", ""],
      [null, 999, "???", "???"],
    ];
    const bodies = cpythonBodies(rows);
    rows.forEach(([, code, message, explain], i) => {
      assert.deepEqual(renderErrorPage(DEFAULT_ERROR_MESSAGE, code, message, explain), bodies[i], `${code} ${JSON.stringify(message)}`);
    });
  });

  test("renderErrorPage() writes the 404 page exactly", () => {
    const page = renderErrorPage(DEFAULT_ERROR_MESSAGE, 404, "File not found", "Nothing matches the given URI").toString("utf8");
    assert.ok(page.includes("        <p>Error code: 404</p>\n        <p>Message: File not found.</p>\n        <p>Error code explanation: 404 - Nothing matches the given URI.</p>\n"));
    assert.equal(page, DEFAULT_ERROR_MESSAGE.replace("%(code)d", "404").replace("%(message)s", "File not found").replace("%(code)s", "404").replace("%(explain)s", "Nothing matches the given URI"));
  });

  test("renderErrorPage() escapes &, < and > in the message and the explanation, and leaves quotes alone", () => {
    const format = "%(message)s|%(explain)s";
    const rows: Row[] = [[format, 400, `<b>"it's"</b> & more`, "1 < 2 > 0 &amp;"]];
    const want = `&lt;b&gt;"it's"&lt;/b&gt; &amp; more|1 &lt; 2 &gt; 0 &amp;amp;`;
    assert.equal(cpythonBodies(rows)[0]?.toString("utf8"), want);
    assert.equal(renderErrorPage(format, 400, `<b>"it's"</b> & more`, "1 < 2 > 0 &amp;").toString("utf8"), want);
  });

  test("renderErrorPage() fills a custom error_message_format, with the code as %(code)d, %(code)s, %(code)x or %(code)r", () => {
    const rows: Row[] = [
      ["%(code)d %(code)s %(code)05d %(code)x %(code)r", 404, "m", "e"],
      ["<h1>%(code)s</h1><p>%(message)s</p><pre>%(explain)s</pre>", 503, "Service <Unavailable>", "Try & retry"],
      ["%(message)r|%(explain)-6s|100%%", 400, "it's", "e"],
      ["no placeholders", 500, "m", "e"],
    ];
    const bodies = cpythonBodies(rows);
    const wants = [
      "404 404 00404 194 404",
      "<h1>503</h1><p>Service &lt;Unavailable&gt;</p><pre>Try &amp; retry</pre>",
      `"it's"|e     |100%`,
      "no placeholders",
    ];
    rows.forEach(([format, code, message, explain], i) => {
      assert.equal(bodies[i]?.toString("utf8"), wants[i], `table row ${JSON.stringify(format)}: CPython differs`);
      assert.equal(renderErrorPage(format ?? "", code, message, explain).toString("utf8"), wants[i], JSON.stringify(format));
    });
  });

  test("renderErrorPage() encodes the page as UTF-8", () => {
    const page = renderErrorPage("%(message)s", 400, "é😀", "");
    assert.deepEqual(page, Buffer.from([0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80]));
    assert.deepEqual(cpythonBodies([["%(message)s", 400, "é😀", ""]])[0], page);
  });
});
