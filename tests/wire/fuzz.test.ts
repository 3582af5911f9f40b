// Property and fuzz tests (fast-check): the head parser and the chunked decoder
// never throw anything but HttpParseError, give the same result however the
// input is split, and a live server never answers more requests than it got.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ChunkedDecoder, HttpParseError, RequestHeadParser } from "../../src/wire/index.js";
import { CORPUS } from "./request-corpus.js";
import { QuietHandler, withServer } from "../helpers/server.js";
import { rawRequest } from "../helpers/raw-client.js";
import { parseResponse } from "../helpers/http-response.js";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const SEEDS: string[] = [
  "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
  "GET /index.html HTTP/1.0\r\n\r\n",
  "GET /x\r\n",
  "POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello",
  "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
  "HEAD /h HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
  "GET http://h/p?q HTTP/1.1\r\nHost: h\r\nAccept: */*\r\nX-Multi: 1\r\nX-Multi: 2\r\n\r\n",
  "PUT /u HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
  "OPTIONS * HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
  ...CORPUS.filter((e) => e.raw.length < 2000).map((e) => e.raw),
];

/** A mutation applied to a seed request. */
type Mutation = { op: "flip"; at: number; byte: number } | { op: "insert"; at: number; bytes: number[] } | { op: "delete"; at: number; len: number } | { op: "dup"; at: number; len: number };

const INTERESTING = [0x00, 0x09, 0x0a, 0x0d, 0x20, 0x3a, 0x2f, 0x7f, 0x80, 0xff, 0x2c, 0x3b, 0x30, 0x39, 0x61, 0x48];
const byteArb = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(...INTERESTING));
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("flip" as const), at: fc.nat(), byte: byteArb }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), bytes: fc.array(byteArb, { minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ op: fc.constant("dup" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
);

function mutate(seed: Buffer, mutations: Mutation[]): Buffer {
  let b = seed;
  for (const m of mutations) {
    const at = b.length === 0 ? 0 : m.at % (b.length + 1);
    switch (m.op) {
      case "flip":
        if (b.length > 0) {
          b = Buffer.from(b);
          b[at % b.length] = m.byte;
        }
        break;
      case "insert":
        b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
        break;
      case "delete":
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
        break;
      case "dup":
        b = Buffer.concat([b.subarray(0, at + m.len), b.subarray(at)]);
        break;
    }
  }
  return b;
}

const mutatedArb = fc
  .tuple(fc.constantFrom(...SEEDS), fc.array(mutationArb, { minLength: 0, maxLength: 4 }))
  .map(([seed, ms]) => mutate(Buffer.from(seed, "latin1"), ms));
const requestBytesArb = fc.oneof({ weight: 4, arbitrary: mutatedArb }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)) });

/** Cuts `buf` at the given (normalised) positions. */
function cut(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => (buf.length === 0 ? 0 : c % (buf.length + 1))))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    pieces.push(buf.subarray(last, p));
    last = p;
  }
  pieces.push(buf.subarray(last));
  return pieces;
}

/** Feeds the pieces as the server does; any non-HttpParseError propagates. */
function parseAll(pieces: Buffer[]): unknown {
  const parser = new RequestHeadParser();
  let pending = Buffer.alloc(0);
  let consumed = 0;
  try {
    for (let i = 0; i <= pieces.length; i++) {
      const ended = i === pieces.length;
      if (!ended) pending = Buffer.concat([pending, pieces[i] as Buffer]);
      const r = parser.execute(pending, 0, pending.length, ended);
      assert.ok(r.consumed >= 0 && r.consumed <= pending.length, "consumed within bounds");
      consumed += r.consumed;
      pending = pending.subarray(r.consumed);
      if (r.state === "complete") {
        const h = r.head;
        // Whatever was accepted is well-formed.
        assert.match(h.command, TOKEN);
        assert.ok(h.http09 || /^HTTP\/\d{1,10}\.\d{1,10}$/.test(h.version), h.version);
        assert.ok(h.major < 2);
        assert.ok(!/[\x00-\x20\x7f]/.test(h.path), JSON.stringify(h.path));
        for (const [name, value] of h.headers) {
          assert.match(name, TOKEN);
          assert.ok(!/[\x00-\x08\x0a-\x1f\x7f]/.test(value), JSON.stringify(value));
        }
        if (h.major === 1 && h.minor >= 1) assert.equal(h.headers.getAll("host").length, 1);
        return { state: "complete", consumed, line: [h.command, h.path, h.version], headers: h.headers.entries(), framing: h.framing, mustClose: h.mustClose };
      }
      if (r.state === "empty") return { state: "empty", consumed };
      assert.ok(!ended, "never incomplete once the input has ended");
    }
    return "unreachable";
  } catch (err) {
    if (err instanceof HttpParseError) {
      assert.ok([400, 408, 414, 431, 501, 505].includes(err.status), String(err.status));
      return { state: "error", code: err.code, status: err.status, message: err.message };
    }
    throw err;
  }
}

