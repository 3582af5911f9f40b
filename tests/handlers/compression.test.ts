/**
 * Content codings (RFC 9110 8.4, 12.5.3) from SimpleHTTPRequestHandler:
 * brotli and gzip negotiated from Accept-Encoding, precompressed sidecars
 * (`x.br`, `x.gz`) when they are not older than the file, compression on
 * the fly for compressible files of 1024 bytes or more (cached when small,
 * streamed chunked when large), `compress = false` (the command line's
 * `--no-compress`). Checked with `curl --compressed`, raw sockets decoded
 * with node:zlib, and the command itself.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from "node:zlib";
import { removeDir, startServer, tempDir, type TestServer } from "../helpers/file-server.js";
import { exchange, buildRequest, request, type ParsedResponse } from "../helpers/raw-client.js";
import { startCli } from "../cli/helpers.js";
import { cliCommand, curl, curlHeaders, handlerWith, onConnection, prng, seededBytes, toolSkip, withoutDate } from "../helpers/real-clients.js";

const KiB = 1024;
const MiB = 1024 * KiB;

/** Compressible, varied JavaScript of at least `size` bytes (seeded). */
function javascript(size: number, seed: number): Buffer {
  const rand = prng(seed);
  const words = ["alpha", "beta", "gamma", "delta", "render", "state", "props", "value", "index", "node"];
  const lines: string[] = [];
  let n = 0;
  for (let i = 0; n < size; i++) {
    const line = `export function ${words[rand.int(10)]}${i}(a, b) { return a * ${rand.int(100000)} + b.${words[rand.int(10)]}; } // ${rand.int(1e9).toString(36)}\n`;
    lines.push(line);
    n += line.length;
  }
  return Buffer.from(lines.join(""));
}

/** Decodes a body by its Content-Encoding (none: as it is). */
function decode(r: { header(name: string): string | undefined; body: Buffer }): Buffer {
  const coding = r.header("Content-Encoding");
  if (coding === undefined) return r.body;
  if (coding === "br") return brotliDecompressSync(r.body);
  if (coding === "gzip") return gunzipSync(r.body);
  throw new Error(`unexpected Content-Encoding ${coding}`);
}

/** The ETag the handler documents for a stat and coding, computed from the stat here. */
function etagOf(file: string, coding?: string): string {
  const st = statSync(file, { bigint: true });
  const sec = st.mtimeNs / 1_000_000_000n;
  // Only the seconds and size are compared exactly: the nanoseconds pass through a double in Node's Stats.mtimeMs.
  return `^"${sec.toString(16)}\\.[0-9a-f]+-${st.size.toString(16)}${coding ? "-" + coding : ""}"$`;
}

let root: string;
let server: TestServer;
let plain: TestServer;
let uncached: TestServer;
const f = (name: string): string => path.join(root, name);
const contents = new Map<string, Buffer>();
/** Writes a file and remembers its bytes; `age` seconds in the past (negative: in the future). */
function put(name: string, data: Buffer | string, age = 0): void {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
  writeFileSync(f(name), buf);
  contents.set(name, buf);
  const when = new Date(Date.UTC(2024, 0, 1) - age * 1000);
  utimesSync(f(name), when, when);
}
const get = (target: string, headers: readonly string[] = [], method = "GET", port = server.port): Promise<ParsedResponse> => request(port, method, target, headers);

