// The pure pieces of CGI support, one concept each.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HeaderMap } from "../../src/index.js";
import {
  CgiResponseParser,
  authVariables,
  buildCgiEnvironment,
  headerValueForEnv,
  isPythonScriptName,
  locateCgiScript,
  queryArguments,
  urlCollapsePath,
  type CgiParseResult,
  type CgiRequestFacts,
} from "../../src/cgi/index.js";
import { pathExtension } from "../../src/cgi/cgi-command-line.js";
import { IdleTimer } from "../../src/cgi/idle-timer.js";
import { LineSplitter } from "../../src/cgi/line-splitter.js";
import { exitStatusCode } from "../../src/cgi/cgi-process.js";
import { nobodyFromPasswd } from "../../src/cgi/run-as.js";

describe("urlCollapsePath (CPython's test_url_collapse_path)", () => {
  // null where CPython raises IndexError
  const vectors: Record<string, string | null> = {
    "": "//",
    "..": null,
    "/.//..": null,
    "/": "//",
    "//": "//",
    "/\\": "//\\",
    "/.//": "//",
    "cgi-bin/file1.py": "/cgi-bin/file1.py",
    "/cgi-bin/file1.py": "/cgi-bin/file1.py",
    a: "//a",
    "/a": "//a",
    "//a": "//a",
    "./a": "//a",
    "./C:/": "/C:/",
    "/a/b": "/a/b",
    "/a/b/": "/a/b/",
    "/a/b/.": "/a/b/",
    "/a/b/c/..": "/a/b/",
    "/a/b/c/../d": "/a/b/d",
    "/a/b/c/../d/e/../f": "/a/b/d/f",
    "/a/b/c/../d/e/../../f": "/a/b/f",
    "/a/b/c/../d/e/.././././..//f": "/a/b/f",
    "../a/b/c/../d/e/.././././..//f": null,
    "/a/b/c/../d/e/../../../f": "/a/f",
    "/a/b/c/../d/e/../../../../f": "//f",
    "/a/b/c/../d/e/../../../../../f": null,
    "/a/b/c/../d/e/../../../../f/..": "//",
    "/a/b/c/../d/e/../../../../f/../.": "//",
  };
  for (const [input, expected] of Object.entries(vectors)) {
    it(`${JSON.stringify(input)} -> ${JSON.stringify(expected)}`, () => {
      assert.equal(urlCollapsePath(input), expected);
    });
  }

  it("decodes before collapsing, keeps the query undecoded", () => {
    assert.equal(urlCollapsePath("/cgi-bin%2ffile1.py"), "/cgi-bin/file1.py");
    assert.equal(urlCollapsePath("/cgi-bin/%2e%2e/x/y.sh"), "/x/y.sh");
    assert.equal(urlCollapsePath("/cgi-bin/%2e%2e/%2e%2e/y.sh"), null);
    assert.equal(urlCollapsePath("/a/b?x=%2F/../y"), "/a/b?x=%2F/../y");
  });
});

describe("queryArguments (RFC 3875 section 4.4)", () => {
  it("a query without '=' is one argument, '+' a space, then percent-decoded", () => {
    assert.deepEqual(queryArguments("hello+world"), ["hello world"]);
    assert.deepEqual(queryArguments("a%2Bb+c%20d"), ["a+b c d"]);
    assert.deepEqual(queryArguments("caf%C3%A9"), ["café"]);
  });
  it("no argument with an unencoded '=', an empty query, or a NUL", () => {
    assert.deepEqual(queryArguments("a=b"), []);
    assert.deepEqual(queryArguments("x&y=1"), []);
    assert.deepEqual(queryArguments(""), []);
    assert.deepEqual(queryArguments("a%00b"), []);
    // an encoded '=' is data, not a separator
    assert.deepEqual(queryArguments("a%3Db"), ["a=b"]);
  });
});

