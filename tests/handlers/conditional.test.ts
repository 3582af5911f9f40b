/**
 * Conditional requests (RFC 9110 13) on files served by
 * SimpleHTTPRequestHandler: the ETag each representation carries, If-Match,
 * If-Unmodified-Since, If-None-Match and If-Modified-Since in section
 * 13.2.2's order, their interplay with Range, what 304 and 412 carry, and
 * real clients doing cache revalidation: Python's http.client and curl
 * (`-z`, `--etag-save` / `--etag-compare`).
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { removeDir, startServer, tempDir, type TestServer } from "../helpers/file-server.js";
import { buildRequest, request, type ParsedResponse } from "../helpers/raw-client.js";
import { runPython } from "../helpers/python.js";
import { curl, onConnection, toolSkip } from "../helpers/real-clients.js";

/** 2022-02-02T02:02:02.250Z: a quarter second, exact in binary, so the ETag's nanoseconds are exact too. */
const MTIME = new Date(Date.UTC(2022, 1, 2, 2, 2, 2, 250));
const LAST_MODIFIED = "Wed, 02 Feb 2022 02:02:02 GMT";
const TEXT = "conditional requests\n".repeat(100); // 2100 bytes: compressible, and large enough to compress
const BIN = Buffer.from("not compressible");

/** The ETag the handler documents: `"<mtime seconds hex>.<nanoseconds hex>-<size hex>[-coding]"`, computed here from the parts. */
function expectedETag(seconds: number, nanos: number, size: number, coding?: string): string {
  return `"${seconds.toString(16)}.${nanos.toString(16)}-${size.toString(16)}${coding ? "-" + coding : ""}"`;
}
const SECONDS = Math.floor(MTIME.getTime() / 1000);
const ETAG = expectedETag(SECONDS, 250_000_000, TEXT.length);
const GZIP_ETAG = expectedETag(SECONDS, 250_000_000, TEXT.length, "gzip");
const BR_ETAG = expectedETag(SECONDS, 250_000_000, TEXT.length, "br");

let root: string;
let server: TestServer;
const get = (headers: readonly string[], method = "GET", target = "/page.txt"): Promise<ParsedResponse> => request(server.port, method, target, headers);

before(async () => {
  root = tempDir();
  writeFileSync(path.join(root, "page.txt"), TEXT);
  utimesSync(path.join(root, "page.txt"), MTIME, MTIME);
  writeFileSync(path.join(root, "data.bin"), BIN);
  utimesSync(path.join(root, "data.bin"), MTIME, MTIME);
  server = await startServer(root, { protocol: "HTTP/1.1", extraResponseHeaders: [["X-Extra", "on"]] });
});
after(async () => {
  await server.close();
  removeDir(root);
});

describe("validators", () => {
  test('ETag is "<mtime seconds hex>.<nanoseconds hex>-<size hex>", with Last-Modified at whole seconds', async () => {
    const r = await get([]);
    assert.equal(r.status, 200);
    assert.equal(r.header("ETag"), ETAG);
    assert.equal(ETAG, '"61f9e61a.ee6b280-834"');
    assert.equal(r.header("Last-Modified"), LAST_MODIFIED);
    const b = await get([], "GET", "/data.bin");
    assert.equal(b.header("ETag"), expectedETag(SECONDS, 250_000_000, BIN.length));
  });

  test("an encoded representation has its own strong ETag: the coding inside the quotes", async () => {
    const gz = await get(["Accept-Encoding: gzip"]);
    assert.equal(gz.header("Content-Encoding"), "gzip");
    assert.equal(gz.header("ETag"), GZIP_ETAG);
    assert.equal(gunzipSync(gz.body).toString(), TEXT);
    const br = await get(["Accept-Encoding: br"]);
    assert.equal(br.header("ETag"), BR_ETAG);
    // HEAD carries the same validators.
    assert.equal((await get(["Accept-Encoding: br"], "HEAD")).header("ETag"), BR_ETAG);
  });

  test("the ETag changes with the size and with the modification time, and not otherwise", async () => {
    const file = path.join(root, "changing.txt");
    writeFileSync(file, "one");
    utimesSync(file, MTIME, MTIME);
    const a = (await get([], "GET", "/changing.txt")).header("ETag");
    assert.equal((await get([], "GET", "/changing.txt")).header("ETag"), a, "stable while nothing changes");
    writeFileSync(file, "two");
    utimesSync(file, MTIME, MTIME);
    assert.equal((await get([], "GET", "/changing.txt")).header("ETag"), a, "same size and mtime: same tag (by design, as nginx)");
    writeFileSync(file, "three");
    utimesSync(file, MTIME, MTIME);
    const c = (await get([], "GET", "/changing.txt")).header("ETag");
    assert.equal(c, expectedETag(SECONDS, 250_000_000, 5));
    const later = new Date(MTIME.getTime() + 500);
    utimesSync(file, later, later);
    const d = (await get([], "GET", "/changing.txt")).header("ETag");
    assert.equal(d, expectedETag(SECONDS, 750_000_000, 5));
  });
});

