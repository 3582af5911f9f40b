// The floors of docs/architecture.md, checked on the source: each folder of
// src/ imports only the folders below it, and no file imports itself through
// others (no cycles).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src");

/** What each folder may import (besides itself). */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  python: [],
  wire: ["python"],
  server: ["wire", "python"],
  files: ["wire", "python"],
  cgi: ["wire", "python"],
  handlers: ["server", "files", "cgi", "wire", "python"],
  cli: ["handlers", "server", "files", "cgi", "wire", "python"],
  ".": ["handlers", "server", "files", "cgi", "wire", "python", "cli"],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** Relative imports of a file, resolved to source paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)\.js"/g)) out.push(path.resolve(path.dirname(file), (m[1] as string) + ".ts"));
  return out;
}

const folderOf = (file: string): string => {
  const rel = path.relative(SRC, file);
  return rel.includes(path.sep) ? (rel.split(path.sep)[0] as string) : ".";
};

describe("the floors of src/", () => {
  const files = sources(SRC);

  it("has a rule for every folder", () => {
    for (const f of files) assert.ok(folderOf(f) in MAY_IMPORT, `no floor for ${path.relative(SRC, f)}`);
  });

  it("each folder imports only the floors below it", () => {
    const broken: string[] = [];
    for (const f of files) {
      const from = folderOf(f);
      for (const target of importsOf(f)) {
        const to = folderOf(target);
        if (to !== from && !(MAY_IMPORT[from] ?? []).includes(to)) broken.push(`${path.relative(SRC, f)} -> ${path.relative(SRC, target)}`);
      }
    }
    assert.deepEqual(broken, []);
  });

  it("no file reaches itself through its imports", () => {
    const graph = new Map(files.map((f) => [f, importsOf(f)]));
    const state = new Map<string, "visiting" | "done">();
    const cycles: string[] = [];
    const visit = (f: string, trail: string[]): void => {
      if (state.get(f) === "done") return;
      if (state.get(f) === "visiting") {
        cycles.push([...trail.slice(trail.indexOf(f)), f].map((p) => path.relative(SRC, p)).join(" -> "));
        return;
      }
      state.set(f, "visiting");
      for (const t of graph.get(f) ?? []) visit(t, [...trail, f]);
      state.set(f, "done");
    };
    for (const f of files) visit(f, []);
    assert.deepEqual(cycles, []);
  });

  it("no source file is over 400 lines", () => {
    const long = files.map((f) => [path.relative(SRC, f), readFileSync(f, "utf8").split("\n").length] as const).filter(([, n]) => n > 400);
    assert.deepEqual(long, []);
  });
});
