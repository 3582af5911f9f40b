/**
 * Headers on every response: `cors = true` (the command line's `--cors`)
 * puts `Access-Control-Allow-Origin: *` and `Access-Control-Expose-Headers`
 * on every status and answers OPTIONS (preflights) with 204; without it
 * OPTIONS is CPython's 501. `extraResponseHeaders` (the command line's `-H`)
 * go on every response too: 200, 206, 301, 304, 404, 412, 416, listings,
 * errors. Raw sockets, curl, Python's http.client and the command itself.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { removeDir, startServer, tempDir, type TestServer } from "../helpers/file-server.js";
import { buildRequest, exchange, request, type ParsedResponse } from "../helpers/raw-client.js";
import { runPython } from "../helpers/python.js";
import { startCli } from "../cli/helpers.js";
import { cliCommand, curl, curlHeaders, handlerWith, onConnection, toolSkip } from "../helpers/real-clients.js";

const EXPOSED = "Accept-Ranges, Content-Encoding, Content-Range, ETag";
const EXTRA: ReadonlyArray<readonly [string, string]> = [
  ["X-Extra", "on"],
  ["Cache-Control", "no-store"],
];

let root: string;
let cors: TestServer;
let noCors: TestServer;
let etag: string;

before(async () => {
  root = tempDir();
  writeFileSync(path.join(root, "hello.txt"), "hello, cors\n");
  writeFileSync(path.join(root, "app.js"), "console.log('cors');\n".repeat(200));
  mkdirSync(path.join(root, "dir"));
  writeFileSync(path.join(root, "dir", "a.txt"), "a");
  cors = await startServer(root, { protocol: "HTTP/1.1", extraResponseHeaders: EXTRA, Handler: handlerWith({ cors: true }) });
  noCors = await startServer(root, { protocol: "HTTP/1.1", extraResponseHeaders: EXTRA });
  etag = (await request(cors.port, "GET", "/hello.txt")).header("ETag") as string;
});
after(async () => {
  await cors.close();
  await noCors.close();
  removeDir(root);
});

/** One request of every kind of response, with the status it must get. */
function everyKind(): Array<[label: string, method: string, target: string, headers: string[], status: number]> {
  return [
    ["file", "GET", "/hello.txt", [], 200],
    ["HEAD", "HEAD", "/hello.txt", [], 200],
    ["gzip", "GET", "/app.js", ["Accept-Encoding: gzip"], 200],
    ["listing", "GET", "/dir/", [], 200],
    ["range", "GET", "/hello.txt", ["Range: bytes=0-4"], 206],
    ["multipart", "GET", "/app.js", ["Range: bytes=0-4,1000-1004"], 206],
    ["redirect", "GET", "/dir", [], 301],
    ["not modified", "GET", "/hello.txt", [`If-None-Match: ${etag}`], 304],
    ["not found", "GET", "/missing.txt", [], 404],
    ["precondition failed", "GET", "/hello.txt", ['If-Match: "other"'], 412],
    ["unsatisfiable", "GET", "/hello.txt", ["Range: bytes=100-"], 416],
    ["unsupported method", "POST", "/hello.txt", ["Content-Length: 0"], 501],
  ];
}

/** Sends each request of everyKind() on its own connection, with an Origin as a browser would. */
async function fetchEveryKind(port: number): Promise<Array<[string, ParsedResponse]>> {
  const out: Array<[string, ParsedResponse]> = [];
  for (const [label, method, target, headers, status] of everyKind()) {
    const r = await request(port, method, target, ["Origin: http://example.com", ...headers]);
    assert.equal(r.status, status, label);
    out.push([label, r]);
  }
  return out;
}