describe("validators before 1970", () => {
  test('a file modified at -0.5 s: ETag "-1.1dcd6500-<size>", Last-Modified 23:59:59 on 31 Dec 1969, and it revalidates', async () => {
    const file = path.join(root, "old.txt");
    writeFileSync(file, "old\n");
    utimesSync(file, new Date(-500), new Date(-500));
    const r = await get([], "GET", "/old.txt");
    assert.equal(r.header("ETag"), '"-1.1dcd6500-4"');
    assert.equal(r.header("Last-Modified"), "Wed, 31 Dec 1969 23:59:59 GMT");
    assert.equal((await get(['If-None-Match: "-1.1dcd6500-4"'], "GET", "/old.txt")).status, 304);
    assert.equal((await get(["If-Modified-Since: Wed, 31 Dec 1969 23:59:59 GMT"], "GET", "/old.txt")).status, 304);
    assert.equal((await get(["Range: bytes=0-0", "If-Range: Wed, 31 Dec 1969 23:59:59 GMT"], "GET", "/old.txt")).status, 206);
  });
});

describe("If-Match and If-Unmodified-Since", () => {
  test("If-Match: the current strong tag, * or a list holding it proceed; anything else is 412 (weak tags never match)", async () => {
    const cases: Array<[string, number]> = [
      [ETAG, 200],
      ["*", 200],
      [`"x", ${ETAG}`, 200],
      [`"x",${ETAG} , "y"`, 200],
      ['"x"', 412],
      [`W/${ETAG}`, 412],
      [ETAG.slice(1, -1), 412], // unquoted: malformed, cannot match
      [GZIP_ETAG, 412], // the gzip representation's tag, but identity is selected
      ["", 412],
    ];
    for (const method of ["GET", "HEAD"]) {
      for (const [value, status] of cases) {
        const r = await get([`If-Match: ${value}`], method);
        assert.equal(r.status, status, `${method} If-Match: ${value}`);
        if (status === 200 && method === "GET") assert.equal(r.body.toString(), TEXT);
      }
    }
  });

  test("If-Match is compared with the selected representation: gzip's tag matches when gzip is selected", async () => {
    const r = await get([`If-Match: ${GZIP_ETAG}`, "Accept-Encoding: gzip"]);
    assert.equal(r.status, 200);
    assert.equal(r.header("Content-Encoding"), "gzip");
    const s = await get([`If-Match: ${ETAG}`, "Accept-Encoding: gzip"]);
    assert.equal(s.status, 412);
    assert.equal(s.header("ETag"), GZIP_ETAG);
  });

  test("If-Unmodified-Since: a date before Last-Modified is 412; the same second or later, or an invalid date, proceed", async () => {
    const cases: Array<[string, number]> = [
      ["Wed, 02 Feb 2022 02:02:01 GMT", 412],
      ["Sun, 06 Nov 1994 08:49:37 GMT", 412],
      [LAST_MODIFIED, 200],
      ["Wed, 02 Feb 2022 02:02:03 GMT", 200],
      ["yesterday", 200],
      ["Wed, 02 Feb 2022 02:02:01 GMT, Wed, 02 Feb 2022 02:02:01 GMT", 200], // a list: not a date, ignored
    ];
    for (const [value, status] of cases) assert.equal((await get([`If-Unmodified-Since: ${value}`])).status, status, value);
  });

  test("If-Unmodified-Since is ignored when If-Match is present", async () => {
    assert.equal((await get([`If-Match: ${ETAG}`, "If-Unmodified-Since: Sun, 06 Nov 1994 08:49:37 GMT"])).status, 200);
    assert.equal((await get(['If-Match: "x"', `If-Unmodified-Since: ${LAST_MODIFIED}`])).status, 412);
  });

  test("412: Content-Length 0, the validators, Vary and extra headers, no body, and the connection kept alive", async () => {
    const { responses, open } = await onConnection(server.port, [
      buildRequest("GET", "/page.txt", ['If-Match: "x"']),
      buildRequest("HEAD", "/page.txt", ["If-Unmodified-Since: Sun, 06 Nov 1994 08:49:37 GMT"]),
      buildRequest("GET", "/page.txt", []),
    ]);
    for (const r of responses.slice(0, 2)) {
      assert.equal(r.statusLine, "HTTP/1.1 412 Precondition Failed");
      assert.equal(r.header("Content-Length"), "0");
      assert.equal(r.header("ETag"), ETAG);
      assert.equal(r.header("Last-Modified"), LAST_MODIFIED);
      assert.equal(r.header("Vary"), "Accept-Encoding");
      assert.equal(r.header("X-Extra"), "on");
      assert.equal(r.header("Connection"), undefined);
      assert.equal(r.body.length, 0);
    }
    assert.equal(responses[2]?.status, 200);
    assert.equal(responses[2]?.body.toString(), TEXT);
    assert.ok(open);
  });
});