before(async () => {
  root = tempDir();
  put("app.js", javascript(20 * KiB, 1));
  put("big.js", javascript(2 * MiB + 123, 2));
  put("under.txt", "u".repeat(1023));
  put("exact.txt", "e".repeat(1024));
  put("data.json", JSON.stringify({ list: Array.from({ length: 200 }, (_, i) => ({ i, name: `item ${i}` })) }));
  put("image.svg", `<svg xmlns="http://www.w3.org/2000/svg">${'<rect width="1" height="1"/>'.repeat(100)}</svg>`);
  put("photo.png", seededBytes(4 * KiB, 3));
  put("blob.bin", Buffer.alloc(8 * KiB, "a"));
  // Fresh sidecars (not older than the file) on a file too small to compress on the fly.
  put("side.txt", "the small file\n");
  put("side.txt.gz", gzipSync(Buffer.from("the small file\n"), { level: 9 }), -10);
  put("side.txt.br", brotliCompressSync(Buffer.from("the small file\n")), -10);
  // A fresh .gz only, on a file large enough for on-the-fly compression.
  put("gzonly.css", "body { color: red; }\n".repeat(200));
  put("gzonly.css.gz", gzipSync(contents.get("gzonly.css") as Buffer, { level: 1 }), -5);
  // Stale sidecars: older than the file (edited after compressing), never sent.
  put("stale.css", ".a { margin: 0 }\n".repeat(200));
  put("stale.css.gz", gzipSync(Buffer.from("STALE")), 60);
  put("stale.css.br", brotliCompressSync(Buffer.from("STALE")), 60);
  put("stale-small.txt", "small and edited\n");
  put("stale-small.txt.br", brotliCompressSync(Buffer.from("STALE")), 60);
  // A "sidecar" that is a directory is not a sidecar.
  put("dirside.txt", "dir sidecar\n".repeat(200));
  mkdirSync(f("dirside.txt.gz"));
  // A sidecar over 256 KiB (read from disk, not the cache): base64 noise compresses to about 3/4.
  put("noise.js", `const s = "${seededBytes(600 * KiB, 4).toString("base64")}";\n`);
  put("noise.js.br", brotliCompressSync(contents.get("noise.js") as Buffer, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }), -1);
  // A sidecar with exactly the file's mtime (`touch -r`, `cp -p`) is fresh.
  put("same.html", "<p>same mtime</p>\n");
  put("same.html.gz", gzipSync(Buffer.from("<p>same mtime</p>\n")));
  // Files of exactly 256 KiB (kept compressed in memory) and one byte more (compressed as they stream).
  put("k256.js", javascript(256 * KiB, 5).subarray(0, 256 * KiB));
  put("k256plus.js", javascript(256 * KiB + 1, 6).subarray(0, 256 * KiB + 1));
  server = await startServer(root, { protocol: "HTTP/1.1", extraResponseHeaders: [["X-Extra", "on"]] });
  plain = await startServer(root, { protocol: "HTTP/1.1", Handler: handlerWith({ compress: false }) });
  uncached = await startServer(root, { protocol: "HTTP/1.1", Handler: handlerWith({ fileCache: null }) });
});
after(async () => {
  await server.close();
  await plain.close();
  await uncached.close();
  removeDir(root);
});