describe("RequestHeadParser properties", () => {
  it("mutated and random requests: only HttpParseError, and the same result for any split", () => {
    fc.assert(
      fc.property(requestBytesArb, fc.array(fc.nat(), { maxLength: 6 }), (raw, cuts) => {
        const whole = parseAll([raw]);
        const split = parseAll(cut(raw, cuts));
        assert.deepEqual(split, whole);
      }),
      { numRuns: 1500, seed: 20261124 },
    );
  });

  it("the same with fresh random seeds (not reproducible, still bounded)", () => {
    fc.assert(
      fc.property(requestBytesArb, fc.array(fc.nat(), { maxLength: 6 }), (raw, cuts) => {
        assert.deepEqual(parseAll(cut(raw, cuts)), parseAll([raw]));
      }),
      { numRuns: 500 },
    );
  });

  it("a mutated request is fed byte by byte with the same result", () => {
    fc.assert(
      fc.property(mutatedArb, (raw) => {
        const bytes = Array.from({ length: raw.length }, (_, i) => raw.subarray(i, i + 1));
        assert.deepEqual(parseAll(bytes), parseAll([raw]));
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it("generated well-formed heads are accepted with their fields intact", () => {
    const tokenArb = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/);
    const valueArb = fc.stringMatching(/^[\x21-\x7e\x80-\xff]([\x20-\x7e\x80-\xff\t]{0,20}[\x21-\x7e\x80-\xff])?$/);
    const targetArb = fc.stringMatching(/^\/[\x21-\x7e\x80-\xff]{0,30}$/).filter((t) => !t.startsWith("//"));
    fc.assert(
      fc.property(tokenArb, targetArb, fc.array(fc.tuple(tokenArb, valueArb), { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 4 }), (method, target, fields, cuts) => {
        const clean = fields.filter(([n]) => !["host", "content-length", "transfer-encoding"].includes(n.toLowerCase()));
        const all: Array<[string, string]> = [["Host", "h"], ...clean];
        const raw = Buffer.from(`${method} ${target} HTTP/1.1\r\n${all.map(([n, v]) => `${n}: ${v}\r\n`).join("")}\r\n`, "latin1");
        const r = parseAll(cut(raw, cuts)) as { state: string; line: string[]; headers: Array<[string, string]>; consumed: number };
        assert.equal(r.state, "complete", JSON.stringify(r));
        assert.deepEqual(r.line, [method, target, "HTTP/1.1"]);
        assert.deepEqual(r.headers, all);
        assert.equal(r.consumed, raw.length);
      }),
      { numRuns: 300, seed: 99 },
    );
  });
});

// --- ChunkedDecoder ------------------------------------------------------------

type DecodeOutcome = { ok: true; data: string; consumed: number } | { ok: false; code: string };

function decodePieces(pieces: Buffer[]): DecodeOutcome {
  const d = new ChunkedDecoder();
  const out: Buffer[] = [];
  let consumed = 0;
  try {
    for (const p of pieces) {
      if (d.done) break;
      const used = d.decode(p, 0, p.length, out);
      assert.ok(used >= 0 && used <= p.length);
      consumed += used;
      if (!d.done) assert.equal(used, p.length, "consumes a whole piece until done");
    }
    if (!d.done) return { ok: false, code: "INCOMPLETE" };
    return { ok: true, data: Buffer.concat(out).toString("latin1"), consumed };
  } catch (err) {
    if (err instanceof HttpParseError) {
      assert.equal(err.status, 400);
      return { ok: false, code: err.code };
    }
    throw err;
  }
}

function everySplit(raw: Buffer): void {
  const whole = decodePieces([raw]);
  for (let k = 0; k <= raw.length; k++) {
    assert.deepEqual(decodePieces([raw.subarray(0, k), raw.subarray(k)]), whole, `split at ${k}`);
  }
  assert.deepEqual(decodePieces(Array.from({ length: raw.length }, (_, i) => raw.subarray(i, i + 1))), whole, "byte by byte");
}

describe("ChunkedDecoder", () => {
  const NEXT = "GET /next HTTP/1.1\r\n\r\n";
  for (const [name, body, data] of [
    ["one chunk", "5\r\nhello\r\n0\r\n\r\n", "hello"],
    ["several chunks, upper- and lower-case hex", "3\r\nabc\r\nA\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n", "abc0123456789abcdefghij"],
    ["extensions", "5;name=value;flag\r\nhello\r\n0;last\r\n\r\n", "hello"],
    ["extension after whitespace", "5 ;x=1\r\nhello\r\n0\r\n\r\n", "hello"],
    ["trailers", "5\r\nhello\r\n0\r\nX-Trailer: 1\r\nX-Other: two\r\n\r\n", "hello"],
    ["an empty body", "0\r\n\r\n", ""],
    ["leading zeros", "0005\r\nhello\r\n000\r\n\r\n", "hello"],
    ["data holding CRLF and chunk syntax", "a\r\n0\r\n\r\n5\r\nxx\r\n0\r\n\r\n", "0\r\n\r\n5\r\nxx"],
  ] as const) {
    it(`${name}: decoded the same at every split, stopping at the end of the body`, () => {
      const raw = Buffer.from(body + NEXT, "latin1");
      everySplit(raw);
      const r = decodePieces([raw]);
      assert.deepEqual(r, { ok: true, data, consumed: body.length });
    });
  }

  for (const [name, body] of [
    ["a non-hex size", "zz\r\nhello\r\n0\r\n\r\n"],
    ["a negative size", "-5\r\nhello\r\n0\r\n\r\n"],
    ["a 0x prefix", "0x5\r\nhello\r\n0\r\n\r\n"],
    ["a plus sign", "+5\r\nhello\r\n0\r\n\r\n"],
    ["an empty size line", "\r\nhello\r\n0\r\n\r\n"],
    ["a size with a bare LF", "5\nhello\r\n0\r\n\r\n"],
    ["data longer than its size", "3\r\nhello\r\n0\r\n\r\n"],
    ["data without its CRLF", "5\r\nhelloX\r\n0\r\n\r\n"],
    ["a size over 13 hex digits", "ffffffffffffffff\r\n"],
    ["a control character in an extension", "5;a=\x01\r\nhello\r\n0\r\n\r\n"],
    ["a trailer without a colon", "0\r\nNoColon\r\n\r\n"],
    ["an obs-folded trailer", "0\r\nX: a\r\n b\r\n\r\n"],
    ["a size line longer than 4096 bytes", "5;" + "x".repeat(5000) + "\r\nhello\r\n0\r\n\r\n"],
    ["more than 100 trailers", "0\r\n" + "X: y\r\n".repeat(101) + "\r\n"],
  ] as const) {
    it(`${name} -> ERR_CHUNK at every split`, () => {
      const raw = Buffer.from(body, "latin1");
      if (raw.length < 1200) everySplit(raw);
      assert.deepEqual(decodePieces([raw]), { ok: false, code: "ERR_CHUNK" });
    });
  }

  it("property: any data, chunked any way, split anywhere, decodes to itself", () => {
    const encodedArb = fc
      .tuple(
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 8 }),
      )
      .map(([data, sizes, ext, trailer, cuts]) => {
        const d = Buffer.from(data);
        let s = "";
        let pos = 0;
        let i = 0;
        while (pos < d.length) {
          const n = Math.min(sizes[i++ % sizes.length] as number, d.length - pos);
          s += (i % 2 ? n.toString(16) : n.toString(16).toUpperCase()) + (ext ? `;i=${i}` : "") + "\r\n" + d.subarray(pos, pos + n).toString("latin1") + "\r\n";
          pos += n;
        }
        s += "0\r\n" + (trailer ? "X-T: 1\r\n" : "") + "\r\n";
        return { data: d, raw: Buffer.from(s + "NEXT", "latin1"), encodedLength: s.length, cuts };
      });
    fc.assert(
      fc.property(encodedArb, ({ data, raw, encodedLength, cuts }) => {
        const r = decodePieces(cut(raw, cuts));
        assert.deepEqual(r, { ok: true, data: data.toString("latin1"), consumed: encodedLength });
      }),
      { numRuns: 300, seed: 4242 },
    );
  });

  it("property: mutated chunked bodies only ever throw HttpParseError, the same at any split", () => {
    const seeds = ["5\r\nhello\r\n0\r\n\r\n", "3;a=b\r\nabc\r\n2\r\nde\r\n0\r\nT: v\r\n\r\n", "a\r\n0123456789\r\n0\r\n\r\n"];
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(), { maxLength: 5 }), (seed, ms, cuts) => {
        const raw = mutate(Buffer.from(seed, "latin1"), ms);
        assert.deepEqual(decodePieces(cut(raw, cuts)), decodePieces([raw]));
      }),
      { numRuns: 500, seed: 1234 },
    );
  });
});

