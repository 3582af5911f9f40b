import { HTTP_1_1, versionNumber } from "./http-version.js";

/**
 * Whether a request waits for `100 Continue` before sending its body
 * (RFC 9110 section 10.1.1), as CPython's `handle_expect_100` is called:
 * `Expect: 100-continue` (any case) with HTTP/1.1 or later on both ends.
 */
export function expectsContinue(expect: string | undefined, protocolVersion: string, requestVersion: string): boolean {
  return expect !== undefined && expect.toLowerCase() === "100-continue" && versionNumber(protocolVersion) >= HTTP_1_1 && versionNumber(requestVersion) >= HTTP_1_1;
}
