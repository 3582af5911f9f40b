// splitTarget(): urllib.parse.urlsplit for the origin-form targets a server receives.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { splitTarget, type TargetParts } from "../../src/files/split-target.js";
import { python, samples, tokens } from "../helpers/oracle.js";

/** CPython's answer for each target: urlsplit's path, query and fragment. */
function urlsplit(targets: readonly string[]): TargetParts[] {
  const out = python<Array<[string, string, string]>>(
    "from urllib.parse import urlsplit\nresult = [[p.path, p.query, p.fragment] for p in map(urlsplit, data)]",
    targets,
  );
  return out.map(([path, query, fragment]) => ({ path, query, fragment }));
}

const rows: ReadonlyArray<{ does: string; target: string; expect: TargetParts }> = [
  { does: "keeps a plain path whole", target: "/a/b.txt", expect: { path: "/a/b.txt", query: "", fragment: "" } },
  { does: "keeps the root whole", target: "/", expect: { path: "/", query: "", fragment: "" } },
  { does: "splits the query at '?'", target: "/a?x=1&y=2", expect: { path: "/a", query: "x=1&y=2", fragment: "" } },
  { does: "splits the fragment at '#'", target: "/a#sec", expect: { path: "/a", query: "", fragment: "sec" } },
  { does: "splits both, the query before the fragment", target: "/a?x=1#sec", expect: { path: "/a", query: "x=1", fragment: "sec" } },
  { does: "keeps a '?' after the '#' in the fragment", target: "/a#sec?x=1", expect: { path: "/a", query: "", fragment: "sec?x=1" } },
  { does: "splits at the first '?' and keeps the others in the query", target: "/a?x=1?y=2??", expect: { path: "/a", query: "x=1?y=2??", fragment: "" } },
  { does: "splits at the first '#' and keeps the others in the fragment", target: "/a?q#f#g?h", expect: { path: "/a", query: "q", fragment: "f#g?h" } },
  { does: "gives an empty query for a trailing '?'", target: "/a?", expect: { path: "/a", query: "", fragment: "" } },
  { does: "gives an empty fragment for a trailing '#'", target: "/a#", expect: { path: "/a", query: "", fragment: "" } },
  { does: "gives an empty query and fragment for '?#'", target: "/a?#", expect: { path: "/a", query: "", fragment: "" } },
  { does: "gives an empty path for a target that starts with '?'", target: "?x", expect: { path: "", query: "x", fragment: "" } },
  { does: "keeps a trailing slash in the path", target: "/d/?x", expect: { path: "/d/", query: "x", fragment: "" } },
  {
    does: "keeps percent-escapes as they are, %3F and %23 included",
    target: "/a%20b%2f%3F%23?q=%2F%26#f%3F",
    expect: { path: "/a%20b%2f%3F%23", query: "q=%2F%26", fragment: "f%3F" },
  },
  { does: "keeps ';' and ':' in the path (no params, no scheme)", target: "/a;p=1/b:c?x", expect: { path: "/a;p=1/b:c", query: "x", fragment: "" } },
  { does: "keeps characters that are not ASCII", target: "/é/한?ß#😀", expect: { path: "/é/한", query: "ß", fragment: "😀" } },
];

describe("splitTarget (urllib.parse.urlsplit for an origin-form target)", () => {
  for (const row of rows) {
    it(`splitTarget() ${row.does}`, () => {
      assert.deepEqual(splitTarget(row.target), row.expect);
    });
  }

  it("splitTarget() agrees with CPython's urlsplit on every row above", () => {
    const targets = rows.map((r) => r.target);
    const expected = urlsplit(targets);
    targets.forEach((t, i) => assert.deepEqual(splitTarget(t), expected[i], JSON.stringify(t)));
    // The table itself is CPython's answer, not just ours.
    rows.forEach((r, i) => assert.deepEqual(r.expect, expected[i], JSON.stringify(r.target)));
  });

  it("splitTarget() agrees with CPython's urlsplit on generated origin-form targets", () => {
    const pieces = ["/", "a", "b.txt", "?", "#", "=", "&", ";", ":", "%", "%2f", "%2F", "%3F", "%23", "%20", "..", "é", "[", "]", "@", " "];
    // Origin form: one leading "/" ("//" would be a netloc to urlsplit; the engine never passes one on).
    const targets = samples(tokens(pieces, 12), 800).map((s) => "/" + s.replace(/^\/+/, ""));
    const expected = urlsplit(targets);
    targets.forEach((t, i) => assert.deepEqual(splitTarget(t), expected[i], JSON.stringify(t)));
  });
});
