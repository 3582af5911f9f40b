import { CGIHTTPRequestHandler } from "../handlers/cgi-handler.js";
import { SimpleHTTPRequestHandler } from "../handlers/simple-handler.js";
import { writeStderrBatched } from "./batched-stderr.js";
import type { RequestHandlerClass } from "../server/request-server.js";
import type { CliOptions } from "./options.js";

/**
 * The handler class the command line serves with: SimpleHTTPRequestHandler
 * (CGIHTTPRequestHandler with `--cgi`, as `python -m http.server --cgi`)
 * bound to the directory and extra headers, speaking `options.protocol`,
 * compressing unless `--no-compress`, answering CORS with `--cors`,
 * logging through one batched stderr write per event-loop turn (or not at all with `-q`).
 */
export function createHandlerClass(options: CliOptions, directory: string): RequestHandlerClass {
  const Base = options.cgi ? CGIHTTPRequestHandler : SimpleHTTPRequestHandler;
  const Handler = Base.withOptions({ directory, extraResponseHeaders: options.headers });
  Handler.prototype.protocolVersion = options.protocol;
  Handler.prototype.compress = options.compress;
  Handler.prototype.cors = options.cors;
  if (options.cgiMax !== null && Handler.prototype instanceof CGIHTTPRequestHandler) Handler.prototype.cgiMax = options.cgiMax;
  if (options.quiet) Handler.prototype.logRequest = () => {};
  Handler.prototype.writeLog = writeStderrBatched;
  return Handler;
}
