import { test } from "node:test";
import assert from "node:assert/strict";
import { isNotModified } from "../../src/files/not-modified.js";
import { HeaderMap } from "../../src/wire/header-map.js";

const MTIME = Date.UTC(2021, 2, 4, 5, 6, 7) + 890; // Thu, 04 Mar 2021 05:06:07.890 GMT
const h = (...pairs: Array<[string, string]>): HeaderMap => new HeaderMap(pairs);

test("isNotModified() is false without If-Modified-Since", () => {
  assert.equal(isNotModified(h(), MTIME), false);
  assert.equal(isNotModified(h(["If-None-Match", "*"]), MTIME), false);
});

test("isNotModified() is true when the file is not newer, compared at whole seconds", () => {
  assert.equal(isNotModified(h(["If-Modified-Since", "Thu, 04 Mar 2021 05:06:07 GMT"]), MTIME), true);
  assert.equal(isNotModified(h(["If-Modified-Since", "Thu, 04 Mar 2021 06:06:07 GMT"]), MTIME), true);
  assert.equal(isNotModified(h(["if-modified-since", "Thu, 04 Mar 2021 05:06:07 GMT"]), MTIME), true);
});

test("isNotModified() is false when the file is newer", () => {
  assert.equal(isNotModified(h(["If-Modified-Since", "Thu, 04 Mar 2021 05:06:06 GMT"]), MTIME), false);
  assert.equal(isNotModified(h(["If-Modified-Since", "Wed, 04 Mar 2020 05:06:07 GMT"]), MTIME), false);
});

test("isNotModified() ignores If-Modified-Since when If-None-Match is present", () => {
  assert.equal(isNotModified(h(["If-Modified-Since", "Thu, 04 Mar 2021 05:06:07 GMT"], ["If-None-Match", "*"]), MTIME), false);
  assert.equal(isNotModified(h(["If-None-Match", '"x"'], ["If-Modified-Since", "Thu, 04 Mar 2022 05:06:07 GMT"]), MTIME), false);
});

test("isNotModified() ignores dates it cannot parse", () => {
  for (const bad of ["", "garbage", "Thu, 32 Mar 2021 05:06:07 GMT", "Thu, 04 Mar 2021 25:06:07 GMT", "Thu, 04 Foo 2021 05:06:07 GMT", "1614834367"]) {
    assert.equal(isNotModified(h(["If-Modified-Since", bad]), MTIME), false, bad);
  }
});

test("isNotModified() ignores dates in a zone other than UTC; UTC, +0000 and zone-less dates count", () => {
  assert.equal(isNotModified(h(["If-Modified-Since", "Fri, 05 Mar 2021 05:06:07 +0100"]), MTIME), false);
  assert.equal(isNotModified(h(["If-Modified-Since", "Fri, 05 Mar 2021 05:06:07 PST"]), MTIME), false);
  assert.equal(isNotModified(h(["If-Modified-Since", "Thu, 04 Mar 2021 05:06:07 +0000"]), MTIME), true);
  assert.equal(isNotModified(h(["If-Modified-Since", "Thu, 04 Mar 2021 05:06:07 UTC"]), MTIME), true);
  assert.equal(isNotModified(h(["If-Modified-Since", "Thu Mar  4 05:06:07 2021"]), MTIME), true);
  assert.equal(isNotModified(h(["If-Modified-Since", "Thursday, 04-Mar-21 05:06:07 GMT"]), MTIME), true);
});

test("isNotModified() uses the first If-Modified-Since when there are several", () => {
  assert.equal(isNotModified(h(["If-Modified-Since", "Thu, 04 Mar 2021 05:06:07 GMT"], ["If-Modified-Since", "Thu, 04 Mar 2000 05:06:07 GMT"]), MTIME), true);
});
