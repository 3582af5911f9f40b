import { parseArgs } from "node:util";
import { isFieldValue, isToken } from "../wire/token.js";

/** What the command line asks for. */
export interface CliOptions {
  readonly port: number;
  /** Address to bind; undefined = all interfaces (dual-stack where IPv6 exists). */
  readonly bind: string | undefined;
  readonly directory: string;
  readonly protocol: string;
  readonly cgi: boolean;
  /** `--cgi-max`: most CGI scripts running at once per process (null: the handler's default). */
  readonly cgiMax: number | null;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly tlsCert: string | undefined;
  readonly tlsKey: string | undefined;
  readonly tlsPasswordFile: string | undefined;
  readonly quiet: boolean;
  /** Worker processes (node:cluster): 1 serves in this process, 0 means one per core. */
  readonly workers: number;
  /** Brotli/gzip for clients that accept it (`--no-compress` turns it off). */
  readonly compress: boolean;
  /** `Access-Control-Allow-Origin: *` and preflight answers (`--cors`). */
  readonly cors: boolean;
}

/** The outcome of reading the command line. */
export type ParsedCommandLine =
  | { readonly kind: "run"; readonly options: CliOptions }
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | { readonly kind: "error"; readonly message: string };

export const USAGE =
  "usage: simplehttp [-h] [--version] [--cgi] [--cgi-max N] [-b ADDRESS] [-d DIRECTORY]\n" +
  "                  [-p VERSION]\n" +
  "                  [-H HEADER [VALUE]] [--cors] [--no-compress]\n" +
  "                  [--tls-cert PATH] [--tls-key PATH] [--tls-password-file PATH]\n" +
  "                  [--workers N] [-q] [port]";

export const HELP = `${USAGE}

Serve the files of a directory over HTTP, like python -m http.server.

positional arguments:
  port                  bind to this port (default: $PORT or 8000)

options:
  -h, --help            show this help message and exit
  --version             show the version and exit
  --cgi                 run as CGI server (scripts under /cgi-bin and /htbin)
  --cgi-max N           most CGI scripts running at once per process; more
                        get 503 with Retry-After (default: 4 per core, at
                        least 8)
  -b, --bind ADDRESS    bind to this address (default: all interfaces)
  -d, --directory DIRECTORY
                        serve this directory (default: current directory)
  -p, --protocol VERSION
                        conform to this HTTP version (default: HTTP/1.1;
                        HTTP/1.0 behaves exactly as Python's default)
  -H, --header HEADER [VALUE]
                        add a header to every response: "Name: value", or
                        Name value as Python 3.15 takes it (repeatable)
  --cors                let pages on any origin fetch from this server
                        (Access-Control-Allow-Origin: *, preflights answered)
  --no-compress         never send brotli or gzip, not even precompressed
                        .br/.gz files (default: compressible files are
                        compressed for clients that accept it)
  --tls-cert PATH       path to the TLS certificate chain file
  --tls-key PATH        path to the TLS key file
  --tls-password-file PATH
                        path to the password file for the TLS key
  --workers N           serve from N processes sharing the port ("auto": one
                        per core; default 1)
  -q, --quiet           do not log requests`;

function parseHeader(text: string): readonly [string, string] | string {
  const colon = text.indexOf(":");
  if (colon < 0) return `invalid header ${JSON.stringify(text)}: expected "Name: value" or NAME VALUE`;
  const name = text.slice(0, colon).trim();
  const value = text.slice(colon + 1).trim();
  if (!isToken(name)) return `invalid header name ${JSON.stringify(name)}`;
  if (!isFieldValue(value) || /[^\x00-\xff]/.test(value)) return `invalid header value for ${name}: ${JSON.stringify(value)}`;
  return [name, value];
}

/** The options, as node:util parseArgs takes them. */
const OPTIONS = {
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
} as const;

/** `-b/--bind` for `--bind`: how argparse names an option in its messages. */
function optionName(long: string): string {
  const spec = (OPTIONS as Record<string, { short?: string }>)[long];
  return spec?.short ? `-${spec.short}/--${long}` : `--${long}`;
}

/**
 * argparse's `allow_abbrev`: a unique prefix of a long option stands for it
 * (`--dir x` is `--directory x`). Returns the arguments with prefixes
 * expanded, or argparse's message for an ambiguous one.
 */
function expandAbbreviations(argv: readonly string[]): string[] | string {
  const longs = Object.keys(OPTIONS);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      out.push(...argv.slice(i));
      break;
    }
    if (!arg.startsWith("--") || arg.length === 2) {
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
  return out;
}

/**
 * CPython 3.15's `-H NAME VALUE` beside our `-H "Name: value"`: a field name
 * never contains a colon, so an `-H` argument without one is a name and the
 * next argument its value. Returns the arguments with each pair joined as
 * "Name: value" (a name without a value is left for parseHeader to refuse).
 */
function joinHeaderPairs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      out.push(...argv.slice(i));
      break;
    }
    let name: string | undefined;
    if (arg === "-H" || arg === "--header") {
      const next = argv[i + 1];
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
    const value = argv[i + 1];
    if (value === undefined || (value.startsWith("-") && value !== "-")) {
      // No value: left as it was, for parseHeader's message (after --help and --version).
      out.push("--header", name);
      continue;
    }
    i++;
    out.push("--header", `${name}: ${value}`);
  }
  return out;
}

