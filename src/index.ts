/**
 * simplehttp: Python's `http.server` for Node.js. The root holds what CPython's
 * `__all__` holds (the servers and the three handlers), and what a subclass
 * needs to use and type them: options, errors, the request and response
 * streams, the body sources. Building blocks are in `simplehttp/wire`,
 * `simplehttp/files` and `simplehttp/cgi`.
 * @module
 */
export { HTTPServer, ThreadingHTTPServer } from "./server/http-server.js";
export { HTTPSServer, ThreadingHTTPSServer } from "./server/https-server.js";
export { TLSConfigError, type HTTPSServerOptions, type TLSConfigErrorCode } from "./server/tls-credentials.js";
export type { ClientAddress, ConnectionHandler, RequestHandlerClass, RequestServer } from "./server/request-server.js";
export { BaseHTTPRequestHandler } from "./handlers/base-handler.js";
export type { HandlerAttributes } from "./handlers/handler-attributes.js";
export { SimpleHTTPRequestHandler, type SimpleHandlerOptions } from "./handlers/simple-handler.js";
export { CGIHTTPRequestHandler } from "./handlers/cgi-handler.js";
export { DEFAULT_ERROR_MESSAGE, DEFAULT_ERROR_CONTENT_TYPE } from "./python/error-page.js";
export type { PyFormatArg } from "./python/py-format.js";
export { HeaderMap } from "./wire/header-map.js";
export { RequestBody } from "./server/request-body.js";
export { ResponseWriter } from "./server/response-writer.js";
export type { BodyMode } from "./wire/response-framing.js";
export { BufferSource, FileSource, type BodySource } from "./files/body-source.js";
export { BodyTooLargeError, ConnectionClosedError, ConnectionTimeoutError } from "./server/errors.js";
export { HttpParseError, type ParseErrorCode } from "./wire/parse-error.js";
