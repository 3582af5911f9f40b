import type { HeaderMap } from "./header-map.js";
import { HTTP_1_1 } from "./http-version.js";

/** Every Connection field of a request as one list (RFC 9110 5.3), undefined without one. */
export function connectionField(headers: HeaderMap): string | undefined {
  const first = headers.get("Connection");
  return first === undefined || headers.count("Connection") === 1 ? first : headers.getAll("Connection").join(", ");
}

/** Whether a Connection field value (a comma-separated token list, any case) lists `token` (lower case). */
function lists(connection: string, token: string): boolean {
  const value = connection.toLowerCase();
  if (value === token) return true;
  if (!value.includes(",")) return value.trim() === token;
  return value.split(",").some((t) => t.trim() === token);
}

/**
 * Whether a connection stays open after this request, by CPython's rules
 * (`parse_request`), with the Connection header read as the token list RFC
 * 9112 9.6 makes it (CPython compares the whole value): HTTP/1.1 on both ends,
 * unless the request lists `close` (`Connection: keep-alive, close` closes);
 * `keep-alive` keeps an older client's connection open when we speak
 * HTTP/1.1; HTTP/0.9 always closes. The handler may still decide otherwise
 * (`closeConnection`), and the response framing may force a close (see
 * response-framing.ts).
 *
 * @param requestVersion the request's version number (see `versionNumber`; HTTP/0.9: `http09`)
 * @param protocolVersion ours (`protocolVersion`)
 * @param connection the request's Connection fields, all of them joined with ", " (undefined: none)
 */
export function persists(requestVersion: number, protocolVersion: number, connection: string | undefined, http09: boolean): boolean {
  if (http09) return false;
  if (connection !== undefined) {
    if (lists(connection, "close")) return false;
    if (protocolVersion >= HTTP_1_1 && lists(connection, "keep-alive")) return true;
  }
  return requestVersion >= HTTP_1_1 && protocolVersion >= HTTP_1_1;
}
