/** The command line before parseArgs reads it: the options, and argparse's ways that parseArgs lacks. */

/** The options, as node:util parseArgs takes them. */
export const OPTIONS = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
  cgi: { type: "boolean" },
  "cgi-max": { type: "string" },
  bind: { type: "string", short: "b" },
  directory: { type: "string", short: "d" },
  protocol: { type: "string", short: "p" },
  header: { type: "string", short: "H", multiple: true },
  cors: { type: "boolean" },
  "no-compress": { type: "boolean" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  "tls-password-file": { type: "string" },
  quiet: { type: "boolean", short: "q" },
  workers: { type: "string" },
  dotfiles: { type: "string" },
  "no-listing": { type: "boolean" },
  "no-follow-links": { type: "boolean" },
  spa: { type: "boolean" },
  fallback: { type: "string" },
  isolate: { type: "boolean" },
  open: { type: "boolean", short: "o" },
  qr: { type: "boolean" },
  "log-format": { type: "string" },
  "trusted-proxy": { type: "string", multiple: true },
  "proxy-protocol": { type: "boolean" },
  "drain-timeout": { type: "string" },
} as const;

/** `-b/--bind` for `--bind`: how argparse names an option in its messages. */
export function optionName(long: string): string {
  const spec = (OPTIONS as Record<string, { short?: string }>)[long];
  return spec?.short ? `-${spec.short}/--${long}` : `--${long}`;
}

/**
 * Splits `argv` at its first `--`: the options part, which the rewrites below
 * read, and the `--` with what follows (operands, passed on untouched). The
 * first `--` ends the options even where an option would take it as its value,
 * as argparse does.
 */
function splitAtDoubleDash(argv: readonly string[]): [options: readonly string[], operands: readonly string[]] {
  const i = argv.indexOf("--");
  return i < 0 ? [argv, []] : [argv.slice(0, i), argv.slice(i)];
}

/**
 * argparse's `allow_abbrev`: a unique prefix of a long option stands for it
 * (`--dir x` is `--directory x`). Returns the arguments with prefixes
 * expanded, or argparse's message for an ambiguous one.
 */
export function expandAbbreviations(argv: readonly string[]): string[] | string {
  const longs = Object.keys(OPTIONS);
  const [args, operands] = splitAtDoubleDash(argv);
  const out: string[] = [];
  for (const arg of args) {
    if (!arg.startsWith("--")) {
      out.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (longs.includes(name)) {
      out.push(arg);
      continue;
    }
    const matches = longs.filter((l) => l.startsWith(name));
    if (matches.length > 1) return `ambiguous option: ${arg} could match ${matches.map((m) => "--" + m).join(", ")}`;
    out.push(matches.length === 1 ? "--" + matches[0] + (eq < 0 ? "" : arg.slice(eq)) : arg);
  }
  return [...out, ...operands];
}

/**
 * CPython 3.15's `-H NAME VALUE` beside our `-H "Name: value"`: a field name
 * never contains a colon, so an `-H` argument without one is a name and the
 * next argument its value. Returns the arguments with each pair joined as
 * "Name: value" (a name without a value is left for parseHeader to refuse).
 */
export function joinHeaderPairs(argv: readonly string[]): string[] {
  const [args, operands] = splitAtDoubleDash(argv);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    let name: string | undefined;
    if (arg === "-H" || arg === "--header") {
      const next = args[i + 1];
      if (next === undefined || next.includes(":") || next.startsWith("-")) {
        out.push(arg);
        continue;
      }
      name = next;
      i++;
    } else if (arg.startsWith("--header=") && !arg.includes(":")) {
      name = arg.slice("--header=".length);
    } else {
      out.push(arg);
      continue;
    }
    const value = args[i + 1];
    if (value === undefined || (value.startsWith("-") && value !== "-")) {
      // No value: left as it was, for parseHeader's message (after --help and --version).
      out.push("--header", name);
      continue;
    }
    i++;
    out.push("--header", `${name}: ${value}`);
  }
  return [...out, ...operands];
}

/**
 * argparse takes `--workers -1` as the option and its value (a parser with
 * no option that looks like a negative number reads `-1` or `-.5` as a
 * value);
 * parseArgs calls it ambiguous. Joined as `--workers=-1`, the value reaches
 * the option's own check and its message.
 */
export function joinNegativeValues(argv: readonly string[]): string[] {
  const [args, operands] = splitAtDoubleDash(argv);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const long = arg.startsWith("--") ? arg.slice(2) : Object.keys(OPTIONS).find((k) => (OPTIONS as Record<string, { short?: string }>)[k]?.short === arg.slice(1));
    const spec = long === undefined ? undefined : (OPTIONS as Record<string, { type: string }>)[long];
    const next = args[i + 1];
    if (spec?.type === "string" && next !== undefined && /^-\d+$|^-\d*\.\d+$/.test(next)) {
      out.push(`--${long}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return [...out, ...operands];
}