// --- a live server under fuzzed input ---------------------------------------------------

class FuzzHandler extends QuietHandler {
  async reply(): Promise<void> {
    if (this.path.includes("read")) await this.rfile.readAll(1 << 16).catch(() => undefined);
    this.sendResponse(200);
    // Every reply ends in LF (so does the error page): a status line always starts a line.
    this.sendHeader("Content-Length", 3);
    await this.endHeaders();
    await this.wfile.write("ok\n");
  }
}
for (const m of ["GET", "POST", "PUT", "HEAD", "OPTIONS", "SPAM"]) {
  (FuzzHandler.prototype as unknown as Record<string, unknown>)["do_" + m] = FuzzHandler.prototype.reply;
}
FuzzHandler.prototype.protocolVersion = "HTTP/1.1";
FuzzHandler.prototype.headersTimeout = 2;
FuzzHandler.prototype.keepAliveTimeout = 2;

/** Counts final status lines (1xx excluded) at the start of a line (every reply of FuzzHandler ends in LF). */
function finalResponses(data: Buffer): number {
  const text = data.toString("latin1");
  let n = 0;
  for (const m of text.matchAll(/(?:^|\n)HTTP\/\d\.\d (\d{3})[ \r]/g)) if (!(m[1] as string).startsWith("1")) n++;
  return n;
}

