import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluatePreconditions, ifRangeAllows, type PreconditionOutcome, type RequestConditions, type Validators } from "../../src/files/preconditions.js";
import { makeETag } from "../../src/files/etag.js";
import { isNotModified } from "../../src/files/not-modified.js";
import { HeaderMap } from "../../src/wire/header-map.js";

const MTIME = Date.UTC(2021, 2, 4, 5, 6, 7) + 890; // Thu, 04 Mar 2021 05:06:07.890 GMT
const FILE: Validators = { etag: makeETag(26, MTIME), mtimeMs: MTIME };
const ETAG = FILE.etag;
/** The resource of the RFC's examples: tagged "xyzzy", last modified at the RFC's example date (plus half a second). */
const XYZZY: Validators = { etag: '"xyzzy"', mtimeMs: Date.UTC(1994, 9, 29, 19, 43, 31) + 500 };
const RFC_DATE = "Sat, 29 Oct 1994 19:43:31 GMT"; // RFC 9110 sections 13.1.3, 13.1.4, 13.1.5

const LM = "Thu, 04 Mar 2021 05:06:07 GMT"; // Last-Modified of FILE
const BEFORE = "Thu, 04 Mar 2021 05:06:06 GMT";
const AFTER = "Thu, 04 Mar 2021 05:06:08 GMT";

type Case = [method: string, conditions: RequestConditions, validators: Validators, expected: PreconditionOutcome];

function check(cases: readonly Case[]): void {
  for (const [method, conditions, validators, expected] of cases) {
    assert.equal(evaluatePreconditions(method, conditions, validators), expected, `${method} ${JSON.stringify(conditions)} on ${validators.etag}`);
  }
}

test("evaluatePreconditions() proceeds without conditions", () => {
  check(["GET", "HEAD", "PUT", "POST", "DELETE"].map((m): Case => [m, {}, FILE, "proceed"]));
  check([["GET", { ifMatch: undefined, ifNoneMatch: undefined, ifModifiedSince: undefined, ifUnmodifiedSince: undefined }, FILE, "proceed"]]);
});

test("evaluatePreconditions() proceeds when If-Match is * or lists the current tag (RFC 9110 section 13.1.1)", () => {
  check([
    ["GET", { ifMatch: '"xyzzy"' }, XYZZY, "proceed"],
    ["GET", { ifMatch: '"xyzzy", "r2d2xxxx", "c3piozzzz"' }, XYZZY, "proceed"],
    ["PUT", { ifMatch: '"c3piozzzz", "xyzzy"' }, XYZZY, "proceed"],
    ["GET", { ifMatch: "*" }, XYZZY, "proceed"],
    ["DELETE", { ifMatch: "*" }, FILE, "proceed"],
    ["GET", { ifMatch: ETAG }, FILE, "proceed"],
    ["HEAD", { ifMatch: `"other", ${ETAG}` }, FILE, "proceed"],
  ]);
});

test("evaluatePreconditions() answers 412 when If-Match lists no current tag", () => {
  check([
    ["GET", { ifMatch: '"xyzzy"' }, FILE, "precondition-failed"],
    ["GET", { ifMatch: '"xyzzy", "r2d2xxxx", "c3piozzzz"' }, FILE, "precondition-failed"],
    ["PUT", { ifMatch: '"r2d2xxxx"' }, XYZZY, "precondition-failed"],
    // If-Match uses the strong comparison: a weak tag never matches.
    ["GET", { ifMatch: 'W/"xyzzy"' }, XYZZY, "precondition-failed"],
    ["GET", { ifMatch: `W/${ETAG}` }, FILE, "precondition-failed"],
    ["GET", { ifMatch: makeETag(26, MTIME, "gzip") }, FILE, "precondition-failed"],
    // A malformed or empty list cannot match.
    ...["xyzzy", '"xyzzy", *', "", 'w/"xyzzy"'].map((ifMatch): Case => ["GET", { ifMatch }, XYZZY, "precondition-failed"]),
  ]);
});

test("evaluatePreconditions() answers 412 when the file changed after If-Unmodified-Since (RFC 9110 section 13.1.4)", () => {
  check([
    ["GET", { ifUnmodifiedSince: RFC_DATE }, FILE, "precondition-failed"],
    ["PUT", { ifUnmodifiedSince: RFC_DATE }, FILE, "precondition-failed"],
    ["GET", { ifUnmodifiedSince: BEFORE }, FILE, "precondition-failed"],
    ["GET", { ifUnmodifiedSince: "Thu Mar  4 05:06:06 2021" }, FILE, "precondition-failed"],
    // Compared at whole seconds: 05:06:07.890 is not after 05:06:07.
    ["GET", { ifUnmodifiedSince: LM }, FILE, "proceed"],
    ["GET", { ifUnmodifiedSince: RFC_DATE }, XYZZY, "proceed"],
    ["PUT", { ifUnmodifiedSince: AFTER }, FILE, "proceed"],
  ]);
});

