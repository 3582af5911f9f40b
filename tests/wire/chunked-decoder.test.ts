// ChunkedDecoder: chunk sizes, as a table (RFC 9112 7.1).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ChunkedDecoder } from "../../src/wire/chunked-decoder.js";
import { HttpParseError } from "../../src/wire/parse-error.js";

/** Decodes `body` whole; the data, or the parse error's message. */
function decode(body: string): string | { error: string } {
  const d = new ChunkedDecoder();
  const out: Buffer[] = [];
  const buf = Buffer.from(body, "latin1");
  try {
    d.decode(buf, 0, buf.length, out);
  } catch (err) {
    if (err instanceof HttpParseError) return { error: err.message };
    throw err;
  }
  assert.ok(d.done, "the body ended");
  return Buffer.concat(out).toString("latin1");
}

const rows: ReadonlyArray<[does: string, body: string, expect: string | RegExp]> = [
  ["reads a one-digit size", "5\r\nhello\r\n0\r\n\r\n", "hello"],
  ["reads upper- and lower-case hex", "A\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n", "01234567890123456789"],
  ["accepts leading zeros, counting only significant digits (0000000000000005 is 5)", "0000000000000005\r\nhello\r\n0\r\n\r\n", "hello"],
  ["accepts a last chunk written with leading zeros", "5\r\nhello\r\n0000000000000000\r\n\r\n", "hello"],
  ["accepts a size of 33 characters with one significant digit", "00000000000000000000" + "0000000000001" + "\r\nx\r\n0\r\n\r\n", "x"],
  ["refuses 14 significant digits", "10000000000000\r\n", /bad chunk size/],
  ["refuses a sign", "+5\r\nhello\r\n0\r\n\r\n", /bad chunk size/],
  ["refuses a 0x prefix", "0x5\r\nhello\r\n0\r\n\r\n", /bad chunk size/],
  ["refuses an empty size", "\r\nhello\r\n0\r\n\r\n", /bad chunk size/],
];

describe("ChunkedDecoder chunk sizes", () => {
  for (const [does, body, expect] of rows) {
    it(`ChunkedDecoder ${does}`, () => {
      const got = decode(body);
      if (typeof expect === "string") assert.equal(got, expect);
      else {
        assert.ok(typeof got === "object", `expected an error, got ${JSON.stringify(got)}`);
        assert.match(got.error, expect);
      }
    });
  }
});