describe("isPython / pathExtension (os.path.splitext)", () => {
  it("matches Python's splitext", () => {
    const cases: Array<[string, string]> = [
      ["a.py", ".py"], [".py", ""], ["..py", ""], ["x/.py", ""], ["a.b.PY", ".PY"], ["a", ""], ["a/b.c/d", ""], ["...x.py", ".py"], [".a.py", ".py"],
    ];
    for (const [p, ext] of cases) assert.equal(pathExtension(p), ext, p);
  });
  it(".py and .pyw in any case, nothing else", () => {
    assert.ok(isPythonScriptName("/cgi-bin/x.py"));
    assert.ok(isPythonScriptName("/cgi-bin/x.PYW"));
    assert.ok(!isPythonScriptName("/cgi-bin/x.pyc"));
    assert.ok(!isPythonScriptName("/cgi-bin/x.sh"));
    assert.ok(!isPythonScriptName("/cgi-bin/.py"));
  });
});

describe("locateCgiScript (run_cgi's directory walk)", () => {
  const dirs = new Set(["/cgi-bin/child-dir", "/cgi-bin/child-dir/deeper"]);
  const isDir = (p: string): boolean => dirs.has(p);
  it("script and PATH_INFO", () => {
    assert.deepEqual(locateCgiScript("/cgi-bin", "env.sh/extra/path", isDir), {
      dir: "/cgi-bin", script: "env.sh", scriptName: "/cgi-bin/env.sh", pathInfo: "/extra/path",
    });
    assert.deepEqual(locateCgiScript("/cgi-bin", "x.py", isDir), { dir: "/cgi-bin", script: "x.py", scriptName: "/cgi-bin/x.py", pathInfo: "" });
  });
  it("descends into nested directories (bpo-21323)", () => {
    assert.deepEqual(locateCgiScript("/cgi-bin", "child-dir/deeper/s.sh/p/q", isDir), {
      dir: "/cgi-bin/child-dir/deeper", script: "s.sh", scriptName: "/cgi-bin/child-dir/deeper/s.sh", pathInfo: "/p/q",
    });
  });
  it("the directory itself: an empty script name", () => {
    assert.deepEqual(locateCgiScript("/cgi-bin", "", isDir), { dir: "/cgi-bin", script: "", scriptName: "/cgi-bin/", pathInfo: "" });
  });
});

function facts(headers: Array<[string, string]>, over: Partial<CgiRequestFacts> = {}): CgiRequestFacts {
  return {
    serverSoftware: "SimpleHTTP/0.6 Node/20",
    serverName: "localhost",
    serverProtocol: "HTTP/1.0",
    serverPort: 8000,
    requestMethod: "GET",
    pathInfo: "/p",
    pathTranslated: "/srv/p",
    scriptName: "/cgi-bin/x.sh",
    queryString: "a=1",
    remoteAddr: "127.0.0.1",
    headers: new HeaderMap(headers),
    ...over,
  };
}

