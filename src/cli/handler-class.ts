import { CGIHTTPRequestHandler } from "../handlers/cgi-handler.js";
import { SimpleHTTPRequestHandler } from "../handlers/simple-handler.js";
import { writeStderrBatched } from "./batched-stderr.js";
import { withLogFormat } from "./log-format.js";
import type { RequestHandlerClass } from "../server/request-server.js";
import type { CliOptions } from "./options.js";

/** `--isolate`: what a page needs to be cross-origin isolated (SharedArrayBuffer, WASM threads). */
export const ISOLATION_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Cross-Origin-Embedder-Policy", "require-corp"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
];

/**
 * The handler class the command line serves with: SimpleHTTPRequestHandler
 * (CGIHTTPRequestHandler with `--cgi`, as `python -m http.server --cgi`)
 * bound to the directory and extra headers, speaking `options.protocol`,
 * compressing unless `--no-compress`, answering CORS with `--cors`, with
 * the sharing rules (dotfiles, listing, links, fallback, the rich listing
 * and a 404.html page, but Python's pages with -p HTTP/1.0),
 * logging in `--log-format` through one batched stderr write per event-loop
 * turn (or not at all with `-q`).
 */
export function createHandlerClass(options: CliOptions, directory: string): RequestHandlerClass {
  const Chosen = options.cgi ? CGIHTTPRequestHandler : SimpleHTTPRequestHandler;
  const Base = options.logFormat === "python" ? Chosen : withLogFormat(Chosen, options.logFormat);
  const headers = options.isolate ? [...options.headers, ...ISOLATION_HEADERS] : options.headers;
  const Handler = Base.withOptions({ directory, extraResponseHeaders: headers });
  Handler.prototype.protocolVersion = options.protocol;
  // -p HTTP/1.0 is Python's behaviour: its listing page and error pages.
  const python = options.protocol === "HTTP/1.0";
  Handler.prototype.listingStyle = python ? "python" : "rich";
  Handler.prototype.notFoundPage = python ? null : "404.html";
  Handler.prototype.dotfiles = options.dotfiles;
  Handler.prototype.directoryListing = options.listing;
  Handler.prototype.followLinks = options.followLinks;
  Handler.prototype.fallback = options.fallback;
  Handler.prototype.compress = options.compress;
  Handler.prototype.cors = options.cors;
  if (options.cgiMax !== null && Handler.prototype instanceof CGIHTTPRequestHandler) Handler.prototype.cgiMax = options.cgiMax;
  if (options.quiet) Handler.prototype.logRequest = () => {};
  Handler.prototype.writeLog = writeStderrBatched;
  return Handler;
}
