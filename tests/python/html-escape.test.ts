import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { escapeHtml } from "../../src/python/html-escape.js";
import { anyString, python, samples, tokens } from "../helpers/oracle.js";

/** Checks `escapeHtml(s, quote)` against the table, and the table against CPython's `html.escape(s, quote)`. */
function check(quote: boolean, rows: readonly (readonly [string, string])[]): void {
  const cpython = python<string[]>(`import html\nresult = [html.escape(s, ${quote ? "True" : "False"}) for s in data]`, rows.map(([s]) => s));
  rows.forEach(([s, want], i) => {
    assert.equal(cpython[i], want, `table row ${JSON.stringify(s)}: CPython's html.escape differs`);
    assert.equal(escapeHtml(s, quote), want, JSON.stringify(s));
  });
}

describe("escapeHtml()", () => {
  test("escapeHtml() escapes &, <, >, \" and ' when quote is true", () => {
    check(true, [
      ["&", "&amp;"],
      ["<", "&lt;"],
      [">", "&gt;"],
      ['"', "&quot;"],
      ["'", "&#x27;"],
      [`<a href="x">'&'</a>`, "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;"],
    ]);
  });

  test("escapeHtml() escapes quotes by default (quote defaults to true, as in html.escape)", () => {
    assert.equal(escapeHtml(`<'">`), "&lt;&#x27;&quot;&gt;");
    assert.equal(escapeHtml(`<'">`), escapeHtml(`<'">`, true));
    assert.equal(python<string>("import html\nresult = html.escape(data)", `<'">`), "&lt;&#x27;&quot;&gt;");
  });

  test("escapeHtml() escapes & before the rest, so text that looks like an entity is escaped again", () => {
    check(true, [
      ["&amp;", "&amp;amp;"],
      ["&lt;&gt;", "&amp;lt;&amp;gt;"],
      ["&#x27;", "&amp;#x27;"],
      ["&&<<", "&amp;&amp;&lt;&lt;"],
    ]);
  });

  test("escapeHtml() leaves quotes alone when quote is false", () => {
    check(false, [
      [`"it's"`, `"it's"`],
      [`<a href="x">'&'</a>`, `&lt;a href="x"&gt;'&amp;'&lt;/a&gt;`],
      ["File not found", "File not found"],
    ]);
  });

  test("escapeHtml() leaves every other character alone: controls, non-ASCII, lone surrogates", () => {
    for (const quote of [true, false]) {
      check(quote, [
        ["", ""],
        ["plain text 123", "plain text 123"],
        ["\u0000\t\r\n\u007f\u0085", "\u0000\t\r\n\u007f\u0085"],
        ["é한😀\ufffd", "é한😀\ufffd"],
        ["\udc80x\ud800", "\udc80x\ud800"],
        ["=;#/\\`", "=;#/\\`"],
      ]);
    }
  });

  test("escapeHtml() agrees with html.escape(s, quote) on random text, for both settings of quote", () => {
    const inputs = [...samples(tokens(["&", "<", ">", '"', "'", "amp;", "a", " ", "é", "😀", "&#"], 10), 400), ...samples(anyString(10), 400)];
    const expected = python<[string, string][]>("import html\nresult = [[html.escape(s, True), html.escape(s, False)] for s in data]", inputs);
    inputs.forEach((s, i) => {
      assert.equal(escapeHtml(s, true), expected[i]?.[0], `quote=true ${JSON.stringify(s)}`);
      assert.equal(escapeHtml(s, false), expected[i]?.[1], `quote=false ${JSON.stringify(s)}`);
    });
  });

  test("escapeHtml() never leaves a raw <, > or & that is not the start of its own escape (property)", () => {
    fc.assert(
      fc.property(anyString(16), fc.boolean(), (s, quote) => {
        const out = escapeHtml(s, quote);
        if (/[<>]/.test(out)) return false;
        if (quote && /["']/.test(out)) return false;
        return out.replace(/&(amp|lt|gt|quot|#x27);/g, "").indexOf("&") === -1;
      }),
      { numRuns: 1000 },
    );
  });
});
