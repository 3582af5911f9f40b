// What a script sees: the CGI environment, its arguments, its user, its
// descriptors; and which requests run nothing at all.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, readlinkSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { startServer, type ServerFixture } from "../helpers/server.js";
import { buildRequest, RawConnection, rawRequest } from "../helpers/raw-client.js";
import { parseResponse, type ParsedResponse } from "../helpers/http-response.js";
import { captureStderr } from "../helpers/capture.js";
import { cgiHandlerFor, makeSite, shScript, type Site } from "./helpers.js";

/** Prints the environment as NAME=value lines (Python: any bytes survive as surrogateescape). */
const PRINT_ENV = `import os, sys
out = sys.stdout.buffer
out.write(b"Content-Type: text/plain\\n\\n")
for k, v in sorted(os.environb.items()):
    out.write(k + b"=" + v + b"\\n")
`;

function envOf(res: ParsedResponse): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of res.body.toString("utf8").split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) env.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return env;
}

describe("the script's environment and arguments", () => {
  let site: Site;
  let f: ServerFixture;
  let tmp: string;

  before(async () => {
    site = makeSite();
    tmp = site.mkdir("tmp");
    chmodSync(tmp, 0o777);
    site.write("cgi-bin/env.py", PRINT_ENV);
    site.write("cgi-bin/nested/deeper/env.py", PRINT_ENV);
    site.write("cgi-bin/args.sh", shScript('printf \'%s\\n\' "$#"\nfor a in "$@"; do printf \'[%s]\\n\' "$a"; done'));
    site.write("cgi-bin/id.sh", shScript("id -u\nid -g"));
    site.write(
      "cgi-bin/fds.py",
      `import os
print("Content-Type: text/plain")
print()
for fd in range(0, 1024):
    try:
        print(fd, os.readlink("/proc/self/fd/%d" % fd))
    except OSError:
        pass
`,
    );
    site.write("cgi-bin/cat.sh", shScript("cat"));
    site.write("cgi-bin/stderr.sh", shScript("echo 'warn one' >&2\nprintf 'esc \\033[31m red\\n' >&2\nprintf 'no newline at end' >&2\necho out"));
    f = await startServer(cgiHandlerFor(site.root, { protocol: "HTTP/1.1" }));
  });

  after(async () => {
    await f.close();
    site.rm();
  });

  async function get(target: string, headers: string[] = [], method = "GET", body = ""): Promise<ParsedResponse> {
    const extra = body ? [`Content-Length: ${Buffer.byteLength(body)}`] : [];
    const r = await rawRequest(f.port, buildRequest(method, target, ["Host: example.test:8080", "Connection: close", ...headers, ...extra], { body }), { timeoutMs: 10000 });
    assert.ok(r.closed);
    return parseResponse(r.data, { closed: true, methods: [method] });
  }

  it("RFC 3875 variables for a GET with PATH_INFO and a query", async () => {
    const env = envOf(await get("/cgi-bin/env.py/extra/p%20ath?a=1&b=%20x", ["User-Agent: ua/1", "Referer: http://r.test/", "Cookie: c=1", "Cookie: d=2"]));
    const expect: Record<string, string> = {
      GATEWAY_INTERFACE: "CGI/1.1",
      SERVER_PROTOCOL: "HTTP/1.1",
      SERVER_NAME: "localhost",
      SERVER_PORT: String(f.port),
      REQUEST_METHOD: "GET",
      SCRIPT_NAME: "/cgi-bin/env.py",
      PATH_INFO: "/extra/p ath",
      PATH_TRANSLATED: path.join(site.root, "extra/p ath"),
      QUERY_STRING: "a=1&b=%20x",
      REMOTE_ADDR: "127.0.0.1",
      REMOTE_HOST: "",
      CONTENT_TYPE: "text/plain",
      CONTENT_LENGTH: "",
      HTTP_USER_AGENT: "ua/1",
      HTTP_REFERER: "http://r.test/",
      HTTP_COOKIE: "c=1, d=2",
      HTTP_ACCEPT: "",
      HTTP_HOST: "example.test:8080",
      HTTP_CONNECTION: "close",
    };
    for (const [k, v] of Object.entries(expect)) assert.equal(env.get(k), v, k);
    assert.match(env.get("SERVER_SOFTWARE") ?? "", /^SimpleHTTP\/0\.6 Node\//);
    assert.equal(env.has("AUTH_TYPE"), false);
  });

  it("POST: CONTENT_TYPE and CONTENT_LENGTH; Basic credentials give AUTH_TYPE and REMOTE_USER", async () => {
    const env = envOf(await get("/cgi-bin/env.py", ["Content-Type: application/x-www-form-urlencoded", `Authorization: Basic ${Buffer.from("user:pass").toString("base64")}`], "POST", "k=v&x=y"));
    assert.equal(env.get("REQUEST_METHOD"), "POST");
    assert.equal(env.get("CONTENT_TYPE"), "application/x-www-form-urlencoded");
    assert.equal(env.get("CONTENT_LENGTH"), "7");
    assert.equal(env.get("AUTH_TYPE"), "Basic");
    assert.equal(env.get("REMOTE_USER"), "user");
    assert.equal(env.has("HTTP_AUTHORIZATION"), false, "credentials are not copied into HTTP_*");
  });

  it("other request headers become HTTP_*; Proxy never does (httpoxy)", async () => {
    const env = envOf(await get("/cgi-bin/env.py", ["X-Forwarded-For: 10.0.0.1", "Proxy: http://evil.test:8080", "X-Multi: a", "X-Multi: b", "X_Under: no", "X-Utf8: caf\xc3\xa9"]));
    assert.equal(env.get("HTTP_X_FORWARDED_FOR"), "10.0.0.1");
    assert.equal(env.get("HTTP_X_MULTI"), "a, b");
    assert.equal(env.get("HTTP_X_UTF8"), "café", "UTF-8 header bytes reach the script as sent");
    assert.notEqual(env.get("HTTP_PROXY"), "http://evil.test:8080");
    assert.equal(env.has("HTTP_X_UNDER"), false);
  });

  it("the server's own environment passes through; CPython's request variables override it", async () => {
    process.env["CGI_TEST_MARKER"] = "from the server";
    process.env["HTTP_COOKIE"] = "server-cookie";
    try {
      const env = envOf(await get("/cgi-bin/env.py"));
      assert.equal(env.get("CGI_TEST_MARKER"), "from the server");
      assert.equal(env.get("HTTP_COOKIE"), "", "a cookie the client did not send is not the server's");
      assert.equal(env.get("PATH"), process.env["PATH"]);
      assert.equal(process.env["HTTP_COOKIE"], "server-cookie", "the server's environment is not modified");
    } finally {
      delete process.env["CGI_TEST_MARKER"];
      delete process.env["HTTP_COOKIE"];
    }
  });

  it("nested script directories: SCRIPT_NAME and PATH_INFO split after the last directory", async () => {
    const env = envOf(await get("/cgi-bin/nested/deeper/env.py/more/path"));
    assert.equal(env.get("SCRIPT_NAME"), "/cgi-bin/nested/deeper/env.py");
    assert.equal(env.get("PATH_INFO"), "/more/path");
  });

  it("PATH_INFO is decoded once (CPython decodes twice)", async () => {
    const env = envOf(await get("/cgi-bin/env.py/a%2541"));
    assert.equal(env.get("PATH_INFO"), "/a%41");
  });

  it("a query without '=' is the script's argument: '+' a space, %xx decoded", async () => {
    assert.equal((await get("/cgi-bin/args.sh?hello+big%20world%2B")).body.toString(), "1\n[hello big world+]\n");
    assert.equal((await get("/cgi-bin/args.sh?a=b")).body.toString(), "0\n");
    assert.equal((await get("/cgi-bin/args.sh")).body.toString(), "0\n");
  });

  it("scripts run as nobody when the server is root (CPython's nobody_uid), else as the server's user", async () => {
    const [uid, gid] = (await get("/cgi-bin/id.sh")).body.toString().trim().split("\n").map(Number);
    if (process.geteuid?.() === 0) {
      assert.notEqual(uid, 0, "not root");
      assert.notEqual(gid, 0, "not group root either (CPython keeps gid 0)");
      assert.ok(existsSync("/etc/passwd"));
    } else {
      assert.equal(uid, process.geteuid?.());
    }
  });

  it("the script inherits its three pipes and no socket of the server", async () => {
    const conn = await RawConnection.connect(f.port); // another client's connection, open meanwhile
    try {
      const ours = new Set<string>();
      for (const fd of readdirSync("/proc/self/fd")) {
        try {
          const target = readlinkSync(`/proc/self/fd/${fd}`);
          if (target.startsWith("socket:")) ours.add(target);
        } catch {
          // gone
        }
      }
      const lines = (await get("/cgi-bin/fds.py")).body.toString().trim().split("\n");
      const fds = new Map(lines.map((l) => [Number(l.split(" ")[0]), l.slice(l.indexOf(" ") + 1)]));
      assert.ok(fds.has(0) && fds.has(1) && fds.has(2));
      for (const [fd, target] of fds) {
        assert.ok(!ours.has(target), `fd ${fd} of the script is the server's ${target}`);
        if (fd > 2) assert.ok(!target.startsWith("socket:"), `fd ${fd} -> ${target}`);
      }
    } finally {
      conn.destroy();
    }
  });

  it("Expect: 100-continue: 100 Continue, then the body reaches the script", async () => {
    const conn = await RawConnection.connect(f.port);
    try {
      conn.write(buildRequest("POST", "/cgi-bin/cat.sh", ["Host: x", "Content-Length: 5", "Expect: 100-continue", "Connection: close"]));
      await conn.readUntil((d) => d.includes("HTTP/1.1 100 Continue\r\n\r\n"), 5000);
      conn.write("hello");
      await conn.waitClose(5000);
      assert.match(conn.text, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 [^]*\r\n\r\nhello$/);
    } finally {
      conn.destroy();
    }
  });

  it("stderr goes to the server log line by line, escaped", async () => {
    const Handler = cgiHandlerFor(site.root, { realLog: true });
    const g = await startServer(Handler);
    try {
      const { text } = await captureStderr(async () => {
        const r = await rawRequest(g.port, buildRequest("GET", "/cgi-bin/stderr.sh", [], { version: "HTTP/1.0" }), { timeoutMs: 5000 });
        assert.equal(parseResponse(r.data, { closed: true }).body.toString(), "out\n");
      });
      const lines = text.split("\n");
      assert.ok(lines.some((l) => /^127\.0\.0\.1 - - \[[^\]]+\] warn one$/.test(l)), text);
      assert.ok(lines.some((l) => /\] esc \\x1b\[31m red$/.test(l)), text);
      assert.ok(lines.some((l) => /\] no newline at end$/.test(l)), text);
    } finally {
      await g.close();
    }
  });
});

