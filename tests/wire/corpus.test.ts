// Replays the protocol corpus (test/corpus/requests.ts) through the pure
// RequestHeadParser, split at every byte boundary and byte by byte, and over a
// real socket.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HttpParseError, RequestHeadParser, type RequestHead } from "../../src/wire/index.js";
import { CORPUS, STATUS_OF, type CorpusEntry, type ExpectedHead } from "./request-corpus.js";
import { QuietHandler, withServer } from "../helpers/server.js";
import { rawRequest } from "../helpers/raw-client.js";
import { parseResponse } from "../helpers/http-response.js";

/** A parse outcome in comparable form. */
type Outcome =
  | { kind: "head"; consumed: number; command: string; path: string; version: string; http09: boolean; headers: Array<[string, string]>; framing: string; mustClose: boolean; requestline: string }
  | { kind: "error"; code: string; status: number; message: string; explain: string | undefined; requestline: string }
  | { kind: "empty"; consumed: number };

function framingOf(h: RequestHead): string {
  return h.framing.kind === "length" ? String(h.framing.length) : h.framing.kind;
}

/**
 * Feeds `pieces` one after another as a server would: unconsumed bytes are
 * kept and offered again with the next piece; after the last piece the peer
 * is treated as closed (`ended`). Returns the outcome and the total bytes
 * consumed.
 */
export function replay(pieces: Buffer[]): Outcome {
  const parser = new RequestHeadParser();
  let pending = Buffer.alloc(0);
  let consumed = 0;
  try {
    for (let i = 0; i <= pieces.length; i++) {
      const ended = i === pieces.length;
      if (!ended) pending = Buffer.concat([pending, pieces[i] as Buffer]);
      const r = parser.execute(pending, 0, pending.length, ended);
      consumed += r.consumed;
      pending = pending.subarray(r.consumed);
      if (r.state === "complete") {
        const h = r.head;
        return {
          kind: "head",
          consumed,
          command: h.command,
          path: h.path,
          version: h.version,
          http09: h.http09,
          headers: h.headers.entries(),
          framing: framingOf(h),
          mustClose: h.mustClose,
          requestline: h.requestline,
        };
      }
      if (r.state === "empty") return { kind: "empty", consumed };
      if (ended) throw new Error("incomplete after the end of input");
    }
    throw new Error("unreachable");
  } catch (err) {
    if (!(err instanceof HttpParseError)) throw err;
    return { kind: "error", code: err.code, status: err.status, message: err.message, explain: err.explain, requestline: parser.requestline };
  }
}

/** Split points: every boundary for small inputs, a sample (ends, around line breaks, strided) for large ones. */
function splitPoints(raw: Buffer): number[] {
  if (raw.length <= 4096) return Array.from({ length: raw.length + 1 }, (_, i) => i);
  const points = new Set<number>();
  for (let i = 0; i <= 64; i++) {
    points.add(i);
    points.add(raw.length - i);
  }
  for (let i = 0; i < raw.length; i += 997) points.add(i);
  for (let i = raw.indexOf(0x0a); i >= 0; i = raw.indexOf(0x0a, i + 1)) for (const d of [-2, -1, 0, 1, 2]) points.add(i + d);
  for (const p of [65534, 65535, 65536, 65537, 65538]) points.add(p);
  return [...points].filter((p) => p >= 0 && p <= raw.length).sort((a, b) => a - b);
}

function checkExpectation(entry: CorpusEntry, outcome: Outcome, raw: Buffer): void {
  const e = entry.expect;
  if ("head" in e) {
    assert.equal(outcome.kind, "head", `expected a head, got ${JSON.stringify(outcome).slice(0, 300)}`);
    if (outcome.kind !== "head") return;
    const want: ExpectedHead = e.head;
    assert.equal(outcome.command, want.command);
    assert.equal(outcome.path, want.path);
    assert.equal(outcome.version, want.version);
    if (want.headers) assert.deepEqual(outcome.headers, want.headers);
    if (want.framing !== undefined) assert.equal(outcome.framing, String(want.framing));
    if (want.mustClose !== undefined) assert.equal(outcome.mustClose, want.mustClose);
    // The parser never reads past the head: what follows is the body (or the next request).
    const text = raw.toString("latin1");
    const end = outcome.consumed;
    assert.ok(end <= raw.length);
    if (!outcome.http09 && end < raw.length) assert.ok(text.slice(0, end).endsWith("\n\n") || text.slice(0, end).endsWith("\r\n\r\n") || text.slice(0, end).endsWith("\n\r\n"), "stops right after the blank line");
  } else if ("error" in e) {
    assert.equal(outcome.kind, "error", `expected ${e.error}, got ${JSON.stringify(outcome).slice(0, 300)}`);
    if (outcome.kind !== "error") return;
    assert.equal(outcome.code, e.error);
    assert.equal(outcome.status, STATUS_OF[e.error]);
  } else if ("empty" in e) {
    assert.equal(outcome.kind, "empty", JSON.stringify(outcome).slice(0, 300));
  } else {
    // Decided after parsing: the parser itself accepts the head.
    assert.equal(outcome.kind, "head", JSON.stringify(outcome).slice(0, 300));
  }
}

