import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { errorReport } from "../../src/python/error-report.js";
import { python } from "../helpers/oracle.js";

// The reference is CPython's socketserver.BaseServer.handle_error, run with
// stderr captured: a rule, the client address, the traceback, a rule. The
// traceback itself is Python's; the report holds the JavaScript stack instead.
const PY_HANDLE_ERROR = `
import io, socketserver, sys
def report(host, port):
    buf, old = io.StringIO(), sys.stderr
    sys.stderr = buf
    try:
        try:
            raise ValueError('boom')
        except ValueError:
            socketserver.BaseServer.handle_error(None, None, (host, port))
    finally:
        sys.stderr = old
    return buf.getvalue()
result = [report(host, port) for host, port in data]`;

const RULE = "----------------------------------------";

/** An Error with a fixed stack, so the whole report can be compared. */
function errorWithStack(message: string, stack: string): Error {
  const err = new Error(message);
  err.stack = stack;
  return err;
}

describe("errorReport()", () => {
  test("errorReport() opens and closes like socketserver's handle_error: a 40-dash rule, the address as a Python tuple", () => {
    const addresses: (readonly [string, number])[] = [
      ["127.0.0.1", 54321],
      ["::1", 8000],
      ["192.168.0.10", 1],
      ["::ffff:10.0.0.1", 65535],
    ];
    const cpython = python<string[]>(PY_HANDLE_ERROR, addresses);
    addresses.forEach((address, i) => {
      const py = (cpython[i] ?? "").split("\n");
      const ours = errorReport(address, new Error("boom")).split("\n");
      assert.equal(py[0], RULE);
      assert.equal(ours[0], py[0], "first line");
      assert.equal(ours[1], py[1], "second line");
      assert.equal(ours.at(-2), py.at(-2), "closing rule");
      assert.equal(ours.at(-1), "", "ends with a newline");
      assert.equal(py.at(-1), "");
    });
    assert.equal(
      errorReport(["127.0.0.1", 54321], new Error("x")).split("\n")[1],
      "Exception occurred during processing of request from ('127.0.0.1', 54321)",
    );
  });

  test("errorReport() writes the error's stack between the rules", () => {
    const err = errorWithStack("boom", "Error: boom\n    at handle (file:///srv/app.js:1:2)\n    at process (node:internal:3:4)");
    assert.equal(
      errorReport(["10.0.0.2", 4242], err),
      `${RULE}\nException occurred during processing of request from ('10.0.0.2', 4242)\nError: boom\n    at handle (file:///srv/app.js:1:2)\n    at process (node:internal:3:4)\n${RULE}\n`,
    );
  });

  test("errorReport() writes a real error's own stack, first line 'Name: message'", () => {
    const err = new TypeError("bad thing");
    const lines = errorReport(["127.0.0.1", 1], err).split("\n");
    assert.equal(lines[2], "TypeError: bad thing");
    assert.equal(lines.slice(2, -2).join("\n"), err.stack);
  });

  test("errorReport() falls back to String(error) when the error has no stack", () => {
    const err = new RangeError("no stack here");
    Object.defineProperty(err, "stack", { value: undefined });
    assert.equal(
      errorReport(["127.0.0.1", 80], err),
      `${RULE}\nException occurred during processing of request from ('127.0.0.1', 80)\nRangeError: no stack here\n${RULE}\n`,
    );
  });

  test("errorReport() describes a thrown value that is not an Error with util.format's %o", () => {
    const rows: (readonly [unknown, string])[] = [
      ["boom", "'boom'"],
      [42, "42"],
      [null, "null"],
      [undefined, "undefined"],
      [{ code: 1 }, "{ code: 1 }"],
    ];
    for (const [value, detail] of rows) {
      assert.equal(
        errorReport(["127.0.0.1", 8000], value),
        `${RULE}\nException occurred during processing of request from ('127.0.0.1', 8000)\n${detail}\n${RULE}\n`,
        String(value),
      );
    }
  });
});
