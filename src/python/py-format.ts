/**
 * The two pieces of Python string formatting that http.server's texts rely on:
 * `repr()` of a str (error messages such as `Bad request version ('HTTP/x')`)
 * and printf-style `%` formatting (log_message, error_message_format), so that a
 * format string written for Python carries over unchanged.
 */

/** Python's `repr(str)`: single quotes unless the text has `'` and no `"`; escapes as CPython. */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || c === 0xad) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + quote;
}

/** A value `%` formatting accepts. */
export type PyFormatArg = string | number | bigint | boolean | null | undefined;

const SPEC = /%(?:\(([^)]*)\))?([-#0 +]*)(\d+|\*)?(?:\.(\d+))?([sdirxXfFeEgGc%a])/g;

function str(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  return String(v);
}

function convert(conv: string, v: unknown, precision: string | undefined): string {
  switch (conv) {
    case "s":
      return str(v);
    case "r":
    case "a":
      return typeof v === "string" ? pyRepr(v) : str(v);
    case "d":
    case "i": {
      const n = typeof v === "bigint" ? v : Math.trunc(Number(v));
      if (typeof n === "number" && !Number.isFinite(n)) throw new TypeError(`%${conv} format: a real number is required, not ${typeof v}`);
      return String(n);
    }
    case "x":
      return Math.trunc(Number(v)).toString(16);
    case "X":
      return Math.trunc(Number(v)).toString(16).toUpperCase();
    case "f":
    case "F":
      return Number(v).toFixed(precision === undefined ? 6 : Number(precision));
    case "e":
    case "E":
      return Number(v).toExponential(precision === undefined ? 6 : Number(precision));
    case "g":
    case "G":
      return String(Number(v));
    case "c":
      return typeof v === "number" ? String.fromCodePoint(v) : str(v);
    default:
      return str(v);
  }
}

/** Formats of literal text and bare `%s` only (every access log line): their pieces, split once. */
const plainFormats = new Map<string, readonly string[] | null>();
function plainPieces(format: string): readonly string[] | null {
  let pieces = plainFormats.get(format);
  if (pieces === undefined) {
    pieces = format.replaceAll("%s", "").includes("%") ? null : format.split("%s");
    if (plainFormats.size < 256) plainFormats.set(format, pieces);
  }
  return pieces;
}

/**
 * Python's `format % args`: positional (`%s`, `%d`, `%r`, `%%`, widths and `0`/`-` flags)
 * or, when `args` is a plain object, mapping keys (`%(code)d`, `%(message)s`).
 * Throws a TypeError when there are too few arguments, as Python does.
 */
export function pyFormat(format: string, args: readonly PyFormatArg[] | Readonly<Record<string, PyFormatArg>>): string {
  let index = 0;
  const positional = Array.isArray(args) ? (args as readonly PyFormatArg[]) : null;
  const pieces = positional ? plainPieces(format) : null;
  if (pieces !== null && positional !== null) {
    // The same text as below, without a regular expression per line.
    if (pieces.length - 1 > positional.length) throw new TypeError("not enough arguments for format string");
    let out = pieces[0] as string;
    for (let i = 1; i < pieces.length; i++) out += str(positional[i - 1]) + (pieces[i] as string);
    return out;
  }
  const mapping = positional ? null : (args as Readonly<Record<string, PyFormatArg>>);
  return format.replace(SPEC, (_m, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, conv: string) => {
    if (conv === "%") return "%";
    let value: unknown;
    if (key !== undefined) {
      if (!mapping || !Object.prototype.hasOwnProperty.call(mapping, key)) throw new TypeError(`format requires a mapping with key '${key}'`);
      value = mapping[key];
    } else {
      if (!positional || index >= positional.length) throw new TypeError("not enough arguments for format string");
      value = positional[index++];
    }
    let text = convert(conv, value, precision);
    const w = width === undefined || width === "*" ? 0 : Number(width);
    if (text.length < w) {
      if (flags.includes("-")) text = text.padEnd(w);
      else if (flags.includes("0") && conv !== "s" && conv !== "r") {
        const neg = text.startsWith("-");
        text = (neg ? "-" : "") + text.slice(neg ? 1 : 0).padStart(w - (neg ? 1 : 0), "0");
      } else text = text.padStart(w);
    }
    return text;
  });
}

/** Python's `repr()` of an exception made with one message: `TimeoutError('timed out')`. */
export function pyExceptionRepr(name: string, message: string): string {
  return `${name}(${pyRepr(message)})`;
}