describe("corpus through RequestHeadParser", () => {
  it("has 60+ entries with unique names, covering every parse error code that a head can cause", () => {
    assert.ok(CORPUS.length >= 60, `${CORPUS.length} entries`);
    assert.equal(new Set(CORPUS.map((e) => e.name)).size, CORPUS.length);
    const codes = new Set(CORPUS.flatMap((e) => ("error" in e.expect ? [e.expect.error] : [])));
    for (const code of Object.keys(STATUS_OF)) {
      if (code === "ERR_CHUNK" || code === "ERR_HEADERS_TIMEOUT" || code === "ERR_HEAD_BUDGET") continue; // body, timer and process-wide errors, not head bytes
      assert.ok(codes.has(code as never), `no corpus entry for ${code}`);
    }
  });

  for (const entry of CORPUS) {
    it(entry.name, () => {
      const raw = Buffer.from(entry.raw, "latin1");
      const whole = replay([raw]);
      checkExpectation(entry, whole, raw);
      for (const k of splitPoints(raw)) {
        const split = replay([raw.subarray(0, k), raw.subarray(k)]);
        assert.deepEqual(split, whole, `split at ${k}`);
      }
      if (raw.length <= 2048) {
        const bytes = Array.from({ length: raw.length }, (_, i) => raw.subarray(i, i + 1));
        assert.deepEqual(replay(bytes), whole, "byte by byte");
      }
    });
  }
});

describe("corpus over a real socket", () => {
  /** Answers 200 with the path for every method a `head` entry uses. */
  class CorpusHandler extends QuietHandler {
    async echo(): Promise<void> {
      const body = Buffer.from(`${this.command} ${this.path}`, "latin1");
      this.sendResponse(200);
      this.sendHeader("Content-Length", body.length);
      await this.endHeaders();
      await this.wfile.write(body);
    }
  }
  CorpusHandler.prototype.protocolVersion = "HTTP/1.1";
  for (const entry of CORPUS) {
    if ("head" in entry.expect) {
      const name = "do_" + entry.expect.head.command;
      (CorpusHandler.prototype as unknown as Record<string, unknown>)[name] = CorpusHandler.prototype.echo;
    }
  }

  it("every entry gets the expected answer", () =>
    withServer(CorpusHandler, async ({ port }) => {
      for (const entry of CORPUS) {
        const r = await rawRequest(port, entry.raw, { halfClose: true, timeoutMs: 5000 });
        const where = `${entry.name}: ${JSON.stringify(r.data.toString("latin1").slice(0, 200))}`;
        assert.ok(r.closed, `${where}: closed`);
        const e = entry.expect;
        if ("empty" in e) {
          assert.equal(r.data.length, 0, where);
          continue;
        }
        if ("head" in e && e.head.version === "HTTP/0.9" && !entry.raw.includes(" HTTP/0.9")) {
          assert.equal(r.data.toString("latin1"), `${e.head.command} ${e.head.path}`, where);
          continue;
        }
        const res = parseResponse(r.data, { closed: true, methods: ["HEAD" === ("head" in e ? e.head.command : "") ? "HEAD" : "GET"] });
        const status = "head" in e ? 200 : "error" in e ? STATUS_OF[e.error] : e.status;
        assert.equal(res.status, status, where);
        if ("head" in e) assert.equal(res.body.toString("latin1"), `${e.head.command} ${e.head.path}`, where);
        else assert.equal(res.header("Connection"), "close", where);
      }
    }));
});
