import { ThreadingHTTPServer, type HTTPServer } from "../server/http-server.js";
import type { RequestHandlerClass } from "../server/request-server.js";
import type { CliOptions } from "./options.js";

/** A server to start, or a one-line error and the exit status for it. */
export type ServerOrError = { readonly server: HTTPServer } | { readonly error: string; readonly exitCode: number };

/**
 * Constructs (and so binds) the server the command line asks for:
 * ThreadingHTTPServer, or its TLS variant when `--tls-cert` is given.
 */
export function createServer(options: CliOptions, host: string, Handler: RequestHandlerClass): ServerOrError {
  if (options.tlsCert) return { error: "HTTPS (--tls-cert) is not available yet in this version of simplehttp", exitCode: 2 };
  return { server: new ThreadingHTTPServer([host, options.port], Handler) };
}
