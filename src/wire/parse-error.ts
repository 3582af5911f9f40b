/** Stable codes for every way a request head can be refused; tests and logs key on these. */
export type ParseErrorCode =
  | "ERR_URI_TOO_LONG"
  | "ERR_HEADER_LINE_TOO_LONG"
  | "ERR_TOO_MANY_HEADERS"
  | "ERR_BAD_REQUEST_SYNTAX"
  | "ERR_BAD_METHOD"
  | "ERR_BAD_TARGET"
  | "ERR_BAD_VERSION"
  | "ERR_VERSION_NOT_SUPPORTED"
  | "ERR_BAD_HTTP09_METHOD"
  | "ERR_OBS_FOLD"
  | "ERR_MIXED_LINE_ENDINGS"
  | "ERR_HEAD_TOO_LARGE"
  | "ERR_HEAD_BUDGET"
  | "ERR_BAD_HEADER_LINE"
  | "ERR_BAD_HEADER_NAME"
  | "ERR_BAD_HEADER_VALUE"
  | "ERR_HOST"
  | "ERR_CONTENT_LENGTH"
  | "ERR_TRANSFER_ENCODING"
  | "ERR_UNSUPPORTED_TRANSFER_CODING"
  | "ERR_CHUNK"
  | "ERR_HEADERS_TIMEOUT";

/**
 * A request the server must refuse: the status to answer with, the reason
 * phrase (`message`) and optional explanation for the error page, and what
 * was known of the request line when parsing stopped (for the log line and
 * for HEAD, whose error replies carry no body).
 */
export class HttpParseError extends Error {
  override readonly name = "HttpParseError";
  constructor(
    readonly code: ParseErrorCode,
    readonly status: number,
    message: string,
    readonly explain: string | undefined = undefined,
  ) {
    super(message);
  }
}
