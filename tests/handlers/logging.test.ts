// CPython's RequestHandlerLoggingTestCase and test_unprintable_not_logged:
// log lines on stderr, their exact format and the escaping of control characters.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { BaseHTTPRequestHandler } from "../../src/index.js";
import { formatLogDate } from "../../src/wire/http-date.js";
import { withServer } from "../helpers/server.js";
import { rawRequest } from "../helpers/raw-client.js";
import { parseResponse } from "../helpers/http-response.js";
import { captureStderr } from "../helpers/capture.js";

class LoggingHandler extends BaseHTTPRequestHandler {
  async do_GET(): Promise<void> {
    this.sendResponse(200);
    this.sendHeader("Content-Length", 0);
    await this.endHeaders();
  }
  async do_ERROR(): Promise<void> {
    await this.sendError(404, "File not found");
  }
}
LoggingHandler.prototype.protocolVersion = "HTTP/1.1";
LoggingHandler.prototype.defaultRequestVersion = "HTTP/1.1";

const PREFIX = /^127\.0\.0\.1 - - \[\d{2}\/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/\d{4} \d{2}:\d{2}:\d{2}\] /;

/** Sends `bytes`, waits for the server to close, returns the stderr lines written meanwhile. */
async function logged(bytes: string): Promise<string[]> {
  return withServer(LoggingHandler, async ({ port }) => {
    const { text } = await captureStderr(async () => {
      const r = await rawRequest(port, bytes);
      assert.ok(r.closed);
    });
    assert.ok(text.endsWith("\n"), JSON.stringify(text));
    return text.slice(0, -1).split("\n");
  });
}

