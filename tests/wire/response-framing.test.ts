// decideResponseFraming(): the HEAD/204/304/1xx x length/chunked/close x
// HTTP/1.0/1.1 decision, as rows (the cases that matter, each with why) and as
// properties checked over the whole matrix.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decideResponseFraming, type ResponseFacts } from "../../src/wire/response-framing.js";

const H11 = 1001;
const H10 = 1000;
const base: ResponseFacts = {
  method: "GET",
  requestVersion: H11,
  protocolVersion: H11,
  status: 200,
  contentLength: -1,
  transferEncoding: false,
  connectionHeader: false,
  closing: false,
};
const TE = "Transfer-Encoding: chunked\r\n";
const CLOSE = "Connection: close\r\n";

const rows: [string, Partial<ResponseFacts>, string, string][] = [
  ["a length on a persistent HTTP/1.1 connection is kept, nothing added", { contentLength: 5 }, "length", ""],
  ["no length on a persistent HTTP/1.1 connection: chunked", {}, "chunked", TE],
  ["a length of 0 is a length", { contentLength: 0 }, "length", ""],
  ["the handler's own Transfer-Encoding: passthrough", { transferEncoding: true }, "passthrough", ""],
  ["Transfer-Encoding wins over Content-Length", { transferEncoding: true, contentLength: 5 }, "passthrough", ""],
  ["no length, HTTP/1.0 client: body up to the close, announced", { requestVersion: H10 }, "raw", CLOSE],
  ["no length, HTTP/1.0 server (CPython's default): announced close", { protocolVersion: H10 }, "raw", CLOSE],
  ["no length, HTTP/1.0 client with its own Connection header: close all the same", { requestVersion: H10, connectionHeader: true }, "raw", CLOSE],
  ["no length on a closing HTTP/1.1 connection: up to the close, announced (RFC 9112 9.6)", { closing: true }, "raw", CLOSE],
  ["a length on a closing HTTP/1.1 connection: kept, close announced", { closing: true, contentLength: 5 }, "length", CLOSE],
  ["closing, but the handler sent its own Connection header: nothing added", { closing: true, contentLength: 5, connectionHeader: true }, "length", ""],
  ["closing HTTP/1.0 exchange: nothing to announce (it closes by default)", { closing: true, requestVersion: H10, contentLength: 5 }, "length", ""],
  ["closing HTTP/1.0 exchange without length: raw, nothing added", { closing: true, requestVersion: H10 }, "raw", ""],
  ["HEAD has no body, whatever the length", { method: "HEAD", contentLength: 5 }, "none", ""],
  ["HEAD without length on HTTP/1.1 is not chunked", { method: "HEAD" }, "none", ""],
  ["HEAD on a closing HTTP/1.1 connection announces the close", { method: "HEAD", closing: true }, "none", CLOSE],
  ["204 has no body", { status: 204 }, "none", ""],
  ["304 has no body even with the file's length", { status: 304, contentLength: 5 }, "none", ""],
  ["304 on an HTTP/1.0 exchange: no body, nothing added", { status: 304, requestVersion: H10 }, "none", ""],
  ["100 Continue: no body, nothing added even when closing", { status: 100, closing: true }, "none", ""],
  ["103 Early Hints: no body", { status: 103 }, "none", ""],
  ["an error reply (CPython's sendError sends Connection and a length)", { status: 400, closing: true, connectionHeader: true, contentLength: 10 }, "length", ""],
  ["no request line read (a refused head): method null, a length", { method: null, requestVersion: 0, closing: true, contentLength: 10 }, "length", ""],
  ["HTTP/2 version numbers count as persistent (>= 1.1)", { requestVersion: 2000 }, "chunked", TE],
  ["205 is not among the bodiless statuses here (CPython's sendError omits its page; the framing keeps a length)", { status: 205, contentLength: 0 }, "length", ""],
];

describe("decideResponseFraming()", () => {
  for (const [name, facts, mode, headers] of rows) {
    it(`decideResponseFraming() ${name}`, () => {
      const r = decideResponseFraming({ ...base, ...facts });
      assert.deepEqual({ mode: r.mode, headers: r.headers }, { mode, headers });
    });
  }

  it("decideResponseFraming() returns the same frozen answer for the same case (no allocation per response)", () => {
    const a = decideResponseFraming({ ...base, contentLength: 5 });
    const b = decideResponseFraming({ ...base, contentLength: 7 });
    assert.equal(a, b);
    assert.ok(Object.isFrozen(a));
  });
});

describe("decideResponseFraming() over the whole matrix", () => {
  const all: ResponseFacts[] = [];
  for (const method of ["GET", "HEAD", "POST", null])
    for (const requestVersion of [0, H10, H11])
      for (const protocolVersion of [H10, H11])
        for (const status of [100, 101, 200, 204, 205, 206, 304, 404, 500])
          for (const contentLength of [-1, 0, 5])
            for (const transferEncoding of [false, true])
              for (const connectionHeader of [false, true])
                for (const closing of [false, true])
                  all.push({ method, requestVersion, protocolVersion, status, contentLength, transferEncoding, connectionHeader, closing });

  const persistentVersions = (f: ResponseFacts): boolean => f.requestVersion >= H11 && f.protocolVersion >= H11;

  it("has no body for 1xx, 204, 304 and HEAD, and nothing else", () => {
    for (const f of all) {
      const bodiless = f.status < 200 || f.status === 204 || f.status === 304 || f.method === "HEAD";
      assert.equal(decideResponseFraming(f).mode === "none", bodiless, JSON.stringify(f));
    }
  });

  it("chunks only a persistent HTTP/1.1 body of unknown length, and then adds exactly Transfer-Encoding", () => {
    for (const f of all) {
      const r = decideResponseFraming(f);
      if (r.mode !== "chunked") {
        assert.ok(!r.headers.includes("Transfer-Encoding"), JSON.stringify(f));
        continue;
      }
      assert.equal(r.headers, TE);
      assert.ok(persistentVersions(f) && !f.closing && f.contentLength < 0 && !f.transferEncoding, JSON.stringify(f));
    }
  });

  it("keeps the handler's framing: Transfer-Encoding gives passthrough, else a Content-Length gives length", () => {
    for (const f of all) {
      const mode = decideResponseFraming(f).mode;
      if (mode === "none") continue;
      if (f.transferEncoding) assert.equal(mode, "passthrough", JSON.stringify(f));
      else if (f.contentLength >= 0) assert.equal(mode, "length", JSON.stringify(f));
    }
  });

  it("delimits a body by the close only when the connection closes, and says so where HTTP/1.1 would persist", () => {
    for (const f of all) {
      const r = decideResponseFraming(f);
      if (r.mode !== "raw") continue;
      assert.ok(f.closing || r.headers === CLOSE, JSON.stringify(f));
    }
  });

  it("announces a close on a final response exactly when HTTP/1.1 would persist, the connection closes and the handler sent no Connection", () => {
    for (const f of all) {
      if (f.status < 200) continue;
      const r = decideResponseFraming(f);
      const unframedOld = r.mode === "raw" && !f.closing;
      const expected = (f.closing && persistentVersions(f) && !f.connectionHeader) || unframedOld;
      assert.equal(r.headers === CLOSE, expected, JSON.stringify(f));
    }
  });

  it("adds nothing to a 1xx", () => {
    for (const f of all) if (f.status < 200) assert.equal(decideResponseFraming(f).headers, "", JSON.stringify(f));
  });
});
