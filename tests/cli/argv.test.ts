/**
 * The rewrites argv.ts makes before parseArgs reads the command line, as a
 * table: each leaves a `--` and everything after it untouched (operands), and
 * the first `--` ends the options even where an option would take it as a value.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { expandAbbreviations, joinHeaderPairs, joinNegativeValues } from "../../src/cli/argv.js";

const cases: ReadonlyArray<readonly [name: string, rewrite: (argv: readonly string[]) => string[] | string, argv: string[], expected: string[] | string]> = [
  ["abbreviation expanded", expandAbbreviations, ["--dir", "x"], ["--directory", "x"]],
  ["abbreviation with =value", expandAbbreviations, ["--dir=x"], ["--directory=x"]],
  ["ambiguous abbreviation", expandAbbreviations, ["--no"], "ambiguous option: --no could match --no-compress, --no-listing, --no-follow-links"],
  ["nothing after -- is expanded", expandAbbreviations, ["--dir", "x", "--", "--dir", "--no"], ["--directory", "x", "--", "--dir", "--no"]],
  ["a lone -- passes", expandAbbreviations, ["--"], ["--"]],
  ["-H NAME VALUE joined", joinHeaderPairs, ["-H", "X-A", "1"], ["--header", "X-A: 1"]],
  ["--header=NAME VALUE joined", joinHeaderPairs, ["--header=X-A", "1"], ["--header", "X-A: 1"]],
  ["-H 'Name: value' kept", joinHeaderPairs, ["-H", "X-A: 1"], ["-H", "X-A: 1"]],
  ["-H NAME before -- has no value", joinHeaderPairs, ["-H", "X-A", "--", "1"], ["--header", "X-A", "--", "1"]],
  ["-H right before -- is left for parseArgs", joinHeaderPairs, ["-H", "--", "X-A", "1"], ["-H", "--", "X-A", "1"]],
  ["nothing after -- is joined", joinHeaderPairs, ["--", "-H", "X-A", "1"], ["--", "-H", "X-A", "1"]],
  ["--workers -1 joined", joinNegativeValues, ["--workers", "-1"], ["--workers=-1"]],
  ["-b -.5 joined", joinNegativeValues, ["-b", "-.5"], ["--bind=-.5"]],
  ["a boolean option takes no value", joinNegativeValues, ["--cors", "-1"], ["--cors", "-1"]],
  ["--workers before -- takes no value after it", joinNegativeValues, ["--workers", "--", "-1"], ["--workers", "--", "-1"]],
  ["nothing after -- is joined (negative)", joinNegativeValues, ["--", "--workers", "-1"], ["--", "--workers", "-1"]],
];

for (const [name, rewrite, argv, expected] of cases) {
  test(`${rewrite.name}(): ${name}`, () => {
    assert.deepEqual(rewrite(argv), expected);
  });
}