describe("negotiation", () => {
  test("no Accept-Encoding, or only identity: the file as it is, with Vary: Accept-Encoding", async () => {
    for (const headers of [[], ["Accept-Encoding: "], ["Accept-Encoding: identity"]]) {
      const r = await get("/app.js", headers);
      assert.equal(r.status, 200);
      assert.equal(r.header("Content-Encoding"), undefined, JSON.stringify(headers));
      assert.equal(r.header("Content-Length"), String(contents.get("app.js")?.length));
      assert.equal(r.header("Content-type"), "text/javascript; charset=utf-8");
      assert.equal(r.header("Vary"), "Accept-Encoding");
      assert.match(r.header("ETag") ?? "", new RegExp(etagOf(f("app.js"))));
      assert.ok(r.body.equals(contents.get("app.js") as Buffer));
    }
  });

  test("q-values, wildcards, aliases and case pick the coding (br preferred on a tie, identity weighing 1 unless listed); the body decodes to the file", async () => {
    const cases: Array<[string, string | undefined]> = [
      ["gzip", "gzip"],
      ["br", "br"],
      ["gzip, br", "br"],
      ["gzip, deflate, br, zstd", "br"],
      ["br;q=0.5, gzip;q=0.8, identity;q=0.1", "gzip"],
      ["br;q=0.8, gzip;q=0.5, identity;q=0.1", "br"],
      ["br;q=0.5, gzip", "gzip"],
      ["gzip;q=0, *", "br"],
      ["br;q=0, *;q=0.3", "gzip"],
      ["*", "br"],
      ["x-gzip", "gzip"],
      ["GZIP", "gzip"],
      // identity, unless listed, is acceptable at the lowest weight (accept-encoding.ts): any listed coding wins.
      ["br;q=0.5, gzip;q=0.8", "gzip"],
      ["gzip;q=0.001", "gzip"],
      ["br;q=0.1, identity;q=0.5", undefined],
      ["deflate", undefined],
      ["zstd, compress", undefined],
      ["gzip;q=1.5", undefined], // an invalid qvalue drops the element
      ["gzip, identity;q=0", "gzip"],
      ["identity;q=0", undefined], // nothing acceptable: the file as it is all the same
      ["*;q=0", undefined],
      ["br;q=0, gzip;q=0", undefined],
    ];
    for (const [ae, coding] of cases) {
      const r = await get("/app.js", [`Accept-Encoding: ${ae}`]);
      assert.equal(r.status, 200, ae);
      assert.equal(r.header("Content-Encoding"), coding, ae);
      assert.equal(r.header("Vary"), "Accept-Encoding", ae);
      assert.match(r.header("ETag") ?? "", new RegExp(etagOf(f("app.js"), coding)), ae);
      assert.equal(r.header("Content-Length"), String(r.body.length), ae);
      assert.ok(decode(r).equals(contents.get("app.js") as Buffer), ae);
      if (coding !== undefined) assert.ok(r.body.length < (contents.get("app.js") as Buffer).length / 2, `${ae}: compressed`);
    }
  });

  test("Accept-Encoding over two field lines is one list, for on-the-fly codings and sidecars alike", async () => {
    const r = await get("/app.js", ["Accept-Encoding: deflate", "Accept-Encoding: gzip"]);
    assert.equal(r.header("Content-Encoding"), "gzip");
    const side = await get("/side.txt", ["Accept-Encoding: identity", "Accept-Encoding: gzip"]);
    assert.equal(side.header("Content-Encoding"), "gzip");
    assert.ok(side.body.equals(contents.get("side.txt.gz") as Buffer));
  });

  test("Content-type: charset=utf-8 on text, JavaScript and JSON types; none on SVG; compressed or not by mime-db's flag", async () => {
    const types: Array<[string, string, boolean]> = [
      ["t.txt", "text/plain; charset=utf-8", true],
      ["t.html", "text/html; charset=utf-8", true],
      ["t.css", "text/css; charset=utf-8", true],
      ["t.js", "text/javascript; charset=utf-8", true],
      ["t.mjs", "text/javascript; charset=utf-8", true],
      ["t.json", "application/json; charset=utf-8", true],
      ["t.md", "text/markdown; charset=utf-8", true],
      ["t.csv", "text/csv; charset=utf-8", true],
      ["t.svg", "image/svg+xml", true],
      ["t.woff2", "font/woff2", false],
      ["t.png", "image/png", false],
      ["t.tar.gz", "application/gzip", false],
      ["t", "application/octet-stream", false],
    ];
    for (const [name, type, compressed] of types) {
      put(name, "a".repeat(2000));
      const r = await get(`/${name}`, ["Accept-Encoding: gzip"]);
      assert.equal(r.header("Content-type"), type, name);
      assert.equal(r.header("Content-Encoding"), compressed ? "gzip" : undefined, name);
      assert.equal(r.header("Vary"), compressed ? "Accept-Encoding" : undefined, name);
      assert.equal(decode(r).toString(), "a".repeat(2000), name);
    }
  });

  test("compressible types: JSON and SVG are compressed; PNG and octet-stream never, and have no Vary", async () => {
    for (const [name, type] of [
      ["data.json", "application/json; charset=utf-8"],
      ["image.svg", "image/svg+xml"],
    ] as const) {
      const r = await get(`/${name}`, ["Accept-Encoding: gzip"]);
      assert.equal(r.header("Content-type"), type, name);
      assert.equal(r.header("Content-Encoding"), "gzip", name);
      assert.equal(r.header("Vary"), "Accept-Encoding", name);
      assert.ok(decode(r).equals(contents.get(name) as Buffer), name);
    }
    for (const name of ["photo.png", "blob.bin"]) {
      const r = await get(`/${name}`, ["Accept-Encoding: br, gzip"]);
      assert.equal(r.header("Content-Encoding"), undefined, name);
      assert.equal(r.header("Vary"), undefined, name);
      assert.ok(r.body.equals(contents.get(name) as Buffer), name);
    }
  });

  test("files under 1024 bytes are sent as they are (still with Vary); from 1024 bytes on they are compressed", async () => {
    const under = await get("/under.txt", ["Accept-Encoding: gzip, br"]);
    assert.equal(under.header("Content-Encoding"), undefined);
    assert.equal(under.header("Vary"), "Accept-Encoding");
    assert.equal(under.body.toString(), "u".repeat(1023));
    const exact = await get("/exact.txt", ["Accept-Encoding: gzip, br"]);
    assert.equal(exact.header("Content-Encoding"), "br");
    assert.equal(decode(exact).toString(), "e".repeat(1024));
  });

  test("HEAD sends the headers GET sends, for identity, cached-compressed and sidecar responses", async () => {
    for (const [target, ae] of [
      ["/app.js", "br"],
      ["/app.js", "gzip"],
      ["/app.js", "identity"],
      ["/side.txt", "gzip"],
      ["/noise.js", "br"],
      ["/under.txt", "gzip"],
    ]) {
      const g = await get(target as string, [`Accept-Encoding: ${ae}`]);
      const h = await get(target as string, [`Accept-Encoding: ${ae}`], "HEAD");
      assert.equal(h.statusLine, g.statusLine, `${target} ${ae}`);
      assert.deepEqual(withoutDate(h), withoutDate(g), `${target} ${ae}`);
      assert.equal(h.body.length, 0);
    }
  });

  test("exactly 256 KiB: compressed whole, with Content-Length; 256 KiB + 1: streamed, chunked; both decode exactly", async () => {
    for (const coding of ["br", "gzip"]) {
      const { responses } = await onConnection(server.port, [
        buildRequest("GET", "/k256.js", [`Accept-Encoding: ${coding}`]),
        buildRequest("GET", "/k256plus.js", [`Accept-Encoding: ${coding}`]),
      ]);
      const [small, large] = responses as [ParsedResponse, ParsedResponse];
      assert.equal(small.header("Content-Encoding"), coding);
      assert.equal(small.framing, "length");
      assert.equal(small.header("Content-Length"), String(small.body.length));
      assert.ok(decode(small).equals(contents.get("k256.js") as Buffer), `${coding} 256 KiB`);
      assert.equal(large.header("Content-Encoding"), coding);
      assert.equal(large.framing, "chunked");
      assert.equal(large.header("Content-Length"), undefined);
      assert.ok(decode(large).equals(contents.get("k256plus.js") as Buffer), `${coding} 256 KiB + 1`);
    }
  });

  test("without a file cache (fileCache = null) small files are compressed as they stream, byte for byte", async () => {
    for (const coding of ["br", "gzip"]) {
      const { responses } = await onConnection(uncached.port, [
        buildRequest("GET", "/app.js", [`Accept-Encoding: ${coding}`]),
        buildRequest("HEAD", "/app.js", [`Accept-Encoding: ${coding}`]),
        buildRequest("GET", "/side.txt", [`Accept-Encoding: ${coding}`]),
      ]);
      const [r, h, side] = responses as [ParsedResponse, ParsedResponse, ParsedResponse];
      assert.equal(r.header("Content-Encoding"), coding);
      assert.equal(r.framing, "chunked");
      assert.ok(decode(r).equals(contents.get("app.js") as Buffer), coding);
      assert.equal(h.status, 200);
      assert.equal(h.header("Content-Encoding"), coding);
      assert.ok(side.body.equals(contents.get(`side.txt${coding === "br" ? ".br" : ".gz"}`) as Buffer), "the sidecar, read from disk");
    }
  });

  test("16 concurrent requests for a file not yet compressed all get correct bodies, the same bytes per coding", async () => {
    put("concurrent.js", javascript(100 * KiB, 9));
    const codings = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? "br" : "gzip"));
    const responses = await Promise.all(codings.map((c) => get("/concurrent.js", [`Accept-Encoding: ${c}`])));
    for (const [i, r] of responses.entries()) {
      assert.equal(r.header("Content-Encoding"), codings[i]);
      assert.ok(decode(r).equals(contents.get("concurrent.js") as Buffer), `response ${i}`);
      assert.ok(r.body.equals((responses[i % 2] as ParsedResponse).body), `response ${i}: the same encoded bytes`);
    }
  });

  test("a compressed copy is never stale: after the file changes, the new content is sent", async () => {
    put("changing.js", javascript(5 * KiB, 10));
    const a = await get("/changing.js", ["Accept-Encoding: br"]);
    assert.ok(decode(a).equals(contents.get("changing.js") as Buffer));
    // Same size, new bytes and a new mtime.
    const next = Buffer.from(contents.get("changing.js") as Buffer).reverse();
    writeFileSync(f("changing.js"), next);
    const b = await get("/changing.js", ["Accept-Encoding: br"]);
    assert.ok(decode(b).equals(next), "the new content");
    assert.notEqual(b.header("ETag"), a.header("ETag"));
  });
});

