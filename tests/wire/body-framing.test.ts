// Request body framing (RFC 9112 section 6): Content-Length and Transfer-Encoding, strictly.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decideBodyFraming, type FramingDecision } from "../../src/wire/body-framing.js";
import { HeaderMap } from "../../src/wire/header-map.js";
import type { ParseErrorCode } from "../../src/wire/parse-error.js";
import { parseError } from "../helpers/parse-error.js";

type Fields = Array<[string, string]>;
type Version = readonly [major: number, minor: number];

const HTTP11: Version = [1, 1];
const HTTP10: Version = [1, 0];

const NONE: FramingDecision = { framing: { kind: "none" }, mustClose: false };
const length = (n: number): FramingDecision => ({ framing: { kind: "length", length: n }, mustClose: false });
const CHUNKED: FramingDecision = { framing: { kind: "chunked" }, mustClose: false };
const CHUNKED_CLOSE: FramingDecision = { framing: { kind: "chunked" }, mustClose: true };

describe("decideBodyFraming()", () => {
  const decided: Array<[name: string, fields: Fields, version: Version, expected: FramingDecision]> = [
    ["gives no body without headers", [], HTTP11, NONE],
    ["gives no body when neither framing header is present", [["Host", "h"], ["Content-Type", "text/plain"]], HTTP11, NONE],
    ["gives no body to an HTTP/1.0 request without framing headers", [["Host", "h"]], HTTP10, NONE],
    ["reads Content-Length digits", [["Content-Length", "5"]], HTTP11, length(5)],
    ["reads Content-Length whatever the name's case", [["content-LENGTH", "42"]], HTTP11, length(42)],
    ["reads Content-Length in HTTP/1.0", [["Content-Length", "7"]], HTTP10, length(7)],
    ["gives no body for Content-Length 0", [["Content-Length", "0"]], HTTP11, NONE],
    ["gives no body for Content-Length 00", [["Content-Length", "00"]], HTTP11, NONE],
    ["reads leading zeros as decimal", [["Content-Length", "0010"]], HTTP11, length(10)],
    ["trims whitespace around the value", [["Content-Length", " 5 "]], HTTP11, length(5)],
    ["accepts the same length repeated in one field", [["Content-Length", "5, 5"]], HTTP11, length(5)],
    ["accepts the same length repeated without a space", [["Content-Length", "5,5,5"]], HTTP11, length(5)],
    ["accepts the same length in two fields", [["Content-Length", "5"], ["Content-Length", "5"]], HTTP11, length(5)],
    ["accepts equal values written with different leading zeros", [["Content-Length", "5, 05"]], HTTP11, length(5)],
    ["accepts Number.MAX_SAFE_INTEGER", [["Content-Length", "9007199254740991"]], HTTP11, length(9007199254740991)],
    ["reads Transfer-Encoding: chunked", [["Transfer-Encoding", "chunked"]], HTTP11, CHUNKED],
    ["reads chunked in upper case", [["Transfer-Encoding", "CHUNKED"]], HTTP11, CHUNKED],
    ["reads chunked in mixed case under a lower-case name", [["transfer-encoding", "ChUnKeD"]], HTTP11, CHUNKED],
    ["trims whitespace around chunked", [["Transfer-Encoding", "  chunked\t"]], HTTP11, CHUNKED],
    ["skips empty list members around chunked", [["Transfer-Encoding", ", ,chunked, ,"]], HTTP11, CHUNKED],
    ["skips an empty Transfer-Encoding field beside a chunked one", [["Transfer-Encoding", ""], ["Transfer-Encoding", "chunked"]], HTTP11, CHUNKED],
    ["reads chunked in HTTP/1.2", [["Transfer-Encoding", "chunked"]], [1, 2], CHUNKED],
    ["lets chunked win over Content-Length and closes afterwards", [["Content-Length", "5"], ["Transfer-Encoding", "chunked"]], HTTP11, CHUNKED_CLOSE],
    ["closes after chunked beside Content-Length whichever comes first", [["Transfer-Encoding", "chunked"], ["Content-Length", "5"]], HTTP11, CHUNKED_CLOSE],
    ["closes after chunked even beside an invalid Content-Length", [["Transfer-Encoding", "chunked"], ["Content-Length", "abc"]], HTTP11, CHUNKED_CLOSE],
    ["closes after chunked even beside Content-Length 0", [["Transfer-Encoding", "chunked"], ["Content-Length", "0"]], HTTP11, CHUNKED_CLOSE],
  ];
  for (const [name, fields, [major, minor], expected] of decided) {
    it(`decideBodyFraming() ${name} [${JSON.stringify(fields)} HTTP/${major}.${minor}]`, () => {
      assert.deepEqual(decideBodyFraming(new HeaderMap(fields), major, minor), expected);
    });
  }

  const refused: Array<[name: string, fields: Fields, version: Version, code: ParseErrorCode, status: number, message: string]> = [
    ["refuses conflicting lengths in one field", [["Content-Length", "5, 6"]], HTTP11, "ERR_CONTENT_LENGTH", 400, "Conflicting Content-Length values"],
    ["refuses conflicting lengths in two fields", [["Content-Length", "5"], ["Content-Length", "6"]], HTTP11, "ERR_CONTENT_LENGTH", 400, "Conflicting Content-Length values"],
    ["refuses a zero beside a non-zero length", [["Content-Length", "0"], ["Content-Length", "5"]], HTTP11, "ERR_CONTENT_LENGTH", 400, "Conflicting Content-Length values"],
    ["refuses a plus sign", [["Content-Length", "+5"]], HTTP11, "ERR_CONTENT_LENGTH", 400, "Bad Content-Length (+5)"],
    ["refuses a minus sign", [["Content-Length", "-5"]], HTTP11, "ERR_CONTENT_LENGTH", 400, "Bad Content-Length (-5)"],
    ["refuses a space inside the number", [["Content-Length", "1 0"]], HTTP11, "ERR_CONTENT_LENGTH", 400, "Bad Content-Length (1 0)"],
    ["refuses a hexadecimal length", [["Content-Length", "0x10"]], HTTP11, "ERR_CONTENT_LENGTH", 400, "Bad Content-Length (0x10)"],
    ["refuses a decimal point", [["Content-Length", "5.0"]], HTTP11, "ERR_CONTENT_LENGTH", 400, "Bad Content-Length (5.0)"],
    ["refuses an exponent", [["Content-Length", "1e3"]], HTTP11, "ERR_CONTENT_LENGTH", 400, "Bad Content-Length (1e3)"],
    ["refuses an empty value", [["Content-Length", ""]], HTTP11, "ERR_CONTENT_LENGTH", 400, "Bad Content-Length ()"],
    ["refuses an empty list member", [["Content-Length", "5,"]], HTTP11, "ERR_CONTENT_LENGTH", 400, "Bad Content-Length (5,)"],
    ["refuses a bad value in the second field", [["Content-Length", "5"], ["Content-Length", "x"]], HTTP11, "ERR_CONTENT_LENGTH", 400, "Bad Content-Length (x)"],
    ["refuses one more than Number.MAX_SAFE_INTEGER", [["Content-Length", "9007199254740992"]], HTTP11, "ERR_CONTENT_LENGTH", 400, "Bad Content-Length (9007199254740992)"],
    ["refuses a twenty-digit length", [["Content-Length", "99999999999999999999"]], HTTP11, "ERR_CONTENT_LENGTH", 400, "Bad Content-Length (99999999999999999999)"],
    ["refuses Transfer-Encoding in HTTP/1.0", [["Transfer-Encoding", "chunked"]], HTTP10, "ERR_TRANSFER_ENCODING", 400, "Transfer-Encoding is not allowed in HTTP/1.0 requests"],
    ["refuses Transfer-Encoding beside Content-Length in HTTP/1.0", [["Content-Length", "5"], ["Transfer-Encoding", "chunked"]], HTTP10, "ERR_TRANSFER_ENCODING", 400, "Transfer-Encoding is not allowed in HTTP/1.0 requests"],
    ["answers 501 to gzip before chunked", [["Transfer-Encoding", "gzip, chunked"]], HTTP11, "ERR_UNSUPPORTED_TRANSFER_CODING", 501, "Unsupported transfer coding (gzip, chunked)"],
    ["answers 501 to gzip and chunked split across two fields", [["Transfer-Encoding", "gzip"], ["Transfer-Encoding", "chunked"]], HTTP11, "ERR_UNSUPPORTED_TRANSFER_CODING", 501, "Unsupported transfer coding (gzip, chunked)"],
    ["answers 501 to an unknown coding before chunked", [["Transfer-Encoding", "foo, chunked"]], HTTP11, "ERR_UNSUPPORTED_TRANSFER_CODING", 501, "Unsupported transfer coding (foo, chunked)"],
    ["answers 400 to chunked before a known coding", [["Transfer-Encoding", "chunked, gzip"]], HTTP11, "ERR_TRANSFER_ENCODING", 400, "Bad Transfer-Encoding (chunked, gzip): chunked must be the final coding"],
    ["answers 400 to a known coding alone (length unknowable)", [["Transfer-Encoding", "gzip"]], HTTP11, "ERR_TRANSFER_ENCODING", 400, "Bad Transfer-Encoding (gzip): chunked must be the final coding"],
    ["answers 400 to identity alone", [["Transfer-Encoding", "identity"]], HTTP11, "ERR_TRANSFER_ENCODING", 400, "Bad Transfer-Encoding (identity): chunked must be the final coding"],
    ["answers 501 to chunked before an unknown coding", [["Transfer-Encoding", "chunked, foo"]], HTTP11, "ERR_UNSUPPORTED_TRANSFER_CODING", 501, "Unsupported transfer coding (chunked, foo)"],
    ["answers 501 to an unknown coding alone", [["Transfer-Encoding", "foo"]], HTTP11, "ERR_UNSUPPORTED_TRANSFER_CODING", 501, "Unsupported transfer coding (foo)"],
    ["answers 400 to chunked twice in one field", [["Transfer-Encoding", "chunked, chunked"]], HTTP11, "ERR_TRANSFER_ENCODING", 400, "Bad Transfer-Encoding (chunked, chunked): chunked must be the final coding"],
    ["answers 400 to chunked twice across two fields", [["Transfer-Encoding", "chunked"], ["Transfer-Encoding", "chunked"]], HTTP11, "ERR_TRANSFER_ENCODING", 400, "Bad Transfer-Encoding (chunked, chunked): chunked must be the final coding"],
    ["answers 400 to chunked before a known coding across two fields", [["Transfer-Encoding", "chunked"], ["Transfer-Encoding", "gzip"]], HTTP11, "ERR_TRANSFER_ENCODING", 400, "Bad Transfer-Encoding (chunked, gzip): chunked must be the final coding"],
    ["answers 400 to an empty Transfer-Encoding", [["Transfer-Encoding", ""]], HTTP11, "ERR_TRANSFER_ENCODING", 400, "Bad Transfer-Encoding (): chunked must be the final coding"],
    ["answers 400 to a Transfer-Encoding of empty list members", [["Transfer-Encoding", " , ,"]], HTTP11, "ERR_TRANSFER_ENCODING", 400, "Bad Transfer-Encoding ( , ,): chunked must be the final coding"],
    ["answers 400 to chunked with a parameter (a known coding, not final chunked)", [["Transfer-Encoding", "chunked;x=1"]], HTTP11, "ERR_TRANSFER_ENCODING", 400, "Bad Transfer-Encoding (chunked;x=1): chunked must be the final coding"],
    ["answers 501 to an unknown coding with a parameter", [["Transfer-Encoding", "foo;x=1, chunked"]], HTTP11, "ERR_UNSUPPORTED_TRANSFER_CODING", 501, "Unsupported transfer coding (foo;x=1, chunked)"],
  ];
  for (const [name, fields, [major, minor], code, status, message] of refused) {
    it(`decideBodyFraming() ${name} [${JSON.stringify(fields)} HTTP/${major}.${minor}]`, () => {
      const err = parseError(() => decideBodyFraming(new HeaderMap(fields), major, minor));
      assert.equal(err.code, code);
      assert.equal(err.status, status);
      assert.equal(err.message, message);
    });
  }
});