describe("requests that run nothing", () => {
  let site: Site;
  let f: ServerFixture;
  let touched: string;

  before(async () => {
    site = makeSite();
    const tmp = site.mkdir("tmp");
    chmodSync(tmp, 0o777);
    touched = path.join(tmp, "touched");
    site.write("cgi-bin/touch.sh", shScript(`touch ${touched}\necho ran`));
    site.write("cgi-bin/noexec.sh", shScript("echo never"), 0o644);
    site.write("cgi-bin/noexec.py", 'print("Content-Type: text/plain")\nprint()\nprint("python without x bit")\n', 0o644);
    site.mkdir("cgi-bin/subdir");
    site.write("hello.txt", "hello\n", 0o644);
    f = await startServer(cgiHandlerFor(site.root));
  });

  after(async () => {
    await f.close();
    site.rm();
  });

  async function get(target: string, method = "GET", headers: string[] = [], body = ""): Promise<ParsedResponse> {
    const r = await rawRequest(f.port, buildRequest(method, target, headers, { body, version: "HTTP/1.0" }), { timeoutMs: 5000 });
    assert.ok(r.closed);
    return parseResponse(r.data, { closed: true, methods: [method] });
  }

  it("paths climbing above the root: 404, nothing runs", async () => {
    for (const target of ["/../cgi-bin/touch.sh", "/cgi-bin/../../cgi-bin/touch.sh", "/cgi-bin/%2e%2e/%2e%2e/cgi-bin/touch.sh", "/..", "/a/../../hello.txt"]) {
      const res = await get(target);
      assert.equal(res.status, 404, target);
      assert.ok(!res.body.toString().includes("ran"));
    }
    assert.equal(existsSync(touched), false, "no script ran");
    assert.ok(f.logs.some((l) => l.includes("rejected path '/../cgi-bin/touch.sh': the path climbs above the root")), f.logs.join("\n"));
  });

  it("'..' that stays inside the root is collapsed as CPython does", async () => {
    assert.equal((await get("/cgi-bin/../hello.txt")).body.toString(), "hello\n");
    assert.equal((await get("/x/../cgi-bin/touch.sh")).body.toString(), "ran\n");
  });

  it("CPython's error texts", async () => {
    let res = await get("/cgi-bin/nope.sh");
    assert.deepEqual([res.status, res.reason], [404, "No such CGI script ('/cgi-bin/nope.sh')"]);
    res = await get("/cgi-bin/subdir");
    assert.deepEqual([res.status, res.reason], [403, "CGI script is not a plain file ('/cgi-bin/subdir')"]);
    res = await get("/cgi-bin/");
    assert.deepEqual([res.status, res.reason], [403, "CGI script is not a plain file ('/cgi-bin/')"]);
    res = await get("/cgi-bin/noexec.sh");
    assert.deepEqual([res.status, res.reason], [403, "CGI script is not executable ('/cgi-bin/noexec.sh')"]);
    res = await get("/hello.txt", "POST", ["Content-Length: 1"], "x");
    assert.deepEqual([res.status, res.reason], [501, "Can only POST to CGI scripts"]);
  });

  it("a .py script needs no x bit: python3 runs it", async () => {
    const res = await get("/cgi-bin/noexec.py");
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), "python without x bit\n");
  });

  it("a NUL in PATH_INFO: 400, nothing runs", async () => {
    rmSync(touched, { force: true }); // the test before ran it on purpose
    const res = await get("/cgi-bin/touch.sh/a%00b");
    assert.equal(res.status, 400);
    assert.equal(existsSync(touched), false);
  });

  it("a broken chunked body: 400, and the script never sees the body as complete", async () => {
    const done = path.join(site.root, "tmp", "read-all");
    site.write("cgi-bin/read-all.sh", shScript(`cat > /dev/null && touch ${done}\necho read`));
    const r = await rawRequest(f.port, buildRequest("POST", "/cgi-bin/read-all.sh", ["Transfer-Encoding: chunked"], { body: "5\r\nhello\r\nzz\r\n", version: "HTTP/1.0" }), { timeoutMs: 5000 });
    const res = parseResponse(r.data, { closed: true });
    assert.equal(res.status, 400);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(existsSync(done), false, "killed before it could read an end of input");
  });

});