test("evaluatePreconditions() ignores an invalid If-Unmodified-Since, and any when If-Match is present", () => {
  check([
    // "Thu, 04 Mar 2021 06:06:06 +0100" is not GMT, so not an HTTP-date (RFC 9110 section 5.6.7).
    // A list of dates, such as two field lines joined, is ignored too (RFC 9110 section 13.1.4).
    ...["garbage", "", "Thu, 32 Mar 2021 05:06:07 GMT", "1614834366", "Thu, 04 Mar 2021 06:06:06 +0100", `${BEFORE}, ${BEFORE}`, "Thu Mar  4 05:06:06 2021, x"].map(
      (ifUnmodifiedSince): Case => ["GET", { ifUnmodifiedSince }, FILE, "proceed"],
    ),
    ["GET", { ifMatch: ETAG, ifUnmodifiedSince: RFC_DATE }, FILE, "proceed"],
    ["PUT", { ifMatch: "*", ifUnmodifiedSince: RFC_DATE }, FILE, "proceed"],
  ]);
});

test("evaluatePreconditions() answers 304 to GET and HEAD, 412 to others, when If-None-Match matches (RFC 9110 section 13.1.2)", () => {
  const matching = ['"xyzzy"', 'W/"xyzzy"', '"xyzzy", "r2d2xxxx", "c3piozzzz"', 'W/"xyzzy", W/"r2d2xxxx", W/"c3piozzzz"', "*", ' "a" , "xyzzy" '];
  for (const ifNoneMatch of matching) {
    check([
      ["GET", { ifNoneMatch }, XYZZY, "not-modified"],
      ["HEAD", { ifNoneMatch }, XYZZY, "not-modified"],
      ["PUT", { ifNoneMatch }, XYZZY, "precondition-failed"],
      ["POST", { ifNoneMatch }, XYZZY, "precondition-failed"],
      ["DELETE", { ifNoneMatch }, XYZZY, "precondition-failed"],
    ]);
  }
  check([["GET", { ifNoneMatch: `W/${ETAG}` }, FILE, "not-modified"]]);
});

test("evaluatePreconditions() proceeds when If-None-Match lists no current tag or is malformed", () => {
  check([
    ["GET", { ifNoneMatch: '"xyzzy"' }, FILE, "proceed"],
    ["PUT", { ifNoneMatch: '"r2d2xxxx", "c3piozzzz"' }, XYZZY, "proceed"],
    ["GET", { ifNoneMatch: makeETag(26, MTIME, "br") }, FILE, "proceed"],
    ...["xyzzy", '"xyzzy', "", 'w/"xyzzy"', '"xyzzy" *'].map((ifNoneMatch): Case => ["GET", { ifNoneMatch }, XYZZY, "proceed"]),
  ]);
});

test("evaluatePreconditions() ignores If-Modified-Since when If-None-Match is present, even malformed", () => {
  check([
    ["GET", { ifNoneMatch: '"other"', ifModifiedSince: AFTER }, FILE, "proceed"],
    ["GET", { ifNoneMatch: "abc", ifModifiedSince: AFTER }, FILE, "proceed"],
    ["GET", { ifNoneMatch: "", ifModifiedSince: AFTER }, FILE, "proceed"],
    ["GET", { ifNoneMatch: ETAG, ifModifiedSince: RFC_DATE }, FILE, "not-modified"],
  ]);
});

test("evaluatePreconditions() answers 304 when GET or HEAD has If-Modified-Since not before the file (RFC 9110 section 13.1.3)", () => {
  check([
    ["GET", { ifModifiedSince: RFC_DATE }, XYZZY, "not-modified"],
    ["HEAD", { ifModifiedSince: RFC_DATE }, XYZZY, "not-modified"],
    ["GET", { ifModifiedSince: RFC_DATE }, FILE, "proceed"],
    ["GET", { ifModifiedSince: LM }, FILE, "not-modified"],
    ["GET", { ifModifiedSince: AFTER }, FILE, "not-modified"],
    ["GET", { ifModifiedSince: BEFORE }, FILE, "proceed"],
    ["GET", { ifModifiedSince: "Thursday, 04-Mar-21 05:06:07 GMT" }, FILE, "not-modified"],
    ["GET", { ifModifiedSince: "Thu Mar  4 05:06:07 2021" }, FILE, "not-modified"],
    // Only GET and HEAD, only a valid date in UTC.
    ["PUT", { ifModifiedSince: AFTER }, FILE, "proceed"], ["POST", { ifModifiedSince: AFTER }, FILE, "proceed"],
    ["GET", { ifModifiedSince: "garbage" }, FILE, "proceed"], ["GET", { ifModifiedSince: "Fri, 05 Mar 2021 05:06:07 +0100" }, FILE, "proceed"],
  ]);
});

