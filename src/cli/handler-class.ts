import { SimpleHTTPRequestHandler } from "../handlers/simple-handler.js";
import type { RequestHandlerClass } from "../server/request-server.js";
import type { CliOptions } from "./options.js";

/**
 * The handler class the command line serves with: SimpleHTTPRequestHandler
 * bound to the directory and extra headers, speaking `options.protocol`.
 * Returns an error message when the options ask for something unavailable.
 */
export function createHandlerClass(options: CliOptions, directory: string): RequestHandlerClass | string {
  if (options.cgi) return "--cgi is not available yet in this version of simplehttp";
  const Handler = SimpleHTTPRequestHandler.withOptions({ directory, extraResponseHeaders: options.headers });
  Handler.prototype.protocolVersion = options.protocol;
  if (options.quiet) Handler.prototype.logRequest = () => {};
  return Handler;
}
