import { HTTP_1_1 } from "./http-version.js";

/**
 * Whether a connection stays open after this request, by CPython's rules
 * (`parse_request`): HTTP/1.1 on both ends, unless the request says
 * `Connection: close`; `Connection: keep-alive` keeps an older client's
 * connection open when we speak HTTP/1.1; HTTP/0.9 always closes. The handler
 * may still decide otherwise (`closeConnection`), and the response framing may
 * force a close (see response-framing.ts).
 *
 * @param requestVersion the request's version number (see `versionNumber`; HTTP/0.9: `http09`)
 * @param protocolVersion ours (`protocolVersion`)
 * @param connection the request's Connection header, if any
 */
export function persists(requestVersion: number, protocolVersion: number, connection: string | undefined, http09: boolean): boolean {
  if (http09) return false;
  const conntype = connection === undefined ? "" : connection.toLowerCase();
  if (conntype === "close") return false;
  if (conntype === "keep-alive" && protocolVersion >= HTTP_1_1) return true;
  return requestVersion >= HTTP_1_1 && protocolVersion >= HTTP_1_1;
}