describe("sidecars", () => {
  test("a fresh x.gz / x.br is sent as it is, even for a file too small to compress: its bytes, its length, its own ETag", async () => {
    for (const [ae, coding, suffix] of [
      ["gzip", "gzip", ".gz"],
      ["br", "br", ".br"],
      ["br, gzip", "br", ".br"],
      ["gzip;q=1, br;q=0.9", "gzip", ".gz"],
    ] as const) {
      const r = await get("/side.txt", [`Accept-Encoding: ${ae}`]);
      const sidecar = contents.get("side.txt" + suffix) as Buffer;
      assert.equal(r.status, 200, ae);
      assert.equal(r.header("Content-Encoding"), coding, ae);
      assert.equal(r.header("Content-type"), "text/plain; charset=utf-8", ae);
      assert.equal(r.header("Content-Length"), String(sidecar.length), ae);
      assert.equal(r.header("Vary"), "Accept-Encoding", ae);
      assert.match(r.header("ETag") ?? "", new RegExp(etagOf(f("side.txt" + suffix), coding)), `${ae}: the sidecar's validator`);
      assert.ok(r.body.equals(sidecar), `${ae}: the sidecar's exact bytes`);
      assert.equal(decode(r).toString(), "the small file\n");
    }
    const none = await get("/side.txt");
    assert.equal(none.header("Content-Encoding"), undefined);
    assert.equal(none.body.toString(), "the small file\n");
  });

  test("a sidecar with the same mtime as its file is used", async () => {
    const r = await get("/same.html", ["Accept-Encoding: gzip, br"]);
    assert.equal(r.header("Content-Encoding"), "gzip");
    assert.ok(r.body.equals(contents.get("same.html.gz") as Buffer));
  });

  test("a sidecar requested by its own name is an application/gzip file, not an encoded response", async () => {
    const r = await get("/side.txt.gz", ["Accept-Encoding: gzip"]);
    assert.equal(r.status, 200);
    assert.equal(r.header("Content-type"), "application/gzip");
    assert.equal(r.header("Content-Encoding"), undefined);
    assert.equal(r.header("Vary"), undefined);
    assert.ok(r.body.equals(contents.get("side.txt.gz") as Buffer));
  });

  test("a sidecar's own ETag revalidates: If-None-Match with it is 304", async () => {
    const r = await get("/side.txt", ["Accept-Encoding: gzip"]);
    const nm = await get("/side.txt", ["Accept-Encoding: gzip", `If-None-Match: ${r.header("ETag")}`]);
    assert.equal(nm.status, 304);
    assert.equal(nm.header("ETag"), r.header("ETag"));
  });

  test("a .gz sidecar serves gzip; the missing .br is made on the fly", async () => {
    const gz = await get("/gzonly.css", ["Accept-Encoding: gzip"]);
    assert.ok(gz.body.equals(contents.get("gzonly.css.gz") as Buffer), "the sidecar's bytes");
    const br = await get("/gzonly.css", ["Accept-Encoding: br"]);
    assert.equal(br.header("Content-Encoding"), "br");
    assert.ok(decode(br).equals(contents.get("gzonly.css") as Buffer));
  });

  test("a sidecar older than its file is never sent: compressed on the fly instead, or the file as it is when small", async () => {
    for (const ae of ["gzip", "br"]) {
      const r = await get("/stale.css", [`Accept-Encoding: ${ae}`]);
      assert.equal(r.header("Content-Encoding"), ae);
      assert.match(r.header("ETag") ?? "", new RegExp(etagOf(f("stale.css"), ae)), "the file's validator, not the sidecar's");
      assert.ok(decode(r).equals(contents.get("stale.css") as Buffer), `${ae}: the file's content, not STALE`);
    }
    const small = await get("/stale-small.txt", ["Accept-Encoding: br"]);
    assert.equal(small.header("Content-Encoding"), undefined);
    assert.equal(small.body.toString(), "small and edited\n");
  });

  test("a sidecar that is not a regular file is ignored", async () => {
    const r = await get("/dirside.txt", ["Accept-Encoding: gzip"]);
    assert.equal(r.header("Content-Encoding"), "gzip");
    assert.ok(decode(r).equals(contents.get("dirside.txt") as Buffer));
  });

  test("a sidecar over 256 KiB is streamed from disk byte for byte", async () => {
    const r = await get("/noise.js", ["Accept-Encoding: br"]);
    const sidecar = contents.get("noise.js.br") as Buffer;
    assert.ok(sidecar.length > 256 * KiB, `sidecar is ${sidecar.length} bytes`);
    assert.equal(r.header("Content-Length"), String(sidecar.length));
    assert.ok(r.body.equals(sidecar));
    assert.ok(decode(r).equals(contents.get("noise.js") as Buffer));
  });

  test("a file whose name is not UTF-8 gets its sidecar too", async () => {
    const name = Buffer.concat([Buffer.from(path.join(root, "caf")), Buffer.from([0xe9]), Buffer.from(".txt")]);
    writeFileSync(name, "latin-1 name\n".repeat(100));
    const side = Buffer.concat([name, Buffer.from(".gz")]);
    const gz = gzipSync(Buffer.from("latin-1 name\n".repeat(100)), { level: 9 });
    writeFileSync(side, gz);
    const later = new Date(Date.now() + 10_000);
    utimesSync(side, later, later);
    // The listing names the byte 0xE9 as the surrogate U+DCE9, percent-encoded as UTF-8 (CPython's surrogatepass).
    const listing = await get("/");
    assert.match(listing.body.toString("latin1"), /href="caf%ED%B3%A9\.txt"/);
    const r = await get("/caf%ED%B3%A9.txt", ["Accept-Encoding: gzip"]);
    assert.equal(r.status, 200);
    assert.equal(r.header("Content-Encoding"), "gzip");
    assert.ok(r.body.equals(gz), "the sidecar's bytes");
    const plainText = await get("/caf%ED%B3%A9.txt");
    assert.equal(plainText.body.toString(), "latin-1 name\n".repeat(100));
  });
});

