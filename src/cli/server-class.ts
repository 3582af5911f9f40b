import { readFileSync } from "node:fs";
import { ThreadingHTTPServer, type HTTPServer } from "../server/http-server.js";
import { osErrorText } from "../python/os-error.js";
import { pyStrip } from "../python/str-strip.js";
import { utf8DecodeError } from "../python/utf8-decode-error.js";
import { ThreadingHTTPSServer } from "../server/https-server.js";
import { TLSConfigError } from "../server/tls-credentials.js";
import type { RequestHandlerClass } from "../server/request-server.js";
import type { CliOptions } from "./options.js";
import { promptPasswordSync } from "./tty-password.js";

/**
 * A server to start, or a one-line error and the exit status for it;
 * `usage` asks for the usage text before the error, as argparse's
 * `parser.error()` prints it.
 */
export type ServerOrError =
  | { readonly server: HTTPServer }
  | { readonly error: string; readonly exitCode: number; readonly usage?: boolean };

/**
 * Reads `--tls-password-file` as CPython's `_main()` does: text in UTF-8
 * (newlines translated), stripped of surrounding whitespace. Returns the
 * password, or the text of the error after `Failed to read TLS password file: `.
 */
export function readPasswordFile(path: string): { readonly password: string } | { readonly error: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    return { error: osErrorText(err, path) };
  }
  // CPython lets a UnicodeDecodeError escape as a traceback; we report it like an OSError.
  const bad = utf8DecodeError(bytes);
  if (bad !== null) return { error: bad };
  return { password: pyStrip(bytes.toString("utf8").replace(/\r\n?/g, "\n")) };
}

/**
 * Constructs (and, unless `bind` is false, binds) the server the command line asks for:
 * ThreadingHTTPServer, or ThreadingHTTPSServer when `--tls-cert` is given.
 *
 * Exit statuses: an unreadable `--tls-password-file` is CPython's
 * `parser.error()`: usage, `error:` line, status 2. A certificate, key or
 * password that cannot be used (CPython: a traceback, status 1) is an error
 * in what the command line named, reported in one line like a missing `-d`
 * directory: status 2, without usage. Status 1 stays for failures of the
 * running system (the port is taken).
 */
export function createServer(options: CliOptions, host: string, Handler: RequestHandlerClass, bind = true): ServerOrError {
  const made = createBareServer(options, host, Handler, bind);
  if ("server" in made) {
    // Set before the listener is made (on first use, after construction): --proxy-protocol decides its kind.
    made.server.trustedProxies = Object.freeze([...options.trustedProxies]);
    made.server.proxyProtocol = options.proxyProtocol;
    made.server.drainTimeout = options.drainTimeout;
  }
  return made;
}

function createBareServer(options: CliOptions, host: string, Handler: RequestHandlerClass, bind: boolean): ServerOrError {
  if (options.tlsCert === undefined) return { server: new ThreadingHTTPServer([host, options.port], Handler, bind) };
  // Without a password file, a terminal is asked (only if the key is encrypted), as OpenSSL asks for CPython;
  // not with --workers, where each process would ask in turn.
  const ask = process.stdin.isTTY === true && options.workers === 1;
  let password: string | (() => string) | undefined = ask ? () => promptPasswordSync() : undefined;
  if (options.tlsPasswordFile !== undefined) {
    const read = readPasswordFile(options.tlsPasswordFile);
    if ("error" in read) return { error: `Failed to read TLS password file: ${read.error}`, exitCode: 2, usage: true };
    password = read.password;
  }
  try {
    return {
      server: new ThreadingHTTPSServer([host, options.port], Handler, {
        certfile: options.tlsCert,
        keyfile: options.tlsKey,
        password,
      }, bind),
    };
  } catch (err) {
    if (err instanceof TLSConfigError) {
      const hint =
        err.code === "ERR_TLS_PASSWORD_REQUIRED" ? " (give it with --tls-password-file)" : err.code === "ERR_TLS_KEY_MISSING" && options.tlsKey === undefined ? " (give it with --tls-key)" : "";
      return { error: err.message + hint, exitCode: 2 };
    }
    throw err;
  }
}
