import { test } from "node:test";
import assert from "node:assert/strict";
import { evict, type Recency } from "../../src/files/evict.js";

interface V extends Recency {
  readonly text: string;
}
const len = (v: V): number => v.text.length;

/** A Map of key -> value in the given (oldest first) order, none used yet, with its total size. */
function cache(pairs: ReadonlyArray<readonly [string, string]>): { entries: Map<string, V>; bytes: number } {
  const entries = new Map(pairs.map(([k, text]) => [k, { text, used: false }] as const));
  return { entries, bytes: pairs.reduce((n, [, v]) => n + v.length, 0) };
}

test("evict() drops the oldest entries until under budget", () => {
  const { entries, bytes } = cache([["a", "xxxx"], ["b", "yyy"], ["c", "zz"], ["d", "w"]]);
  assert.equal(bytes, 10);
  const left = evict(entries, bytes, len, { maxBytes: 4 });
  assert.deepEqual([...entries.keys()], ["c", "d"]);
  assert.equal(left, 3);
});

test("evict() keeps everything when already within budget, the limits inclusive", () => {
  const { entries, bytes } = cache([["a", "xx"], ["b", "yy"]]);
  assert.equal(evict(entries, bytes, len, { maxBytes: 4, maxEntries: 2 }), 4);
  assert.deepEqual([...entries.keys()], ["a", "b"]);
});

test("evict() honours the entry budget as well as the byte budget", () => {
  const { entries, bytes } = cache([["a", "x"], ["b", "y"], ["c", "z"], ["d", "w"]]);
  assert.equal(evict(entries, bytes, len, { maxBytes: 100, maxEntries: 2 }), 2);
  assert.deepEqual([...entries.keys()], ["c", "d"]);
});

test("evict() gives an entry used since it was last passed a second chance: flag cleared, moved last", () => {
  const { entries, bytes } = cache([["a", "xx"], ["b", "yy"], ["c", "zz"]]);
  (entries.get("a") as V).used = true;
  assert.equal(evict(entries, bytes, len, { maxBytes: 4 }), 4);
  assert.deepEqual([...entries.keys()], ["c", "a"]);
  assert.equal((entries.get("a") as V).used, false);
});

test("evict() keeps the entry just inserted when every older one was used: the oldest goes after one pass", () => {
  const { entries, bytes } = cache([["a", "xx"], ["b", "yy"], ["new", "zz"]]);
  (entries.get("a") as V).used = true;
  (entries.get("b") as V).used = true;
  assert.equal(evict(entries, bytes, len, { maxBytes: 4 }, "new"), 4);
  assert.deepEqual([...entries.keys()], ["b", "new"]);
});

test("evict() drops the kept entry too when it alone is over budget", () => {
  const { entries, bytes } = cache([["a", "xx"], ["new", "zzzzzz"]]);
  assert.equal(evict(entries, bytes, len, { maxBytes: 4 }, "new"), 0);
  assert.equal(entries.size, 0);
});

test("evict() ends when every entry was used", () => {
  const { entries, bytes } = cache([["a", "x"], ["b", "y"], ["c", "z"]]);
  for (const v of entries.values()) v.used = true;
  assert.equal(evict(entries, bytes, len, { maxBytes: 100, maxEntries: 1 }), 1);
  assert.deepEqual([...entries.keys()], ["c"]);
});

test("evict() stops on an empty map even if the byte count still exceeds the budget", () => {
  const entries = new Map<string, V>([["a", { text: "x", used: false }]]);
  // A total that disagrees with the entries: the loop must not spin.
  assert.equal(evict(entries, 10, len, { maxBytes: 0 }), 9);
  assert.equal(entries.size, 0);
});