describe("buildCgiEnvironment", () => {
  it("CPython's variables, and the base environment copied, not modified", () => {
    const base = Object.freeze({ PATH: "/usr/bin", SERVER_SOFTWARE: "old", KEEP: "me" });
    const env = buildCgiEnvironment(base, facts([["Content-Type", "text/x"], ["Content-Length", "5"], ["User-Agent", "ua"], ["Referer", "http://r/"]]));
    assert.equal(base.SERVER_SOFTWARE, "old");
    assert.equal(env["KEEP"], "me");
    assert.equal(env["PATH"], "/usr/bin");
    assert.deepEqual(
      [env["SERVER_SOFTWARE"], env["SERVER_NAME"], env["GATEWAY_INTERFACE"], env["SERVER_PROTOCOL"], env["SERVER_PORT"], env["REQUEST_METHOD"]],
      ["SimpleHTTP/0.6 Node/20", "localhost", "CGI/1.1", "HTTP/1.0", "8000", "GET"],
    );
    assert.deepEqual(
      [env["PATH_INFO"], env["PATH_TRANSLATED"], env["SCRIPT_NAME"], env["QUERY_STRING"], env["REMOTE_ADDR"]],
      ["/p", "/srv/p", "/cgi-bin/x.sh", "a=1", "127.0.0.1"],
    );
    assert.deepEqual([env["CONTENT_TYPE"], env["CONTENT_LENGTH"], env["HTTP_USER_AGENT"], env["HTTP_REFERER"]], ["text/x", "5", "ua", "http://r/"]);
  });

  it("CPython's defaults: text/plain, empty strings, HTTP_ACCEPT always", () => {
    const env = buildCgiEnvironment({ HTTP_COOKIE: "from-server", HTTP_USER_AGENT: "server-ua" }, facts([], { queryString: "" }));
    assert.equal(env["CONTENT_TYPE"], "text/plain");
    for (const k of ["QUERY_STRING", "REMOTE_HOST", "CONTENT_LENGTH", "HTTP_USER_AGENT", "HTTP_COOKIE", "HTTP_REFERER", "HTTP_ACCEPT"]) {
      assert.equal(env[k], "", k);
    }
    assert.ok(!("AUTH_TYPE" in env) && !("REMOTE_USER" in env));
  });

  it("Accept joined by ',', Cookie by ', ' (empty ones dropped)", () => {
    const env = buildCgiEnvironment({}, facts([["Accept", "a/b"], ["ACCEPT", "c/d"], ["Cookie", "x=1"], ["Cookie", ""], ["cookie", "y=2"]]));
    assert.equal(env["HTTP_ACCEPT"], "a/b,c/d");
    assert.equal(env["HTTP_COOKIE"], "x=1, y=2");
  });

  it("every other header as HTTP_*, except Proxy (httpoxy), credentials and ambiguous names", () => {
    const env = buildCgiEnvironment({ HTTP_PROXY: "http://server-proxy:3128" }, facts([
      ["Host", "example.test"],
      ["X-Forwarded-For", "10.0.0.1"],
      ["x-forwarded-for", "10.0.0.2"],
      ["Proxy", "http://evil:8080"],
      ["Authorization", "Basic dXNlcjpwYXNz"],
      ["X_Under", "no"],
      ["X.Dot", "no"],
      ["If-None-Match", '"abc"'],
      ["Transfer-Encoding", "chunked"],
    ]));
    assert.equal(env["HTTP_HOST"], "example.test");
    assert.equal(env["HTTP_X_FORWARDED_FOR"], "10.0.0.1, 10.0.0.2");
    assert.equal(env["HTTP_IF_NONE_MATCH"], '"abc"');
    assert.equal(env["HTTP_PROXY"], "http://server-proxy:3128", "the server's own HTTP_PROXY passes, the client's Proxy never");
    assert.ok(!("HTTP_AUTHORIZATION" in env));
    assert.ok(!("HTTP_TRANSFER_ENCODING" in env), "the script reads the body de-chunked");
    assert.ok(!("HTTP_X_UNDER" in env));
    assert.ok(!Object.keys(env).some((k) => k.includes(".")));
    assert.equal(env["AUTH_TYPE"], "Basic");
    assert.equal(env["REMOTE_USER"], "user");
  });

  it("header bytes that are UTF-8 reach the script as sent", () => {
    const latin1OfUtf8 = Buffer.from("café", "utf8").toString("latin1");
    assert.equal(headerValueForEnv(latin1OfUtf8), "café");
    assert.equal(headerValueForEnv("caf\xe9"), "caf\xe9"); // not UTF-8: CPython's latin-1 reading
    assert.equal(headerValueForEnv("plain"), "plain");
  });

  it("authVariables as CPython: two words, Basic decoded, user:pass split", () => {
    assert.deepEqual(authVariables("Basic " + Buffer.from("username:pass").toString("base64")), { AUTH_TYPE: "Basic", REMOTE_USER: "username" });
    assert.deepEqual(authVariables("basic " + Buffer.from("u:p:x").toString("base64")), { AUTH_TYPE: "basic" });
    assert.deepEqual(authVariables("Bearer abc"), { AUTH_TYPE: "Bearer" });
    assert.deepEqual(authVariables("Basic"), {});
    assert.deepEqual(authVariables("Basic a b"), {});
    assert.deepEqual(authVariables("Basic " + Buffer.from("\xe9:p", "latin1").toString("base64")), { AUTH_TYPE: "Basic" });
    assert.deepEqual(authVariables(undefined), {});
  });
});

function feed(text: string | Buffer, byByte = false): CgiParseResult {
  const p = new CgiResponseParser();
  const buf = typeof text === "string" ? Buffer.from(text, "latin1") : text;
  let r: CgiParseResult = { state: "partial" };
  if (byByte) for (let i = 0; i < buf.length; i++) r = p.push(buf.subarray(i, i + 1));
  else r = p.push(buf);
  return r.state === "partial" ? p.end() : r;
}