describe("a 2 MiB JavaScript file, compressed as it streams", () => {
  const big = (): Buffer => contents.get("big.js") as Buffer;

  test("br and gzip on a kept-alive connection: no Content-Length, chunked, and the decoded bytes equal the file", async () => {
    const { responses } = await onConnection(server.port, [buildRequest("GET", "/big.js", ["Accept-Encoding: br"]), buildRequest("GET", "/big.js", ["Accept-Encoding: gzip"])]);
    for (const [i, coding] of ["br", "gzip"].entries()) {
      const r = responses[i] as ParsedResponse;
      assert.equal(r.status, 200);
      assert.equal(r.header("Content-Encoding"), coding);
      assert.equal(r.header("Content-Length"), undefined);
      assert.equal(r.header("Transfer-Encoding"), "chunked");
      assert.equal(r.framing, "chunked");
      assert.equal(r.header("Vary"), "Accept-Encoding");
      assert.match(r.header("ETag") ?? "", new RegExp(etagOf(f("big.js"), coding)));
      assert.ok(decode(r).equals(big()), `${coding}: decoded bytes`);
    }
    // With Connection: close the body is delimited by the close instead.
    const closing = await get("/big.js", ["Accept-Encoding: br"]);
    assert.equal(closing.header("Content-Length"), undefined);
    assert.equal(closing.framing, "eof");
    assert.ok(decode(closing).equals(big()));
  });

  test("HEAD sends GET's headers but Transfer-Encoding (RFC 9112 6.1: the framing of a body it does not send)", async () => {
    const g = await get("/big.js", ["Accept-Encoding: br"]);
    const h = await get("/big.js", ["Accept-Encoding: br"], "HEAD");
    const noTe = (r: ParsedResponse): Array<[string, string]> => withoutDate(r).filter(([n]) => n.toLowerCase() !== "transfer-encoding");
    assert.equal(h.status, 200);
    assert.deepEqual(noTe(h), noTe(g));
    assert.equal(h.body.length, 0);
  });

  test("the connection carries the next request after the chunked body", async () => {
    const { responses, open } = await onConnection(server.port, [
      buildRequest("GET", "/big.js", ["Accept-Encoding: gzip"]),
      buildRequest("GET", "/app.js", ["Accept-Encoding: br"]),
      buildRequest("GET", "/big.js", []),
    ]);
    assert.ok(decode(responses[0] as ParsedResponse).equals(big()));
    assert.ok(decode(responses[1] as ParsedResponse).equals(contents.get("app.js") as Buffer));
    assert.equal(responses[2]?.header("Content-Length"), String(big().length));
    assert.ok(responses[2]?.body.equals(big()));
    assert.ok(open);
  });

  test("an HTTP/1.0 client gets the compressed body delimited by the connection's end", async () => {
    const ex = await exchange(server.port, buildRequest("GET", "/big.js", ["Accept-Encoding: gzip"], { version: "HTTP/1.0" }));
    const [r] = ex.responses;
    assert.equal(r?.header("Transfer-Encoding"), undefined);
    assert.equal(r?.header("Content-Length"), undefined);
    assert.equal(r?.framing, "eof");
    assert.ok(decode(r as ParsedResponse).equals(big()));
  });

  test("curl --compressed: br, decoded to the file's bytes", { skip: toolSkip("curl") }, async () => {
    const hdr = f("big.hdr");
    const r = await curl("--compressed", "-D", hdr, `http://127.0.0.1:${server.port}/big.js`);
    assert.equal(r.code, 0, r.stderr);
    const [head] = curlHeaders(readFileSync(hdr, "latin1"));
    assert.equal(head?.header("Content-Encoding"), "br");
    assert.equal(head?.header("Transfer-Encoding"), "chunked");
    assert.ok(r.stdout.equals(big()));
  });
});