describe("cors = true", () => {
  test("Access-Control-Allow-Origin: * and Expose-Headers on 200, 206, 301, 304, 404, 412, 416, 501, listings and HEAD", async () => {
    for (const [label, r] of await fetchEveryKind(cors.port)) {
      assert.deepEqual(r.headerAll("Access-Control-Allow-Origin"), ["*"], label);
      assert.deepEqual(r.headerAll("Access-Control-Expose-Headers"), [EXPOSED], label);
      assert.equal(r.header("Access-Control-Allow-Credentials"), undefined, label);
    }
  });

  test("the same headers without an Origin (a cache may serve the response to any page)", async () => {
    const r = await request(cors.port, "GET", "/hello.txt");
    assert.equal(r.header("Access-Control-Allow-Origin"), "*");
    assert.equal(r.header("Vary"), "Accept-Encoding", "no Vary: Origin, the answer does not depend on it");
  });

  test("a preflight: 204 with Allow, Access-Control-Allow-Methods, the asked headers, Max-Age, no body, connection kept", async () => {
    const preflight = buildRequest("OPTIONS", "/hello.txt", [
      "Origin: http://example.com",
      "Access-Control-Request-Method: GET",
      "Access-Control-Request-Headers: range, if-none-match",
    ]);
    const { responses, open } = await onConnection(cors.port, [preflight, buildRequest("GET", "/hello.txt", ["Origin: http://example.com", "Range: bytes=0-4"])]);
    const [r, next] = responses as [ParsedResponse, ParsedResponse];
    assert.equal(r.statusLine, "HTTP/1.1 204 No Content");
    assert.equal(r.header("Allow"), "GET, HEAD, OPTIONS");
    assert.equal(r.header("Access-Control-Allow-Methods"), "GET, HEAD, OPTIONS");
    assert.equal(r.header("Access-Control-Allow-Headers"), "range, if-none-match");
    assert.equal(r.header("Access-Control-Max-Age"), "7200");
    assert.equal(r.header("Access-Control-Allow-Origin"), "*");
    assert.equal(r.header("X-Extra"), "on");
    assert.equal(r.header("Content-Length"), undefined);
    assert.equal(r.header("Transfer-Encoding"), undefined);
    assert.equal(r.body.length, 0);
    assert.equal(next.status, 206);
    assert.equal(next.body.toString(), "hello");
    assert.ok(open);
  });

  test("Access-Control-Request-Headers over two lines is one list; a value that is not a token list is not echoed", async () => {
    const two = await request(cors.port, "OPTIONS", "/hello.txt", ["Access-Control-Request-Headers: range", "Access-Control-Request-Headers: x-a,x-b"]);
    assert.equal(two.header("Access-Control-Allow-Headers"), "range, x-a, x-b");
    const bad = await request(cors.port, "OPTIONS", "/hello.txt", ["Access-Control-Request-Headers: range, bad header, x:y"]);
    assert.equal(bad.status, 204);
    assert.equal(bad.header("Access-Control-Allow-Headers"), undefined);
    const none = await request(cors.port, "OPTIONS", "/hello.txt", []);
    assert.equal(none.status, 204);
    assert.equal(none.header("Access-Control-Allow-Headers"), undefined);
  });

  test("OPTIONS for any target (missing file, *) is answered the same", async () => {
    for (const target of ["/missing", "*"]) {
      const r = await request(cors.port, "OPTIONS", target, []);
      assert.equal(r.status, 204, target);
      assert.equal(r.header("Allow"), "GET, HEAD, OPTIONS", target);
    }
  });

  test("a malformed request's 400 carries the CORS and extra headers too", async () => {
    const ex = await exchange(cors.port, "GET /hello.txt HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
    const [r] = ex.responses;
    assert.equal(r?.status, 400);
    assert.equal(r?.header("Access-Control-Allow-Origin"), "*");
    assert.equal(r?.header("X-Extra"), "on");
  });

  test("curl: a preflight and a cross-origin GET", { skip: toolSkip("curl") }, async () => {
    const pre = await curl("-i", "-X", "OPTIONS", "-H", "Origin: http://example.com", "-H", "Access-Control-Request-Method: GET", "-H", "Access-Control-Request-Headers: if-none-match", `http://127.0.0.1:${cors.port}/hello.txt`);
    assert.equal(pre.code, 0, pre.stderr);
    const [head] = curlHeaders(pre.stdout.toString("latin1"));
    assert.equal(head?.status, 204);
    assert.equal(head?.header("Access-Control-Allow-Headers"), "if-none-match");
    assert.equal(head?.header("Access-Control-Allow-Methods"), "GET, HEAD, OPTIONS");
    const hdr = path.join(root, "cors.hdr");
    const got = await curl("-D", hdr, "-H", "Origin: http://example.com", `http://127.0.0.1:${cors.port}/hello.txt`);
    assert.equal(got.stdout.toString(), "hello, cors\n");
    const [h2] = curlHeaders(readFileSync(hdr, "latin1"));
    assert.equal(h2?.header("Access-Control-Allow-Origin"), "*");
    assert.equal(h2?.header("Access-Control-Expose-Headers"), EXPOSED);
  });

  test("Python's http.client: OPTIONS then GET on one connection", { skip: toolSkip("python3") }, async () => {
    const script = String.raw`
import http.client, json, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
out = []
for method in ("OPTIONS", "GET"):
    c.request(method, "/hello.txt", headers={"Origin": "http://example.com", "Access-Control-Request-Method": "GET"})
    r = c.getresponse()
    out.append([r.status, r.getheader("Access-Control-Allow-Origin"), r.getheader("Access-Control-Allow-Methods"), r.read().decode()])
print(json.dumps(out))
`;
    const r = await runPython(script, [String(cors.port)]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [
      [204, "*", "GET, HEAD, OPTIONS", ""],
      [200, "*", null, "hello, cors\n"],
    ]);
  });
});

describe("cors = false (the default)", () => {
  test("no Access-Control-* header on any response", async () => {
    for (const [label, r] of await fetchEveryKind(noCors.port)) {
      assert.deepEqual(
        r.headers.filter(([n]) => /^access-control-/i.test(n)),
        [],
        label,
      );
    }
  });

  test("OPTIONS is CPython's 501 Unsupported method", async () => {
    const r = await request(noCors.port, "OPTIONS", "/hello.txt", ["Origin: http://example.com", "Access-Control-Request-Method: GET"]);
    assert.equal(r.statusLine, "HTTP/1.1 501 Unsupported method ('OPTIONS')");
    assert.equal(r.header("Allow"), undefined);
    assert.equal(r.header("Access-Control-Allow-Origin"), undefined);
    assert.match(r.body.toString(), /<p>Message: Unsupported method \('OPTIONS'\)\.<\/p>/);
  });
});

describe("extraResponseHeaders on every response", () => {
  for (const [name, server] of [
    ["cors off", () => noCors],
    ["cors on", () => cors],
  ] as const) {
    test(`${name}: X-Extra and Cache-Control, once each and in order, on 200, 206, 301, 304, 404, 412, 416, 501 and listings`, async () => {
      for (const [label, r] of await fetchEveryKind(server().port)) {
        assert.deepEqual(r.headerAll("X-Extra"), ["on"], label);
        assert.deepEqual(r.headerAll("Cache-Control"), ["no-store"], label);
        const names = r.headers.map(([n]) => n);
        assert.ok(names.indexOf("X-Extra") < names.indexOf("Cache-Control"), `${label}: in the order given`);
      }
    });
  }

  test("on a 204 preflight too", async () => {
    const r = await request(cors.port, "OPTIONS", "/hello.txt");
    assert.equal(r.header("X-Extra"), "on");
    assert.equal(r.header("Cache-Control"), "no-store");
  });
});

describe("the command: --cors and -H", { skip: toolSkip("curl") }, () => {
  test("simplehttp --cors -H 'X-Extra: on' -H Cache-Control no-store: headers on 200, 206, 304, 404, and preflights answered", async () => {
    const cli = await startCli(["-b", "127.0.0.1", "-d", root, "--cors", "-H", "X-Extra: on", "-H", "Cache-Control", "no-store", "0"], { command: cliCommand() });
    try {
      const url = (p: string): string => `http://127.0.0.1:${cli.port}${p}`;
      const cases: Array<[string[], number]> = [
        [[url("/hello.txt")], 200],
        [["-r", "0-4", url("/hello.txt")], 206],
        [["-H", `If-None-Match: ${etag}`, url("/hello.txt")], 304],
        [[url("/missing")], 404],
        [[url("/dir/")], 200],
        [["-X", "OPTIONS", "-H", "Access-Control-Request-Headers: range", url("/hello.txt")], 204],
      ];
      for (const [args, status] of cases) {
        const hdr = path.join(root, "cli.hdr");
        const r = await curl("-D", hdr, "-o", "/dev/null", ...args);
        assert.equal(r.code, 0, r.stderr);
        const [head] = curlHeaders(readFileSync(hdr, "latin1"));
        assert.equal(head?.status, status, args.join(" "));
        assert.equal(head?.header("Access-Control-Allow-Origin"), "*", args.join(" "));
        assert.equal(head?.header("X-Extra"), "on", args.join(" "));
        assert.equal(head?.header("Cache-Control"), "no-store", args.join(" "));
        if (status === 204) assert.equal(head?.header("Access-Control-Allow-Headers"), "range");
      }
    } finally {
      await cli.stop("SIGTERM");
    }
    // Without --cors, OPTIONS is CPython's 501.
    const plain = await startCli(["-b", "127.0.0.1", "-d", root, "0"], { command: cliCommand() });
    try {
      const r = await curl("-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "OPTIONS", `http://127.0.0.1:${plain.port}/hello.txt`);
      assert.equal(r.stdout.toString(), "501");
    } finally {
      await plain.stop("SIGTERM");
    }
  });
});