function complete(r: CgiParseResult): Extract<CgiParseResult, { state: "complete" }> {
  assert.equal(r.state, "complete", r.state === "error" ? r.reason : "");
  return r as Extract<CgiParseResult, { state: "complete" }>;
}

describe("CgiResponseParser (RFC 3875 section 6)", () => {
  it("Python-style LF lines, Content-Type only: 200, body after the blank line", () => {
    for (const byByte of [false, true]) {
      const r = complete(feed("Content-type: text/html\n\nHello World\n", byByte));
      assert.equal(r.head.status, 200);
      assert.equal(r.head.statusGiven, false);
      assert.deepEqual(r.head.headers, [["Content-type", "text/html"]]);
      if (!byByte) assert.equal(r.body.toString(), "Hello World\n");
    }
  });

  it("CRLF lines, Status with and without a reason", () => {
    let r = complete(feed("Status: 404 Not Here\r\nContent-Type: text/plain\r\n\r\nx"));
    assert.deepEqual([r.head.status, r.head.reason, r.head.statusGiven], [404, "Not Here", true]);
    assert.deepEqual(r.head.headers, [["Content-Type", "text/plain"]]);
    r = complete(feed("Status: 204\r\n\r\n"));
    assert.deepEqual([r.head.status, r.head.reason], [204, null]);
  });

  it("Location without Status is 302; with Status, Status wins", () => {
    let r = complete(feed("Location: /hello.txt\n\n"));
    assert.equal(r.head.status, 302);
    assert.deepEqual(r.head.headers, [["Location", "/hello.txt"]]);
    r = complete(feed("Status: 301 Moved\nLocation: http://x/\n\n"));
    assert.equal(r.head.status, 301);
  });

  it("other fields pass through in order; values trimmed; Content-Length read", () => {
    const r = complete(feed("X-A:  1 \nContent-Type: a/b\nSet-Cookie: s=1\nSet-Cookie: t=2\nContent-Length: 3\n\nabc"));
    assert.deepEqual(r.head.headers, [["X-A", "1"], ["Content-Type", "a/b"], ["Set-Cookie", "s=1"], ["Set-Cookie", "t=2"], ["Content-Length", "3"]]);
    assert.equal(r.head.contentLength, 3);
  });

  it("hop-by-hop fields are dropped and reported", () => {
    const r = complete(feed("Content-Type: a/b\nConnection: keep-alive\nTransfer-Encoding: chunked\nKeep-Alive: 5\n\n"));
    assert.deepEqual(r.head.headers, [["Content-Type", "a/b"]]);
    assert.deepEqual(r.head.dropped, ["Connection", "Transfer-Encoding", "Keep-Alive"]);
  });

  const invalid: Array<[string, string | Buffer, RegExp]> = [
    ["no output", "", /wrote nothing/],
    ["no header block", "Hello World\n", /without a colon/],
    ["ends inside the block", "Content-Type: a/b\n", /ended inside the header block/],
    ["no CGI field", "X-Only: 1\n\nbody", /no Content-Type, Location or Status/],
    ["blank line first", "\nbody", /no Content-Type, Location or Status/],
    ["bad Status", "Status: abc\n\n", /invalid Status/],
    ["interim Status", "Status: 100 Continue\n\n", /invalid Status/],
    ["Status out of range", "Status: 600 X\n\n", /invalid Status/],
    ["two Status", "Status: 200 OK\nStatus: 404 No\n\n", /more than one Status/],
    ["two Content-Type", "Content-Type: a/b\nContent-Type: c/d\n\n", /more than one Content-Type/],
    ["two Location", "Location: /a\nLocation: /b\n\n", /more than one Location/],
    ["empty Location", "Location:\n\n", /empty Location/],
    ["bad Content-Length", "Content-Type: a/b\nContent-Length: 1x\n\n", /invalid Content-Length/],
    ["conflicting Content-Length", "Content-Type: a/b\nContent-Length: 1\nContent-Length: 2\n\n", /conflicting/],
    ["bad name", "Bad Name: 1\n\n", /invalid header name/],
    ["bare CR", "Content-Type: a/b\rX-Injected: 1\n\n", /CR inside/],
    ["control character", "Content-Type: a\x01b\n\n", /control character/],
    ["folded line", "Content-Type: a/b\n continued\n\n", /obsolete line folding/],
    ["too long", "Content-Type: a/b\nX: " + "y".repeat(70000) + "\n\n", /longer than 65536/],
    ["too long, no newline", "X".repeat(70000), /longer than 65536/],
    ["too many fields", "Content-Type: a/b\n" + "X: 1\n".repeat(100) + "\n", /more than 100 header fields/],
  ];
  for (const [name, text, reason] of invalid) {
    it(`invalid: ${name}`, () => {
      const r = feed(text);
      assert.equal(r.state, "error");
      assert.match((r as { reason: string }).reason, reason);
    });
  }

  it("results are final: later output changes nothing", () => {
    const p = new CgiResponseParser();
    const first = p.push(Buffer.from("Content-Type: a/b\n\nbody"));
    assert.equal(first.state, "complete");
    assert.equal(p.push(Buffer.from("more")), first);
    assert.equal(p.end(), first);
    assert.equal(p.bytesReceived, 23);
  });

  it("bytes above 0x7f are kept as latin-1 characters (one per byte)", () => {
    const r = complete(feed(Buffer.from([...Buffer.from("Content-Type: a/b\nX-Name: "), 0xc3, 0xa9, 0x0a, 0x0a])));
    assert.deepEqual(r.head.headers[1], ["X-Name", "\xc3\xa9"]);
  });
});

