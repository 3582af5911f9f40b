/**
 * Python's `html.escape(s, quote)`: `&`, `<`, `>` always; `"` and `'` when
 * `quote` is true.
 */
export function escapeHtml(s: string, quote = true): string {
  let out = s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  if (quote) out = out.replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
  return out;
}
