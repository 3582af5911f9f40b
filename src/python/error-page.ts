import { escapeHtml } from "./html-escape.js";
import { pyFormat } from "./py-format.js";

/** CPython's DEFAULT_ERROR_MESSAGE, with its `%(code)d`, `%(message)s`, `%(explain)s` placeholders. */
export const DEFAULT_ERROR_MESSAGE = `<!DOCTYPE HTML>
<html lang="en">
    <head>
        <meta charset="utf-8">
        <title>Error response</title>
    </head>
    <body>
        <h1>Error response</h1>
        <p>Error code: %(code)d</p>
        <p>Message: %(message)s.</p>
        <p>Error code explanation: %(code)s - %(explain)s.</p>
    </body>
</html>
`;

/** CPython's DEFAULT_ERROR_CONTENT_TYPE. */
export const DEFAULT_ERROR_CONTENT_TYPE = "text/html;charset=utf-8";

/** True when a response with this status carries a body (CPython's `send_error`: not 1xx, 204, 205, 304). */
export function errorHasBody(code: number): boolean {
  return code >= 200 && code !== 204 && code !== 205 && code !== 304;
}

/** The error page: `format` (CPython's `error_message_format`) filled with the code and the HTML-escaped texts, as UTF-8. */
export function renderErrorPage(format: string, code: number, message: string, explain: string): Buffer {
  return Buffer.from(pyFormat(format, { code, message: escapeHtml(message, false), explain: escapeHtml(explain, false) }), "utf8");
}