/** Blank lines that could end a request head (LF CRLF or LF LF). */
function headEnds(raw: Buffer): number {
  return (raw.toString("latin1").match(/\n\r?\n/g) ?? []).length;
}

describe("a live server under fuzzed requests", () => {
  it("never answers more requests than it received, never reports an engine error, keeps serving", async () => {
    const pathArb = fc.constantFrom("/", "/read", "/x?read=1");
    const validArb = fc.tuple(fc.constantFrom("GET", "POST", "PUT", "SPAM", "HEAD"), pathArb, fc.constantFrom("", "hello", "a".repeat(100))).map(([m, p, body]) =>
      Buffer.from(`${m} ${p} HTTP/1.1\r\nHost: h\r\n${body ? `Content-Length: ${body.length}\r\n` : ""}\r\n${body}`, "latin1"),
    );
    const oneArb = fc.oneof({ weight: 2, arbitrary: validArb }, { weight: 3, arbitrary: mutatedArb });
    await withServer(FuzzHandler, async ({ port, errors }) => {
      const t0 = Date.now();
      await fc.assert(
        fc.asyncProperty(fc.array(oneArb, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 3 }), async (requests, cuts) => {
          const raw = Buffer.concat(requests);
          const r = await rawRequest(port, cut(raw, cuts), { halfClose: true, timeoutMs: 8000 });
          assert.ok(r.closed || r.reset, "the server ends the connection after a half-closed client");
          const n = finalResponses(r.data);
          // A mutation can hold more than one request ("...\r\n\r\nTP/1.1\r\n..."): each answer
          // needs a head that ended (a blank line) or, once, the refusal that closes the connection.
          const bound = Math.max(requests.length, headEnds(raw) + 1);
          assert.ok(n <= bound, `${n} responses to ${requests.length} requests: ${JSON.stringify(raw.toString("latin1").slice(0, 300))}`);
        }),
        { numRuns: 400, seed: 31337 },
      );
      assert.deepEqual(errors, [], "no exception reached handleError");
      const probe = await rawRequest(port, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
      assert.equal(parseResponse(probe.data, { closed: true }).body.toString(), "ok\n");
      assert.ok(Date.now() - t0 < 20000, "bounded in time");
    });
  });

  it("valid pipelined requests get exactly one response each", async () => {
    await withServer(FuzzHandler, async ({ port }) => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.constantFrom("GET", "POST", "SPAM"), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 4 }), async (methods, cuts) => {
          const raw = Buffer.from(methods.map((m) => `${m} /read HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc`).join(""), "latin1");
          const r = await rawRequest(port, cut(raw, cuts), { halfClose: true });
          assert.equal(finalResponses(r.data), methods.length);
        }),
        { numRuns: 60, seed: 5 },
      );
    });
  });
});