describe("curl --compressed", { skip: toolSkip("curl") }, () => {
  test("this curl decodes br: `curl -V` lists brotli (else br is checked with node:zlib above only)", async () => {
    const v = await curl("-V");
    assert.match(v.stdout.toString(), /brotli/i);
  });

  test("curl's default Accept-Encoding gets br, the cached copy, decoded to the file", async () => {
    const hdr = f("app.hdr");
    const r = await curl("--compressed", "-D", hdr, "-w", "%{size_download}", "-o", f("app.out"), `http://127.0.0.1:${server.port}/app.js`);
    assert.equal(r.code, 0, r.stderr);
    const [head] = curlHeaders(readFileSync(hdr, "latin1"));
    assert.equal(head?.status, 200);
    assert.equal(head?.header("Content-Encoding"), "br");
    assert.equal(head?.header("Vary"), "Accept-Encoding");
    assert.equal(head?.header("Content-Length"), r.stdout.toString(), "Content-Length is the compressed size");
    assert.ok(readFileSync(f("app.out")).equals(contents.get("app.js") as Buffer));
  });

  test("curl --compressed with Accept-Encoding: gzip gets gzip; with a sidecar, the sidecar", async () => {
    for (const [target, original] of [
      ["/app.js", contents.get("app.js")],
      ["/side.txt", Buffer.from("the small file\n")],
      ["/gzonly.css", contents.get("gzonly.css")],
    ] as const) {
      const hdr = f("gz.hdr");
      const r = await curl("--compressed", "-H", "Accept-Encoding: gzip", "-D", hdr, `http://127.0.0.1:${server.port}${target}`);
      assert.equal(r.code, 0, r.stderr);
      const [head] = curlHeaders(readFileSync(hdr, "latin1"));
      assert.equal(head?.header("Content-Encoding"), "gzip", target);
      assert.ok(r.stdout.equals(original as Buffer), target);
    }
  });
});

