/**
 * `simplehttp/python`: the CPython behaviours simplehttp reproduces, pure:
 * `repr()` and `%` formatting (what `logMessage` and `errorMessageFormat`
 * use), `html.escape`, `urllib.parse.quote`/`unquote`, the error page.
 * @module
 */
export { pyFormat, pyRepr, pyExceptionRepr, type PyFormatArg } from "./py-format.js";
export { escapeHtml } from "./html-escape.js";
export { quote, unquote } from "./url-quote.js";
export { DEFAULT_ERROR_MESSAGE, DEFAULT_ERROR_CONTENT_TYPE, renderErrorPage } from "./error-page.js";
