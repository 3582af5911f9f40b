/**
 * CPython's `_control_char_table` (3.12+): C0 controls and 0x7f-0x9f are written
 * as `\xHH`, and a backslash is doubled, so a log line can never forge another
 * line or a terminal escape sequence.
 */
export function escapeLogMessage(message: string): string {
  let out: string | null = null;
  let last = 0;
  for (let i = 0; i < message.length; i++) {
    const c = message.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c === 0x5c) {
      out = (out ?? "") + message.slice(last, i) + (c === 0x5c ? "\\\\" : "\\x" + (c < 16 ? "0" : "") + c.toString(16));
      last = i + 1;
    }
  }
  return out === null ? message : out + message.slice(last);
}
