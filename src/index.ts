/**
 * simplehttp: Python's `http.server` for Node.js.
 * @module
 */
export { HTTPServer, ThreadingHTTPServer } from "./server/http-server.js";
export type { ClientAddress, ConnectionHandler, RequestHandlerClass, RequestServer } from "./server/request-server.js";
export { BaseHTTPRequestHandler, DEFAULT_ERROR_MESSAGE, DEFAULT_ERROR_CONTENT_TYPE } from "./handlers/base-handler.js";
export { RequestBody } from "./server/request-body.js";
export { ResponseWriter, type BodyMode } from "./server/response-writer.js";
export { BodyTooLargeError, ConnectionClosedError, ConnectionTimeoutError } from "./server/errors.js";
export { HeaderMap } from "./wire/header-map.js";
export { HttpParseError, type ParseErrorCode } from "./wire/parse-error.js";
export { RequestHeadParser, DEFAULT_HEAD_LIMITS, parseHeaderLine, type RequestHead, type HeadLimits, type HeadParseResult } from "./wire/request-head-parser.js";
export { parseRequestLine, requestPath, type RequestLine } from "./wire/request-line.js";
export { ChunkedDecoder } from "./wire/chunked-decoder.js";
export { decideBodyFraming, type BodyFraming, type FramingDecision } from "./wire/body-framing.js";
export { formatHttpDate, parseHttpDate, currentHttpDate, formatLogDate, type ParsedHttpDate } from "./wire/http-date.js";
export { RESPONSES } from "./wire/responses.js";
export { pyFormat, pyRepr } from "./wire/py-format.js";
export { escapeHtml } from "./wire/html-escape.js";
export { SimpleHTTPRequestHandler, type SimpleHandlerOptions } from "./handlers/simple-handler.js";
export { BufferSource, FileSource, type BodySource } from "./files/body-source.js";
export { translatePath, normpath } from "./files/translate-path.js";
export { guessType, extensionOf, MIME_BY_EXTENSION, DEFAULT_EXTENSIONS_MAP } from "./files/guess-type.js";
export { isNotModified } from "./files/not-modified.js";
export { renderDirectoryListing, sortEntries, type ListingEntry } from "./files/directory-listing.js";
export { quote, unquote } from "./files/url-quote.js";
export { fsDecode, fsEncode } from "./files/fs-encoding.js";
export { CGIHTTPRequestHandler } from "./handlers/cgi-handler.js";
export { urlCollapsePath } from "./cgi/url-collapse-path.js";
export { buildCgiEnvironment, authVariables, headerValueForEnv, type CgiRequestFacts, type CgiHeaderSource } from "./cgi/cgi-environment.js";
export { CgiResponseParser, DEFAULT_CGI_HEADER_LIMITS, type CgiResponseHead, type CgiParseResult, type CgiHeaderLimits } from "./cgi/cgi-response-parser.js";
export { queryArguments, isPythonScriptName, pathExtension } from "./cgi/cgi-command-line.js";
export { locateCgiScript, type CgiScriptLocation } from "./cgi/locate-script.js";
export { HTTPSServer, ThreadingHTTPSServer, TLSConfigError, type HTTPSServerOptions, type TLSConfigErrorCode } from "./server/https-server.js";
export { FileCache, defaultFileCache, type FileCacheLimits } from "./files/file-cache.js";
export { ListingCache, defaultListingCache } from "./files/listing-cache.js";
export { writeStderrBatched } from "./server/batched-stderr.js";