describe("If-None-Match and If-Modified-Since", () => {
  test("If-None-Match: the current tag (weakly compared), * or a list holding it is 304 for GET and HEAD; anything else 200", async () => {
    const cases: Array<[string, number]> = [
      [ETAG, 304],
      [`W/${ETAG}`, 304],
      ["*", 304],
      [`"a", W/"b", ${ETAG}`, 304],
      ['"a"', 200],
      [GZIP_ETAG, 200], // another representation's tag
      [ETAG.slice(1, -1), 200], // malformed
    ];
    for (const method of ["GET", "HEAD"]) {
      for (const [value, status] of cases) {
        const r = await get([`If-None-Match: ${value}`], method);
        assert.equal(r.status, status, `${method} If-None-Match: ${value}`);
        assert.equal(r.body.length, status === 200 && method === "GET" ? TEXT.length : 0);
      }
    }
  });

  test("If-None-Match split over two field lines is one list", async () => {
    assert.equal((await get(['If-None-Match: "a"', `If-None-Match: ${ETAG}`])).status, 304);
  });

  test("304 carries ETag, Vary and the extra headers but not Last-Modified (RFC 9110 15.4.5), no body, and keeps the connection", async () => {
    const { responses, open } = await onConnection(server.port, [
      buildRequest("GET", "/page.txt", [`If-None-Match: ${ETAG}`]),
      buildRequest("GET", "/page.txt", [`If-Modified-Since: ${LAST_MODIFIED}`]),
      buildRequest("GET", "/page.txt", ["Accept-Encoding: gzip", `If-None-Match: ${GZIP_ETAG}`]),
      buildRequest("GET", "/page.txt", []),
    ]);
    for (const [i, r] of responses.slice(0, 3).entries()) {
      assert.equal(r.statusLine, "HTTP/1.1 304 Not Modified");
      assert.equal(r.header("ETag"), i === 2 ? GZIP_ETAG : ETAG);
      assert.equal(r.header("Last-Modified"), undefined, "with an ETag, Last-Modified guides no cache update");
      assert.equal(r.header("Vary"), "Accept-Encoding");
      assert.equal(r.header("X-Extra"), "on");
      assert.equal(r.header("Content-type"), undefined);
      assert.equal(r.header("Content-Encoding"), undefined);
      assert.equal(r.header("Content-Length"), undefined);
      assert.equal(r.header("Transfer-Encoding"), undefined);
      assert.equal(r.body.length, 0);
    }
    assert.equal(responses[3]?.status, 200);
    assert.ok(open);
  });

  test("a 304 for a file that is never compressed has no Vary", async () => {
    const r = await get([`If-None-Match: ${expectedETag(SECONDS, 250_000_000, BIN.length)}`], "GET", "/data.bin");
    assert.equal(r.status, 304);
    assert.equal(r.header("Vary"), undefined);
  });

  test("If-Modified-Since alone: 304 from the Last-Modified second on (the mtime's fraction ignored), 200 before it or when invalid", async () => {
    const cases: Array<[string, number]> = [
      [LAST_MODIFIED, 304],
      ["Wed, 02 Feb 2022 02:02:03 GMT", 304],
      ["Wed, 02 Feb 2022 02:02:01 GMT", 200],
      ["not a date", 200],
    ];
    for (const method of ["GET", "HEAD"]) {
      for (const [value, status] of cases) assert.equal((await get([`If-Modified-Since: ${value}`], method)).status, status, `${method} ${value}`);
    }
  });

  test("the three HTTP-date formats (IMF-fixdate, RFC 850, asctime) are read by If-Modified-Since, If-Unmodified-Since and If-Range", async () => {
    for (const date of [LAST_MODIFIED, "Wednesday, 02-Feb-22 02:02:02 GMT", "Wed Feb  2 02:02:02 2022"]) {
      assert.equal((await get([`If-Modified-Since: ${date}`])).status, 304, date);
      assert.equal((await get([`If-Unmodified-Since: ${date}`])).status, 200, date);
      const r = await get(["Range: bytes=0-3", `If-Range: ${date}`]);
      assert.equal(r.status, 206, date);
      assert.equal(r.body.toString(), TEXT.slice(0, 4));
    }
    for (const date of ["Tuesday, 01-Feb-22 02:02:02 GMT", "Tue Feb  1 02:02:02 2022"]) {
      assert.equal((await get([`If-Modified-Since: ${date}`])).status, 200, date);
      assert.equal((await get([`If-Unmodified-Since: ${date}`])).status, 412, date);
    }
    // CPython's rule: a date in another zone is ignored, even for the same instant.
    assert.equal((await get(["If-Modified-Since: Wed, 02 Feb 2022 03:02:02 +0100"])).status, 200);
  });

  test("If-Modified-Since is ignored when If-None-Match is present (CPython's rule)", async () => {
    assert.equal((await get(['If-None-Match: "a"', `If-Modified-Since: ${LAST_MODIFIED}`])).status, 200);
    assert.equal((await get([`If-None-Match: ${ETAG}`, "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT"])).status, 304);
  });

  test("order of RFC 9110 13.2.2: a failed If-Match or If-Unmodified-Since wins over a matching If-None-Match", async () => {
    assert.equal((await get(['If-Match: "x"', `If-None-Match: ${ETAG}`])).status, 412);
    assert.equal((await get(["If-Unmodified-Since: Sun, 06 Nov 1994 08:49:37 GMT", `If-None-Match: ${ETAG}`])).status, 412);
    assert.equal((await get([`If-Match: ${ETAG}`, `If-None-Match: ${ETAG}`])).status, 304);
    assert.equal((await get([`If-Match: ${ETAG}`, 'If-None-Match: "a"'])).status, 200);
  });

  test("preconditions come before Range: 304 and 412 instead of 206, 206 when they pass", async () => {
    const nm = await get([`If-None-Match: ${ETAG}`, "Range: bytes=0-3"]);
    assert.equal(nm.status, 304);
    assert.equal(nm.header("Content-Range"), undefined);
    assert.equal((await get(['If-Match: "x"', "Range: bytes=0-3"])).status, 412);
    const ok = await get([`If-Match: ${ETAG}`, "Range: bytes=0-3"]);
    assert.equal(ok.status, 206);
    assert.equal(ok.body.toString(), TEXT.slice(0, 4));
    // Range requests use the identity representation, so its tag is the one compared.
    assert.equal((await get([`If-None-Match: ${ETAG}`, "Range: bytes=0-3", "Accept-Encoding: gzip"])).status, 304);
  });

  test("an encoded representation: its own tag gives 304, the identity tag 200 encoded, and without Accept-Encoding the gzip tag 200 identity", async () => {
    const gz = await get(["Accept-Encoding: gzip", `If-None-Match: ${ETAG}`]);
    assert.equal(gz.status, 200);
    assert.equal(gz.header("Content-Encoding"), "gzip");
    assert.equal(gunzipSync(gz.body).toString(), TEXT);
    const nm = await get(["Accept-Encoding: gzip", `If-None-Match: ${GZIP_ETAG}`]);
    assert.equal(nm.status, 304);
    assert.equal(nm.header("ETag"), GZIP_ETAG);
    const plain = await get([`If-None-Match: ${GZIP_ETAG}`]);
    assert.equal(plain.status, 200);
    assert.equal(plain.header("Content-Encoding"), undefined);
    assert.equal(plain.body.toString(), TEXT);
    assert.equal((await get(["Accept-Encoding: br", `If-None-Match: ${GZIP_ETAG}, ${BR_ETAG}`])).status, 304);
  });
});

