/**
 * `simplehttp/cgi`: the pieces of CGIHTTPRequestHandler (RFC 3875), pure where
 * they can be: CPython's path collapse and script location, the environment,
 * the command line, the parser of a script's header block.
 * @module
 */
export { urlCollapsePath } from "./url-collapse-path.js";
export { locateCgiScript, type CgiScriptLocation } from "./locate-script.js";
export { buildCgiEnvironment, authVariables, headerValueForEnv, type CgiRequestFacts, type CgiHeaderSource } from "./cgi-environment.js";
export { queryArguments, isPythonScriptName } from "./cgi-command-line.js";
export { CgiResponseParser, DEFAULT_CGI_HEADER_LIMITS, type CgiResponseHead, type CgiParseResult, type CgiHeaderLimits } from "./cgi-response-parser.js";