describe("compression off (compress = false, the command line's --no-compress)", () => {
  test("identity for every Accept-Encoding, sidecars unused, and no Vary", async () => {
    for (const target of ["/app.js", "/big.js", "/side.txt", "/gzonly.css"]) {
      for (const ae of ["br", "gzip", "gzip, deflate, br"]) {
        const r = await get(target, [`Accept-Encoding: ${ae}`], "GET", plain.port);
        assert.equal(r.status, 200);
        assert.equal(r.header("Content-Encoding"), undefined, `${target} ${ae}`);
        assert.equal(r.header("Vary"), undefined, `${target} ${ae}`);
        assert.match(r.header("ETag") ?? "", new RegExp(etagOf(f(target.slice(1)))));
        assert.ok(r.body.equals(contents.get(target.slice(1)) as Buffer), target);
      }
    }
  });

  test("a 304 has no Vary either", async () => {
    const r = await get("/app.js", ["If-None-Match: *", "Accept-Encoding: gzip"], "GET", plain.port);
    assert.equal(r.status, 304);
    assert.equal(r.header("Vary"), undefined);
  });
});

describe("the command", { skip: toolSkip("curl") }, () => {
  test("simplehttp: curl --compressed gets br; with --no-compress, identity without Vary", async () => {
    for (const [flags, coding] of [
      [[], "br"],
      [["--no-compress"], undefined],
    ] as const) {
      const cli = await startCli(["-b", "127.0.0.1", "-d", root, ...flags, "0"], { command: cliCommand() });
      try {
        for (const target of ["/app.js", "/big.js", "/side.txt"]) {
          const hdr = f("cli.hdr");
          const r = await curl("--compressed", "-D", hdr, `http://127.0.0.1:${cli.port}${target}`);
          assert.equal(r.code, 0, r.stderr);
          const [head] = curlHeaders(readFileSync(hdr, "latin1"));
          assert.equal(head?.header("Content-Encoding"), coding, `${flags.join(" ")} ${target}`);
          assert.equal(head?.header("Vary"), coding === undefined ? undefined : "Accept-Encoding", `${flags.join(" ")} ${target}`);
          assert.ok(r.stdout.equals(contents.get(target.slice(1)) as Buffer), target);
        }
      } finally {
        await cli.stop("SIGTERM");
      }
    }
  });
});
