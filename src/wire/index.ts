/**
 * `simplehttp/wire`: the HTTP/1.1 wire format, pure (no sockets, files or
 * processes): request-line and head parsing, header map, request body framing
 * and chunked decoding, response framing and persistence, dates, status table.
 * @module
 */
export { HeaderMap } from "./header-map.js";
export { HttpParseError, type ParseErrorCode } from "./parse-error.js";
export { RequestHeadParser, DEFAULT_HEAD_LIMITS, parseHeaderLine, type RequestHead, type HeadLimits, type HeadParseResult } from "./request-head-parser.js";
export { parseRequestLine, requestPath, type RequestLine } from "./request-line.js";
export { decideBodyFraming, type BodyFraming, type FramingDecision } from "./body-framing.js";
export { ChunkedDecoder, type ChunkedLimits } from "./chunked-decoder.js";
export { decideResponseFraming, type BodyMode, type ResponseFacts, type ResponseFraming } from "./response-framing.js";
export { persists } from "./persistence.js";
export { versionNumber, HTTP_1_1 } from "./http-version.js";
export { formatHttpDate, parseHttpDate, currentHttpDate, formatLogDate, type ParsedHttpDate } from "./http-date.js";
export { RESPONSES } from "./responses.js";
export { isToken, isFieldValue } from "./token.js";