describe("real clients revalidating", () => {
  const PY = String.raw`
import http.client, json, os, sys
port, path = int(sys.argv[1]), sys.argv[2]
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
out = []
def get(headers):
    c.request("GET", "/py.txt", headers=headers)
    r = c.getresponse()
    body = r.read()
    out.append({"status": r.status, "etag": r.getheader("ETag"), "length": r.getheader("Content-Length"),
                "lastModified": r.getheader("Last-Modified"), "body": body.decode("latin-1")})
    return r.getheader("ETag")
first = get({})
get({"If-None-Match": first})
with open(path, "ab") as f:
    f.write(b"more\n")
os.utime(path, ns=(1700000000_500000000, 1700000000_500000000))
second = get({"If-None-Match": first})
get({"If-None-Match": second})
get({"If-None-Match": first})
print(json.dumps(out))
`;

  test("Python's http.client: GET, If-None-Match -> 304; the file changes -> 200 with a new ETag; that ETag -> 304", { skip: toolSkip("python3") }, async () => {
    const file = path.join(root, "py.txt");
    writeFileSync(file, "version one\n");
    utimesSync(file, MTIME, MTIME);
    const r = await runPython(PY, [String(server.port), file]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Array<{ status: number; etag: string | null; length: string | null; lastModified: string | null; body: string }>;
    const first = expectedETag(SECONDS, 250_000_000, 12);
    const second = expectedETag(1700000000, 500_000_000, 17);
    assert.deepEqual(
      out.map((x) => [x.status, x.etag, x.length, x.body]),
      [
        [200, first, "12", "version one\n"],
        [304, first, null, ""],
        [200, second, "17", "version one\nmore\n"],
        [304, second, null, ""],
        [200, second, "17", "version one\nmore\n"],
      ],
    );
    assert.equal(out[2]?.lastModified, "Tue, 14 Nov 2023 22:13:20 GMT");
    assert.equal(statSync(file).size, 17);
  });

  test("curl -z (If-Modified-Since): 304 at Last-Modified, 200 with the body for an earlier date", { skip: toolSkip("curl") }, async () => {
    const url = `http://127.0.0.1:${server.port}/page.txt`;
    const same = await curl("-z", LAST_MODIFIED, "-w", "%{http_code}", "-o", "/dev/null", url);
    assert.equal(same.code, 0, same.stderr);
    assert.equal(same.stdout.toString(), "304");
    const older = await curl("-z", "Tue, 01 Feb 2022 00:00:00 GMT", "-w", "\n%{http_code}", url);
    assert.equal(older.stdout.toString(), TEXT + "\n200");
  });

  test("curl --etag-save then --etag-compare: 304; after the file changes: 200 and the new ETag saved", { skip: toolSkip("curl") }, async () => {
    const file = path.join(root, "curl.txt");
    writeFileSync(file, "curl one\n");
    utimesSync(file, MTIME, MTIME);
    const url = `http://127.0.0.1:${server.port}/curl.txt`;
    const saved = path.join(root, "etag.txt");
    const first = await curl("--etag-save", saved, "-w", "%{http_code}", "-o", "/dev/null", url);
    assert.equal(first.stdout.toString(), "200", first.stderr);
    assert.equal(readFileSync(saved, "latin1").trim(), expectedETag(SECONDS, 250_000_000, 9));
    const again = await curl("--etag-compare", saved, "--etag-save", saved, "-w", "%{http_code}", "-o", "/dev/null", url);
    assert.equal(again.stdout.toString(), "304", again.stderr);
    writeFileSync(file, "curl two, longer\n");
    const changed = await curl("--etag-compare", saved, "--etag-save", saved, "-w", "\n%{http_code}", url);
    assert.equal(changed.stdout.toString(), "curl two, longer\n\n200");
    const st = statSync(file, { bigint: true });
    assert.notEqual(readFileSync(saved, "latin1").trim(), expectedETag(SECONDS, 250_000_000, 9));
    assert.match(readFileSync(saved, "latin1").trim(), new RegExp(`^"${(st.mtimeNs / 1_000_000_000n).toString(16)}\\.[0-9a-f]+-11"$`));
  });
});
