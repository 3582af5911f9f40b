import { readFileSync } from "node:fs";
import { ThreadingHTTPServer, type HTTPServer } from "../server/http-server.js";
import { ThreadingHTTPSServer, TLSConfigError, osErrorText } from "../server/https-server.js";
import type { RequestHandlerClass } from "../server/request-server.js";
import type { CliOptions } from "./options.js";

/**
 * A server to start, or a one-line error and the exit status for it;
 * `usage` asks for the usage text before the error, as argparse's
 * `parser.error()` prints it.
 */
export type ServerOrError =
  | { readonly server: HTTPServer }
  | { readonly error: string; readonly exitCode: number; readonly usage?: boolean };

// str.isspace() in Python: what str.strip() removes (JS trim() differs: it
// strips U+FEFF and keeps U+001C..U+001F and U+0085).
const PY_SPACE = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, "g");

/**
 * Python's UnicodeDecodeError text for the first invalid UTF-8 sequence in
 * `buf`, or null when it is valid UTF-8 (surrogates and overlong forms are invalid).
 */
function utf8Error(buf: Uint8Array): string | null {
  const fail = (start: number, end: number, reason: string): string =>
    end - start === 1
      ? `'utf-8' codec can't decode byte 0x${(buf[start] ?? 0).toString(16).padStart(2, "0")} in position ${start}: ${reason}`
      : `'utf-8' codec can't decode bytes in position ${start}-${end - 1}: ${reason}`;
  let i = 0;
  while (i < buf.length) {
    const b = buf[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return fail(i, i + 1, "invalid start byte");
    for (let j = 1; j <= need; j++) {
      if (i + j >= buf.length) return fail(i, i + j, "unexpected end of data");
      const c = buf[i + j] ?? 0;
      if (c < (j === 1 ? lo : 0x80) || c > (j === 1 ? hi : 0xbf)) return fail(i, i + j, "invalid continuation byte");
    }
    i += need + 1;
  }
  return null;
}

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
  const bad = utf8Error(bytes);
  if (bad !== null) return { error: bad };
  return { password: bytes.toString("utf8").replace(/\r\n?/g, "\n").replace(PY_STRIP, "") };
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
  if (options.tlsCert === undefined) return { server: new ThreadingHTTPServer([host, options.port], Handler, bind) };
  let password: string | undefined;
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
