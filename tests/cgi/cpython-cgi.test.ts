// Ports of CPython 3.13's Lib/test/test_httpservers.py CGIHTTPServerTestCase,
// black-box over real sockets (raw bytes, and python3's http.client where
// CPython's own client matters), with the scripts of that test case.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CGIHTTPRequestHandler } from "../../src/index.js";
import { startServer, type ServerFixture } from "../helpers/server.js";
import { buildRequest, rawRequest } from "../helpers/raw-client.js";
import { parseResponse, type ParsedResponse } from "../helpers/http-response.js";
import { runPython } from "../helpers/python.js";
import { PY_ENV, PY_HELLO, PY_POST, cgiHandlerFor, makeSite, pyPrintEnv, type Site } from "./helpers.js";

describe("CGIHTTPServerTestCase (CPython 3.13)", () => {
  let site: Site;
  let f: ServerFixture;

  before(async () => {
    site = makeSite();
    site.write("nocgi.py", PY_HELLO);
    site.write("cgi-bin/file1.py", PY_HELLO);
    site.write("cgi-bin/file2.py", PY_POST);
    site.write("cgi-bin/child-dir/file3.py", PY_HELLO);
    site.write("cgi-bin/file4.py", pyPrintEnv("QUERY_STRING"));
    site.write("sub/dir/cgi-bin/file5.py", PY_HELLO);
    site.write("cgi-bin/file6.py", PY_ENV);
    // CPython appends to the class attribute in the test; a bound subclass keeps it local.
    const Handler = cgiHandlerFor(site.root, { cgiDirectories: [...CGIHTTPRequestHandler.prototype.cgiDirectories, "/sub/dir/cgi-bin"] });
    f = await startServer(Handler);
  });

  after(async () => {
    await f.close();
    site.rm();
  });

  async function request(target: string, method = "GET", body = "", headers: string[] = []): Promise<ParsedResponse> {
    const extra = body ? [...headers, `Content-Length: ${Buffer.byteLength(body)}`] : headers;
    const r = await rawRequest(f.port, buildRequest(method, target, extra, { body, version: "HTTP/1.0" }), { timeoutMs: 10000 });
    assert.ok(r.closed, "HTTP/1.0: the server closes after the response");
    return parseResponse(r.data, { closed: true, methods: [method] });
  }

  function assertHello(res: ParsedResponse): void {
    assert.deepEqual([res.body.toString("latin1"), res.header("Content-type"), res.status], ["Hello World\n", "text/html", 200]);
  }

  it("test_headers_and_content", async () => {
    assertHello(await request("/cgi-bin/file1.py"));
  });

  it("test_issue19435: a path that leaves and re-enters gets 404", async () => {
    const res = await request("///////////nocgi.py/../cgi-bin/nothere.sh");
    assert.equal(res.status, 404);
    assert.match(res.reason, /^No such CGI script \('\/cgi-bin\/nothere\.sh'\)$/);
  });

  it("test_post", async () => {
    const params = "spam=1&eggs=python&bacon=123456";
    const res = await request("/cgi-bin/file2.py", "POST", params, ["Content-type: application/x-www-form-urlencoded"]);
    assert.equal(res.status, 200);
    assert.equal(res.body.toString("latin1"), "1, python, 123456\n");
  });

  it("test_post through python3's http.client", async () => {
    const { stdout, code, stderr } = await runPython(
      `import http.client, sys, urllib.parse
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
params = urllib.parse.urlencode({'spam': 1, 'eggs': 'python', 'bacon': 123456})
c.request("POST", "/cgi-bin/file2.py", params, {"Content-type": "application/x-www-form-urlencoded"})
r = c.getresponse()
sys.stdout.write("%d %r" % (r.status, r.read()))`,
      [String(f.port)],
    );
    assert.equal(code, 0, stderr);
    assert.equal(stdout, "200 b'1, python, 123456\\n'");
  });

  it("test_invaliduri", async () => {
    const res = await request("/cgi-bin/invalid");
    assert.equal(res.status, 404);
    assert.equal(res.reason, "No such CGI script ('/cgi-bin/invalid')");
  });

  it("test_authorization", async () => {
    const creds = Buffer.from("username:pass").toString("base64");
    assertHello(await request("/cgi-bin/file1.py", "GET", "", [`Authorization: Basic ${creds}`]));
  });

  it("test_no_leading_slash (bpo-2254)", async () => {
    assertHello(await request("cgi-bin/file1.py"));
  });

  it("test_os_environ_is_not_altered", async () => {
    const saved = process.env["SERVER_SOFTWARE"];
    const signature = "Test CGI Server";
    process.env["SERVER_SOFTWARE"] = signature;
    try {
      assertHello(await request("/cgi-bin/file1.py"));
      assert.equal(process.env["SERVER_SOFTWARE"], signature);
      // and the script saw ours, not the server's environment value
      const env = (await request("/cgi-bin/file6.py")).body.toString("latin1");
      assert.match(env, /^SERVER_SOFTWARE=SimpleHTTP\/0\.6 Node\/[\d.]+$/m);
      assert.equal(process.env["SERVER_SOFTWARE"], signature);
    } finally {
      if (saved === undefined) delete process.env["SERVER_SOFTWARE"];
      else process.env["SERVER_SOFTWARE"] = saved;
    }
  });

  it("test_urlquote_decoding_in_cgi_check", async () => {
    assertHello(await request("/cgi-bin%2ffile1.py"));
  });

  it("test_nested_cgi_path_issue21323", async () => {
    assertHello(await request("/cgi-bin/child-dir/file3.py"));
  });

  it("test_query_with_multiple_question_mark", async () => {
    const res = await request("/cgi-bin/file4.py?a=b?c=d");
    assert.deepEqual([res.body.toString("latin1"), res.header("Content-type"), res.status], ["a=b?c=d\n", "text/html", 200]);
  });

  it("test_query_with_continuous_slashes", async () => {
    const res = await request("/cgi-bin/file4.py?k=aa%2F%2Fbb&//q//p//=//a//b//");
    assert.deepEqual([res.body.toString("latin1"), res.header("Content-type"), res.status], ["k=aa%2F%2Fbb&//q//p//=//a//b//\n", "text/html", 200]);
  });

  it("test_cgi_path_in_sub_directories", async () => {
    assertHello(await request("/sub/dir/cgi-bin/file5.py"));
  });

  it("test_cgi_path_in_sub_directories: not a CGI directory in the base class", async () => {
    // The same file through a handler without the extra directory is served as a file.
    const Plain = cgiHandlerFor(site.root);
    const g = await startServer(Plain);
    try {
      const r = await rawRequest(g.port, buildRequest("GET", "/sub/dir/cgi-bin/file5.py", [], { version: "HTTP/1.0" }));
      const res = parseResponse(r.data, { closed: true });
      assert.equal(res.status, 200);
      assert.equal(res.body.toString("latin1"), PY_HELLO);
    } finally {
      await g.close();
    }
  });

  it("test_accept", async () => {
    const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    const cases: Array<[string[], string]> = [
      [[`Accept: ${browserAccept}`], browserAccept],
      [[], ""],
      [["Accept: text/html", "ACCEPT: text/plain"], "text/html,text/plain"],
    ];
    for (const [headers, expected] of cases) {
      const res = await request("/cgi-bin/file6.py", "GET", "", headers);
      assert.equal(res.status, 200);
      assert.equal(res.header("X-ambv"), "was here");
      assert.ok(res.body.toString("latin1").includes(`\nHTTP_ACCEPT=${expected}\n`), res.body.toString("latin1"));
    }
  });
});