describe("RequestHandlerLoggingTestCase", () => {
  it("test_get: one line ending in \"GET / HTTP/1.1\" 200 -", async () => {
    const lines = await logged("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    assert.equal(lines.length, 1);
    const line = lines[0] as string;
    assert.match(line, PREFIX);
    assert.ok(line.endsWith('] "GET / HTTP/1.1" 200 -'), line);
  });

  it("the date in the line is the local time now (dd/Mon/YYYY HH:MM:SS)", async () => {
    const t0 = Date.now();
    const lines = await logged("GET / HTTP/1.0\r\n\r\n");
    const t1 = Date.now();
    const date = /\[([^\]]+)\]/.exec(lines[0] as string)?.[1] ?? "";
    assert.match(date, /^\d{2}\/[A-Z][a-z]{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);
    const candidates = new Set<string>();
    for (let t = t0 - 1000; t <= t1 + 1000; t += 250) candidates.add(formatLogDate(t));
    assert.ok(candidates.has(date), `${date} not in ${[...candidates].join(", ")}`);
    const d = new Date(t0);
    assert.equal(formatLogDate(t0).slice(0, 2), String(d.getDate()).padStart(2, "0"));
    assert.equal(formatLogDate(t0).slice(12, 14), String(d.getHours()).padStart(2, "0"));
  });

  it("test_err: the error line, then the request line", async () => {
    const lines = await logged("ERROR / HTTP/1.1\r\nHost: h\r\n\r\n");
    assert.equal(lines.length, 2);
    assert.match(lines[0] as string, PREFIX);
    assert.ok((lines[0] as string).endsWith("] code 404, message File not found"), lines[0]);
    assert.ok((lines[1] as string).endsWith('] "ERROR / HTTP/1.1" 404 -'), lines[1]);
  });

  it("501 for an unknown method is logged with Python's repr", async () => {
    const lines = await logged("SPAM /x HTTP/1.0\r\n\r\n");
    assert.ok((lines[0] as string).endsWith("] code 501, message Unsupported method ('SPAM')"), lines[0]);
    assert.ok((lines[1] as string).endsWith('] "SPAM /x HTTP/1.0" 501 -'), lines[1]);
  });

  it("control characters in a request line are written as \\xHH", async () => {
    // ESC at the end of the version makes it invalid: 400, with the raw line logged.
    const lines = await logged("GET / HTTP/1.1\x1b[31m\r\n\r\n");
    assert.equal(lines.length, 2);
    assert.ok((lines[0] as string).endsWith("] code 400, message Bad request version ('HTTP/1.1\\\\x1b[31m')"), lines[0]);
    assert.ok((lines[1] as string).endsWith('] "GET / HTTP/1.1\\x1b[31m" 400 -'), lines[1]);
    assert.ok(!lines.join("").includes("\x1b"));
  });

  it("DEL and C1 controls are escaped, latin-1 letters kept, backslashes doubled", async () => {
    const lines = await logged("GET /a\\b\x85\xe9 HTTP/1.0\r\n\r\n");
    assert.equal(lines.length, 1);
    assert.ok((lines[0] as string).endsWith('] "GET /a\\\\b\\x85\xe9 HTTP/1.0" 200 -'), JSON.stringify(lines[0]));
    const del = await logged("GET /\x7f HTTP/1.0\r\n\r\n");
    assert.ok((del[1] as string).endsWith('] "GET /\\x7f HTTP/1.0" 400 -'), JSON.stringify(del[1]));
  });

  it("the 414 log lines (request line unknown)", async () => {
    const lines = await logged("GET /" + "x".repeat(70000) + " HTTP/1.1\r\n\r\n");
    assert.ok((lines[0] as string).endsWith("] code 414, message URI Too Long"), lines[0]);
    assert.ok((lines[1] as string).endsWith('] "" 414 -'), lines[1]);
  });

  it("logRequest(code, size) and logError() format as CPython", async () => {
    class Sized extends BaseHTTPRequestHandler {
      async do_GET(): Promise<void> {
        this.logRequest(200, 1234);
        this.logError("odd %s %d%%", "thing", 7);
        this.logMessage("100%% plain");
        await this.sendError(204);
      }
    }
    await withServer(Sized, async ({ port }) => {
      const { text } = await captureStderr(async () => {
        await rawRequest(port, "GET /s HTTP/1.0\r\n\r\n");
      });
      const lines = text.trimEnd().split("\n");
      assert.ok(lines[0]?.endsWith('] "GET /s HTTP/1.0" 200 1234'), lines[0]);
      assert.ok(lines[1]?.endsWith("] odd thing 7%"), lines[1]);
      assert.ok(lines[2]?.endsWith("] 100% plain"), lines[2]);
      for (const l of lines) assert.match(l, PREFIX);
    });
  });
});

describe("monthname", () => {
  it("names the month of log dates (CPython's log_date_time_string reads it), padded to three characters", async () => {
    const h = Object.create(BaseHTTPRequestHandler.prototype) as BaseHTTPRequestHandler;
    const names = [null, "Jan", "Feb", "Mar", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"].map((n, i) => (n === null ? null : `${n}${i}`.slice(0, i === 1 ? 1 : 5)));
    h.monthname = names;
    const t0 = Date.now();
    const date = h.logDateTimeString();
    const month = names[new Date(t0).getMonth() + 1] as string;
    assert.equal(date.slice(3, 3 + Math.max(3, month.length)), month.padStart(3));
    // The default stays CPython's English names.
    assert.match((Object.create(BaseHTTPRequestHandler.prototype) as BaseHTTPRequestHandler).logDateTimeString(), /^\d{2}\/[A-Z][a-z]{2}\/\d{4} /);
    assert.equal(BaseHTTPRequestHandler.prototype.monthname[11], "Nov");
  });
});

describe("test_unprintable_not_logged (logMessage called directly)", () => {
  it("escapes C0, DEL and C1 controls as \\xHH and doubles backslashes", async () => {
    const h = Object.create(BaseHTTPRequestHandler.prototype) as BaseHTTPRequestHandler;
    Object.defineProperty(h, "clientAddress", { value: ["127.0.0.1", 1337] });
    const { text } = await captureStderr(async () => {
      h.logMessage("/foo");
      h.logMessage("/\x1bbar\x00\x1b");
      h.logMessage("/spam %s.", "a");
      h.logMessage("/spam %s.", "\x1b\x7f\x9f\xa0beans");
      h.logMessage('"GET /foo\\b"ar\x07 HTTP/1.0"');
    });
    assert.ok(!text.includes("\x1b"));
    assert.ok(!text.includes("\x00"));
    const lines = text.split("\n");
    assert.equal(lines.length, 6);
    assert.equal(lines[5], "");
    for (const l of lines.slice(0, 5)) assert.match(l, PREFIX);
    assert.ok(lines[0]?.endsWith("] /foo"));
    assert.ok(lines[1]?.endsWith("] /\\x1bbar\\x00\\x1b"), lines[1]);
    assert.ok(lines[2]?.endsWith("] /spam a."));
    assert.ok(lines[3]?.endsWith("] /spam \\x1b\\x7f\\x9f\xa0beans."), lines[3]);
    assert.ok(lines[4]?.endsWith('] "GET /foo\\\\b"ar\\x07 HTTP/1.0"'), lines[4]);
  });

  it("addressString() is the client IP; the line shape is exact", async () => {
    const h = Object.create(BaseHTTPRequestHandler.prototype) as BaseHTTPRequestHandler;
    Object.defineProperty(h, "clientAddress", { value: ["::1", 5] });
    h.requestline = "";
    h.logDateTimeString = () => "23/Nov/2026 19:42:46";
    const { text } = await captureStderr(async () => h.logRequest(200));
    assert.equal(text, '::1 - - [23/Nov/2026 19:42:46] "" 200 -\n');
  });

  it("a response on the wire is unaffected by what is logged", async () => {
    await withServer(LoggingHandler, async ({ port }) => {
      const { result } = await captureStderr(async () => rawRequest(port, "GET /\x85 HTTP/1.0\r\n\r\n"));
      assert.equal(parseResponse(result.data, { closed: true }).status, 200);
    });
  });
});
