import { test } from "node:test";
import assert from "node:assert/strict";
import { evict } from "../../src/files/evict.js";

const len = (b: string): number => b.length;

/** A Map of key -> value in the given (oldest first) order, with its total size. */
function lru(pairs: ReadonlyArray<readonly [string, string]>): { entries: Map<string, string>; bytes: number } {
  const entries = new Map(pairs);
  return { entries, bytes: pairs.reduce((n, [, v]) => n + v.length, 0) };
}

test("evict() drops the oldest entries until under budget", () => {
  const { entries, bytes } = lru([["a", "xxxx"], ["b", "yyy"], ["c", "zz"], ["d", "w"]]);
  assert.equal(bytes, 10);
  const left = evict(entries, bytes, len, { maxBytes: 4 });
  assert.deepEqual([...entries.keys()], ["c", "d"]);
  assert.equal(left, 3);
});

test("evict() keeps everything when already within budget, the limits inclusive", () => {
  const { entries, bytes } = lru([["a", "xx"], ["b", "yy"]]);
  assert.equal(evict(entries, bytes, len, { maxBytes: 4, maxEntries: 2 }), 4);
  assert.deepEqual([...entries.keys()], ["a", "b"]);
});

test("evict() honours the entry budget as well as the byte budget", () => {
  const { entries, bytes } = lru([["a", "x"], ["b", "y"], ["c", "z"], ["d", "w"]]);
  assert.equal(evict(entries, bytes, len, { maxBytes: 100, maxEntries: 2 }), 2);
  assert.deepEqual([...entries.keys()], ["c", "d"]);
});

test("evict() follows insertion order: a re-inserted (recently used) key goes last", () => {
  const { entries, bytes } = lru([["a", "xx"], ["b", "yy"], ["c", "zz"]]);
  const a = entries.get("a") as string;
  entries.delete("a");
  entries.set("a", a);
  assert.equal(evict(entries, bytes, len, { maxBytes: 4 }), 4);
  assert.deepEqual([...entries.keys()], ["c", "a"]);
});

test("evict() stops on an empty map even if the byte count still exceeds the budget", () => {
  const entries = new Map<string, string>([["a", "x"]]);
  // A total that disagrees with the entries: the loop must not spin.
  assert.equal(evict(entries, 10, len, { maxBytes: 0 }), 9);
  assert.equal(entries.size, 0);
});
