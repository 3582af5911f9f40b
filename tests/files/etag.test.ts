import { test } from "node:test";
import assert from "node:assert/strict";
import { makeETag, parseETagList, strongMatch, weakMatch, type EntityTag } from "../../src/files/etag.js";

const MTIME = Date.UTC(2021, 2, 4, 5, 6, 7) + 890; // Thu, 04 Mar 2021 05:06:07.890 GMT = 0x60406abf s
/** Stats.mtimeMs as Node computes it from the file system's (sec, nsec). */
const mtimeMsOf = (sec: number, nsec: number): number => sec * 1e3 + nsec / 1e6;

const strong = (tag: string): EntityTag => ({ weak: false, tag });
const weak = (tag: string): EntityTag => ({ weak: true, tag });

test("makeETag() writes seconds, nanoseconds and size in lower-case hex, with the coding inside the quotes", () => {
  const cases: Array<[size: number, mtimeMs: number, coding: string | undefined, expected: string]> = [
    [26, MTIME, undefined, '"60406abf.350c5280-1a"'],
    [26, MTIME, "br", '"60406abf.350c5280-1a-br"'],
    [26, MTIME, "gzip", '"60406abf.350c5280-1a-gzip"'],
    [0, 0, undefined, '"0.0-0"'],
    [255, 1000, undefined, '"1.0-ff"'],
    [1e12, MTIME - 890, undefined, '"60406abf.0-e8d4a51000"'],
    [3, mtimeMsOf(1614834367, 123456789), undefined, '"60406abf.75bcd13-3"'],
    [1, Date.UTC(1994, 9, 29, 19, 43, 31) + 500, undefined, '"2eb2a5e3.1dcd6500-1"'],
  ];
  for (const [size, mtimeMs, coding, expected] of cases) {
    assert.equal(coding === undefined ? makeETag(size, mtimeMs) : makeETag(size, mtimeMs, coding), expected, `${size} ${mtimeMs} ${coding}`);
  }
});

test("makeETag() gives a valid tag for times before 1970, with a leading minus on the seconds", () => {
  const cases: Array<[size: number, mtimeMs: number, expected: string]> = [
    [0, -1000, '"-1.0-0"'],
    [1, -0.5, '"-1.3b9328e0-1"'], // 0.5 ms before the epoch: second -1, 999.5 ms into it
    [16, -86_400_000, '"-15180.0-10"'],
  ];
  for (const [size, mtimeMs, expected] of cases) {
    const tag = makeETag(size, mtimeMs);
    assert.equal(tag, expected);
    assert.deepEqual(parseETagList(tag), [strong(tag)], tag);
  }
});

test("makeETag() recovers the nanoseconds to within a quarter microsecond, the same way every time", () => {
  const cases: Array<[sec: number, nsec: number]> = [
    [1614834367, 123456789], [1614834367, 999999999], [1614834367, 1], [1700000000, 500000000], [0, 999999999], [-1, 1],
  ];
  for (const [sec, nsec] of cases) {
    const tag = makeETag(1, mtimeMsOf(sec, nsec));
    assert.equal(tag, makeETag(1, mtimeMsOf(sec, nsec)));
    const [s, ns] = tag.slice(1, tag.indexOf("-", 2)).split(".").map((h) => parseInt(h, 16)) as [number, number];
    assert.ok(Math.abs(s * 1e9 + ns - (sec * 1e9 + nsec)) <= 250, `${sec}.${nsec} -> ${tag}`);
    assert.ok(ns >= 0 && ns <= 999_999_999);
  }
});

test("makeETag() changes with the size, the time and the coding, and is strong and parsable", () => {
  const tags = [makeETag(1, MTIME), makeETag(2, MTIME), makeETag(1, MTIME + 1), makeETag(1, MTIME + 1000), makeETag(1, MTIME, "br"), makeETag(1, MTIME, "gzip")];
  assert.equal(new Set(tags).size, tags.length);
  for (const tag of tags) assert.deepEqual(parseETagList(tag), [strong(tag)], tag);
});

test("parseETagList() reads *, single tags and lists (RFC 9110 sections 8.8.3, 13.1.1, 13.1.2)", () => {
  const cases: Array<[value: string, expected: "*" | EntityTag[]]> = [
    ['"xyzzy"', [strong('"xyzzy"')]],
    ['W/"xyzzy"', [weak('"xyzzy"')]],
    ['""', [strong('""')]],
    ['"xyzzy", "r2d2xxxx", "c3piozzzz"', [strong('"xyzzy"'), strong('"r2d2xxxx"'), strong('"c3piozzzz"')]],
    ['W/"xyzzy", W/"r2d2xxxx", W/"c3piozzzz"', [weak('"xyzzy"'), weak('"r2d2xxxx"'), weak('"c3piozzzz"')]],
    ["*", "*"],
    [" *\t", "*"],
    ["", []],
    [" , ,", []],
    [', ,"a" ,, W/"b",', [strong('"a"'), weak('"b"')]],
    ['"a"\t,\t"b"', [strong('"a"'), strong('"b"')]],
    ['"a",W/"a"', [strong('"a"'), weak('"a"')]],
    ['"a,b"', [strong('"a,b"')]], // a comma is an etagc
    ['"W/"', [strong('"W/"')]],
    ['"!#~\x80\xff"', [strong('"!#~\x80\xff"')]], // obs-text
  ];
  for (const [value, expected] of cases) assert.deepEqual(parseETagList(value), expected, JSON.stringify(value));
});

test("parseETagList() answers null for a malformed field value", () => {
  const cases = [
    "abc", "xyzzy, \"a\"", '"a", abc', 'w/"a"', 'W/ "a"', "W/", "W/abc", '"a', '"a" "b"', '"a"b', 'W/"a"W/"b"',
    '*, "a"', '"a", *', "**", "* *", '"a b"', '"a\tb"', '"a\x7f"', '"a\x00"', '"a\u0100"', '"a\u20ac"', "'a'", '"a"";"',
  ];
  for (const value of cases) assert.equal(parseETagList(value), null, JSON.stringify(value));
});

test("strongMatch() and weakMatch() follow the comparison table of RFC 9110 section 8.8.3.2", () => {
  const cases: Array<[a: EntityTag, b: EntityTag, strong: boolean, weak: boolean]> = [
    [weak('"1"'), weak('"1"'), false, true],
    [weak('"1"'), weak('"2"'), false, false],
    [weak('"1"'), strong('"1"'), false, true],
    [strong('"1"'), strong('"1"'), true, true],
    [strong('"1"'), strong('"2"'), false, false],
    [strong('"1"'), strong('"10"'), false, false],
    [strong('"a"'), strong('"A"'), false, false],
    [strong('""'), strong('""'), true, true],
  ];
  for (const [a, b, s, w] of cases) {
    const label = `${a.weak ? "W/" : ""}${a.tag} vs ${b.weak ? "W/" : ""}${b.tag}`;
    assert.equal(strongMatch(a, b), s, `strong ${label}`);
    assert.equal(strongMatch(b, a), s, `strong reversed ${label}`);
    assert.equal(weakMatch(a, b), w, `weak ${label}`);
    assert.equal(weakMatch(b, a), w, `weak reversed ${label}`);
  }
});