/**
 * argparse takes `--workers -1` as the option and its value (a parser with
 * no option that looks like a negative number reads `-1` or `-.5` as a
 * value);
 * parseArgs calls it ambiguous. Joined as `--workers=-1`, the value reaches
 * the option's own check and its message.
 */
function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      out.push(...argv.slice(i));
      break;
    }
    const long = arg.startsWith("--") ? arg.slice(2) : Object.keys(OPTIONS).find((k) => (OPTIONS as Record<string, { short?: string }>)[k]?.short === arg.slice(1));
    const spec = long === undefined ? undefined : (OPTIONS as Record<string, { type: string }>)[long];
    const next = argv[i + 1];
    if (spec?.type === "string" && next !== undefined && /^-\d+$|^-\d*\.\d+$/.test(next)) {
      out.push(`--${long}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/**
 * Reads `python -m http.server`'s command line (plus our additions), with
 * argparse's messages so the same mistakes read the same. Never exits: the
 * caller prints and exits.
 */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = "."): ParsedCommandLine {
  const expanded = expandAbbreviations(argv);
  if (typeof expanded === "string") return { kind: "error", message: expanded };
  const args = joinNegativeValues(joinHeaderPairs(expanded));
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: OPTIONS,
    });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const unknown = /Unknown option '([^']*)'/.exec(msg);
    if (unknown) return { kind: "error", message: `unrecognized arguments: ${unknown[1]}` };
    const missing = /Option '(?:-\w, )?--([\w-]+)[^']*' argument missing/.exec(msg);
    if (missing) return { kind: "error", message: `argument ${optionName(missing[1] as string)}: expected one argument` };
    const flag = /Option '(?:-\w, )?--([\w-]+)' does not take an argument/.exec(msg);
    if (flag) {
      const given = args.find((a) => a.startsWith(`--${flag[1]}=`));
      return { kind: "error", message: `argument ${optionName(flag[1] as string)}: ignored explicit argument '${given?.slice(given.indexOf("=") + 1) ?? ""}'` };
    }
    return { kind: "error", message: msg.split("\n")[0] ?? msg };
  }
  const v = parsed.values;
  if (v.help) return { kind: "help" };
  if (v.version) return { kind: "version" };
  if (parsed.positionals.length > 1) return { kind: "error", message: `unrecognized arguments: ${parsed.positionals.slice(1).join(" ")}` };

  const portText = parsed.positionals[0] ?? env["PORT"] ?? "8000";
  if (!/^\s*[+-]?\d+\s*$/.test(portText)) return { kind: "error", message: `argument port: invalid int value: '${portText}'` };
  const port = Number(portText.trim());
  if (port < 0 || port > 65535) return { kind: "error", message: `argument port: ${port} is not a TCP port (0-65535)` };

  const protocol = v.protocol ?? "HTTP/1.1";
  if (!/^HTTP\/\d\.\d$/.test(protocol)) return { kind: "error", message: `argument -p/--protocol: invalid version '${protocol}' (expected HTTP/1.0 or HTTP/1.1)` };

  const headers: Array<readonly [string, string]> = [];
  for (const h of v.header ?? []) {
    const r = parseHeader(h);
    if (typeof r === "string") return { kind: "error", message: `argument -H/--header: ${r}` };
    headers.push(r);
  }

  const tlsCert = v["tls-cert"];
  const tlsKey = v["tls-key"];
  const tlsPasswordFile = v["tls-password-file"];
  if (!tlsCert && tlsKey) return { kind: "error", message: "--tls-key requires --tls-cert to be set" };
  if (!tlsCert && tlsPasswordFile) return { kind: "error", message: "--tls-password-file requires --tls-cert to be set" };

  let workers = 1;
  if (v.workers !== undefined) {
    if (v.workers === "auto") workers = 0;
    else if (/^\d+$/.test(v.workers) && Number(v.workers) >= 1 && Number(v.workers) <= 256) workers = Number(v.workers);
    else return { kind: "error", message: `argument --workers: invalid value '${v.workers}' (a number from 1 to 256, or auto)` };
  }
  let cgiMax: number | null = null;
  const cgiMaxText = v["cgi-max"];
  if (cgiMaxText !== undefined) {
    if (!/^\d+$/.test(cgiMaxText) || Number(cgiMaxText) < 1 || Number(cgiMaxText) > 100000) {
      return { kind: "error", message: `argument --cgi-max: invalid value '${cgiMaxText}' (a number from 1 to 100000)` };
    }
    cgiMax = Number(cgiMaxText);
  }
  if (v.bind === "") return { kind: "error", message: "argument -b/--bind: expected an address" };

  return {
    kind: "run",
    options: {
      port,
      bind: v.bind,
      directory: v.directory ?? cwd,
      protocol,
      cgi: v.cgi ?? false,
      cgiMax,
      headers,
      tlsCert,
      tlsKey,
      tlsPasswordFile,
      quiet: v.quiet ?? false,
      workers,
      compress: v["no-compress"] !== true,
      cors: v.cors ?? false,
    },
  };
}
