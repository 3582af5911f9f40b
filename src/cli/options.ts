import { parseArgs } from "node:util";
import { isFieldValue, isToken } from "../wire/token.js";
import { parseCidrs } from "../wire/ip-cidr.js";
import { expandAbbreviations, joinHeaderPairs, joinNegativeValues, OPTIONS, optionName } from "./argv.js";

export { HELP, USAGE } from "./help.js";

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
  /** Names starting with a dot: hidden (404, not listed) unless `--dotfiles allow`, or `-p HTTP/1.0` (Python's behaviour). */
  readonly dotfiles: "allow" | "deny";
  /** Directories without an index are listed (`--no-listing`: 404). */
  readonly listing: boolean;
  /** Symbolic links may lead outside the folder (`--no-follow-links`: 404 for those). */
  readonly followLinks: boolean;
  /** The page served for a missing path without an extension (`--spa`: index.html, `--fallback FILE`). */
  readonly fallback: string | null;
  /** Cross-origin isolation headers on every response (`--isolate`). */
  readonly isolate: boolean;
  /** Open the default browser on the served URL (`-o/--open`). */
  readonly open: boolean;
  /** Print a QR code of the network URL (`--qr`). */
  readonly qr: boolean;
  /** The request log line: Python's (default), combined (nginx/Apache) or JSON. */
  readonly logFormat: "python" | "combined" | "json";
  /** Proxies whose Forwarded / X-Forwarded-For are believed (`--trusted-proxy`, repeatable). */
  readonly trustedProxies: readonly string[];
  /** Connections start with a PROXY protocol header (`--proxy-protocol`). */
  readonly proxyProtocol: boolean;
  /** Seconds SIGTERM lets responses in progress finish (`--drain-timeout`, default 10). */
  readonly drainTimeout: number;
}

/** The outcome of reading the command line. */
export type ParsedCommandLine =
  | { readonly kind: "run"; readonly options: CliOptions }
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | { readonly kind: "error"; readonly message: string };

function parseHeader(text: string): readonly [string, string] | string {
  const colon = text.indexOf(":");
  if (colon < 0) return `invalid header ${JSON.stringify(text)}: expected "Name: value" or NAME VALUE`;
  const name = text.slice(0, colon).trim();
  const value = text.slice(colon + 1).trim();
  if (!isToken(name)) return `invalid header name ${JSON.stringify(name)}`;
  if (!isFieldValue(value) || /[^\x00-\xff]/.test(value)) return `invalid header value for ${name}: ${JSON.stringify(value)}`;
  return [name, value];
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
  const dotfiles = v.dotfiles ?? (protocol === "HTTP/1.0" ? "allow" : "deny");
  if (dotfiles !== "allow" && dotfiles !== "deny") return { kind: "error", message: `argument --dotfiles: invalid choice: '${dotfiles}' (choose from 'allow', 'deny')` };
  const logFormat = v["log-format"] ?? "python";
  if (logFormat !== "python" && logFormat !== "combined" && logFormat !== "json") {
    return { kind: "error", message: `argument --log-format: invalid choice: '${logFormat}' (choose from 'python', 'combined', 'json')` };
  }
  if (v.spa && v.fallback !== undefined) return { kind: "error", message: "argument --fallback: not allowed with argument --spa" };
  const fallback = v.spa ? "index.html" : (v.fallback ?? null);
  if (fallback !== null && (fallback === "" || fallback.split("/").includes(".."))) {
    return { kind: "error", message: `argument --fallback: '${fallback}' is not a file name under the served folder` };
  }
  const trustedProxies = v["trusted-proxy"] ?? [];
  for (const t of trustedProxies) {
    try {
      parseCidrs(t);
    } catch (err) {
      return { kind: "error", message: `argument --trusted-proxy: ${(err as Error).message}` };
    }
  }
  const drainText = v["drain-timeout"] ?? "10";
  const drainTimeout = /^\d+(\.\d+)?$/.test(drainText) ? Number(drainText) : NaN;
  if (!(drainTimeout >= 0 && drainTimeout <= 86400)) return { kind: "error", message: `argument --drain-timeout: invalid value '${drainText}' (seconds, 0 to 86400)` };
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
      dotfiles,
      listing: v["no-listing"] !== true,
      followLinks: v["no-follow-links"] !== true,
      fallback: fallback === null ? null : fallback.replace(/^\/+/, ""),
      isolate: v.isolate ?? false,
      open: v.open ?? false,
      qr: v.qr ?? false,
      logFormat,
      trustedProxies,
      proxyProtocol: v["proxy-protocol"] ?? false,
      drainTimeout,
    },
  };
}