describe("LineSplitter (stderr to the log)", () => {
  it("splits on LF, drops a CR before it, keeps partial lines for later", () => {
    const s = new LineSplitter();
    assert.deepEqual(s.push(Buffer.from("one\r\ntw")), ["one"]);
    assert.deepEqual(s.push(Buffer.from("o\n\nthr")), ["two", ""]);
    assert.equal(s.end(), "thr");
    assert.equal(s.end(), null);
  });
  it("cuts lines longer than the limit", () => {
    const s = new LineSplitter(4);
    assert.deepEqual(s.push(Buffer.from("abcdefghij")), ["abcd", "efgh"]);
    assert.deepEqual(s.push(Buffer.from("\n")), ["ij"]);
  });
});

describe("IdleTimer (cgiTimeout)", () => {
  it("fires after the idle period; touch restarts; pause stops counting", async () => {
    let fired = 0;
    const t = new IdleTimer(80, () => fired++);
    await new Promise((r) => setTimeout(r, 50));
    t.touch();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(fired, 0, "touched 50 ms in: not idle for 80 ms yet");
    t.pause();
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(fired, 0, "paused");
    t.resume();
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(fired, 1);
    assert.ok(t.fired);
    t.stop();
  });
  it("null or 0 never fires; stop() cancels", async () => {
    let fired = 0;
    const a = new IdleTimer(null, () => fired++);
    const b = new IdleTimer(0, () => fired++);
    const c = new IdleTimer(20, () => fired++);
    c.stop();
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(fired, 0);
    a.stop();
    b.stop();
  });
});

describe("nobodyFromPasswd (CPython's nobody_uid) and exit codes", () => {
  it("the nobody entry, else one past the largest ids", () => {
    assert.deepEqual(nobodyFromPasswd("root:x:0:0::/root:/bin/sh\nnobody:x:65534:65533::/:/bin/false\n"), { uid: 65534, gid: 65533 });
    assert.deepEqual(nobodyFromPasswd("root:x:0:0::/root:/bin/sh\nbob:x:1000:1001::/:/bin/sh\n# junk\n"), { uid: 1001, gid: 1002 });
    assert.deepEqual(nobodyFromPasswd(""), { uid: 1, gid: 1 });
  });
  it("exitStatusCode: the code, or minus the signal (os.waitstatus_to_exitcode)", () => {
    assert.equal(exitStatusCode({ code: 3, signal: null }), 3);
    assert.equal(exitStatusCode({ code: null, signal: "SIGKILL" }), -9);
    assert.equal(exitStatusCode({ code: 0, signal: null }), 0);
  });
});