test("evaluatePreconditions() keeps CPython's If-Modified-Since rule, the same as isNotModified()", () => {
  const dates = [LM, BEFORE, AFTER, RFC_DATE, "", "garbage", "Thu, 04 Mar 2021 05:06:07 +0000", "Thu, 04 Mar 2021 05:06:07 UTC", "Thu, 04 Mar 2021 05:06:07 PST", "Fri, 05 Mar 2021 05:06:07 +0100", "Thu, 04 Mar 2021 05:06:07 XYZ", "Thu, 31 Feb 2021 05:06:07 GMT"];
  const mtimes = [MTIME, MTIME - 890, MTIME - 891, MTIME + 110, 0, -1500];
  for (const date of dates) {
    for (const mtimeMs of mtimes) {
      const expected = isNotModified(new HeaderMap([["If-Modified-Since", date]]), mtimeMs) ? "not-modified" : "proceed";
      assert.equal(evaluatePreconditions("GET", { ifModifiedSince: date }, { etag: ETAG, mtimeMs }), expected, `${date} at ${mtimeMs}`);
    }
  }
});

test("evaluatePreconditions() evaluates in the order of RFC 9110 section 13.2.2", () => {
  check([
    ["GET", { ifMatch: '"other"', ifNoneMatch: "*" }, FILE, "precondition-failed"],
    ["GET", { ifMatch: '"other"', ifModifiedSince: AFTER }, FILE, "precondition-failed"],
    ["GET", { ifUnmodifiedSince: BEFORE, ifNoneMatch: ETAG }, FILE, "precondition-failed"],
    ["GET", { ifUnmodifiedSince: BEFORE, ifModifiedSince: AFTER }, FILE, "precondition-failed"],
    ["GET", { ifMatch: ETAG, ifNoneMatch: ETAG }, FILE, "not-modified"],
    ["PUT", { ifMatch: ETAG, ifNoneMatch: ETAG }, FILE, "precondition-failed"],
    ["GET", { ifUnmodifiedSince: AFTER, ifNoneMatch: "*" }, FILE, "not-modified"],
    ["GET", { ifMatch: "*", ifModifiedSince: LM }, FILE, "not-modified"],
    ["GET", { ifMatch: ETAG, ifUnmodifiedSince: BEFORE, ifNoneMatch: '"other"', ifModifiedSince: AFTER }, FILE, "proceed"],
  ]);
});

test("evaluatePreconditions() ignores every condition on CONNECT, OPTIONS and TRACE (RFC 9110 section 13.2.1)", () => {
  const all: RequestConditions[] = [{ ifMatch: '"other"' }, { ifUnmodifiedSince: RFC_DATE }, { ifNoneMatch: "*" }, { ifModifiedSince: AFTER }];
  for (const method of ["CONNECT", "OPTIONS", "TRACE"]) check(all.map((c): Case => [method, c, FILE, "proceed"]));
});

test("evaluatePreconditions() treats method names case-sensitively: get is not GET", () => {
  check([
    ["get", { ifNoneMatch: "*" }, FILE, "precondition-failed"],
    ["head", { ifModifiedSince: AFTER }, FILE, "proceed"],
    ["options", { ifMatch: '"other"' }, FILE, "precondition-failed"],
  ]);
});

test("ifRangeAllows() is true only for the current strong tag or the exact Last-Modified (RFC 9110 section 13.1.5)", () => {
  const cases: Array<[ifRange: string | undefined, validators: Validators, expected: boolean]> = [
    [undefined, FILE, true],
    ['"xyzzy"', XYZZY, true],
    ['"xyzzy"', FILE, false],
    [RFC_DATE, XYZZY, true],
    [RFC_DATE, FILE, false],
    [ETAG, FILE, true],
    [` ${ETAG} `, FILE, true],
    // A weak tag never matches; neither does a list, *, or a malformed tag.
    ['W/"xyzzy"', XYZZY, false], [`W/${ETAG}`, FILE, false], [makeETag(26, MTIME, "gzip"), FILE, false],
    ['"xyzzy", "xyzzy"', XYZZY, false], ["*", XYZZY, false], ['"xyzzy', XYZZY, false], ['W/"', XYZZY, false],
    // Dates must equal Last-Modified (mtime floored to the second) exactly, in UTC.
    [LM, FILE, true], ["Thursday, 04-Mar-21 05:06:07 GMT", FILE, true], ["Thu Mar  4 05:06:07 2021", FILE, true],
    ["Thu, 04 Mar 2021 05:06:07 +0000", FILE, true], [BEFORE, FILE, false], [AFTER, FILE, false],
    ["Thu, 04 Mar 2021 06:06:07 +0100", FILE, false], ["garbage", FILE, false], ["xyzzy", XYZZY, false], ["", FILE, false],
    [`${LM}, ${LM}`, FILE, false], ["Thu Mar  4 05:06:07 2021, Thu Mar  4 05:06:07 2021", FILE, false], ["1, Thu Mar  4 05:06:07 2021", FILE, false],
  ];
  for (const [ifRange, validators, expected] of cases) assert.equal(ifRangeAllows(ifRange, validators), expected, `${ifRange} on ${validators.etag}`);
});
