// recoveryFor(): the engine's policy after a do_ method throws, as a table.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { recoveryFor } from "../../src/server/recovery.js";
import { BodyTooLargeError, ConnectionClosedError, ConnectionTimeoutError } from "../../src/server/errors.js";
import { HttpParseError } from "../../src/wire/parse-error.js";

const badChunk = new HttpParseError("ERR_CHUNK", 400, "Bad chunk size");
const tooLarge = new BodyTooLargeError(10);

const rows: [string, unknown, boolean, { reply: number; message: string | undefined; report: boolean; timedOut: boolean }][] = [
  ["the client left before the response: nothing to answer", new ConnectionClosedError(), false, { reply: 0, message: undefined, report: false, timedOut: false }],
  ["the client left mid-response: cut short", new ConnectionClosedError(), true, { reply: 0, message: undefined, report: false, timedOut: false }],
  ["a timeout is logged, never answered", new ConnectionTimeoutError("timed out"), false, { reply: 0, message: undefined, report: false, timedOut: true }],
  ["a bad chunk before the response: 400 with the parser's message", badChunk, false, { reply: 400, message: "Bad chunk size", report: false, timedOut: false }],
  ["a bad chunk after the response began: cut short, not reported", badChunk, true, { reply: 0, message: undefined, report: false, timedOut: false }],
  ["a body over readAll's limit: 413 with its message", tooLarge, false, { reply: 413, message: "request body larger than 10 bytes", report: false, timedOut: false }],
  ["a body over the limit mid-response: cut short", tooLarge, true, { reply: 0, message: undefined, report: false, timedOut: false }],
  ["a handler's bug before the response: reported, 500", new TypeError("x is undefined"), false, { reply: 500, message: undefined, report: true, timedOut: false }],
  ["a handler's bug mid-response: reported, cut short", new TypeError("x is undefined"), true, { reply: 0, message: undefined, report: true, timedOut: false }],
  ["a thrown non-Error is a fault like any other", "a string", false, { reply: 500, message: undefined, report: true, timedOut: false }],
  ["a rejection with undefined is a fault too", undefined, false, { reply: 500, message: undefined, report: true, timedOut: false }],
];

describe("recoveryFor()", () => {
  for (const [name, error, started, expected] of rows) {
    it(`recoveryFor(): ${name}`, () => {
      assert.deepEqual({ ...recoveryFor(error, started) }, expected);
    });
  }
});
