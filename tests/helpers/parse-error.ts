import assert from "node:assert/strict";
import { HttpParseError } from "../../src/wire/parse-error.js";

/** The HttpParseError `fn` throws; fails the test when it returns or throws anything else. */
export function parseError(fn: () => unknown): HttpParseError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpParseError) return err;
    throw err;
  }
  return assert.fail("expected an HttpParseError");
}
