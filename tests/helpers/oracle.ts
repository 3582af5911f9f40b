/**
 * CPython as an oracle for the pure functions: a Python snippet reads a JSON
 * list of inputs on stdin and prints a JSON list of outputs. Lone surrogates
 * travel as JSON \udcxx escapes both ways; bytes travel as hex.
 */
import { execFileSync } from "node:child_process";
import fc from "fast-check";

/** Runs `body` (Python; `data` holds the inputs, assign `result`) and returns `result`. */
export function python<T>(body: string, data: unknown): T {
  const script = `import sys, json\ndata = json.loads(sys.stdin.buffer.read().decode("utf-8"))\n${body}\nsys.stdout.write(json.dumps(result))\n`;
  const out = execFileSync("python3", ["-c", script], { input: JSON.stringify(data), maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out.toString("utf8")) as T;
}

/** Fixed seed: the same inputs on every run (change it locally to explore). */
export const SEED = Number(process.env["SIMPLEHTTP_TEST_SEED"] ?? 20260324);

/** `n` samples of `arb`. */
export function samples<T>(arb: fc.Arbitrary<T>, n = 400, seed = SEED): T[] {
  return fc.sample(arb, { numRuns: n, seed });
}

/** Strings built from the given tokens. */
export function tokens(list: readonly string[], maxLength = 12): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...list), { maxLength }).map((a) => a.join(""));
}

/** Any code point, lone surrogates included, biased towards the awkward ones. */
export const anyChar: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("a", "Z", "/", "%", ".", " ", "&", "<", ">", '"', "'", "#", "?", "~", "_", "-", "+", "é", "É", "ß", "İ", "Σ", "한", "ｆ", "😀", "\udcff", "\udc80", "\ud800", "\u0000", "\u00ff", "\ufffd"),
  fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x80, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
);

/** Strings of `anyChar`. */
export function anyString(maxLength = 10): fc.Arbitrary<string> {
  return fc.array(anyChar, { maxLength }).map((a) => a.join(""));
}
