import type { HeaderMap } from "../wire/header-map.js";
import { isToken } from "../wire/token.js";

/** What CORS needs of a handler. */
export interface CorsResponder {
  readonly headers: HeaderMap;
  sendResponse(code: number, message?: string): void;
  sendHeader(keyword: string, value: string | number): void;
  endHeaders(): Promise<void>;
  sendExtraResponseHeaders(): void;
}

/** Response headers a script on another origin may read besides the CORS-safelisted ones (Fetch standard). */
const EXPOSED = "Accept-Ranges, Content-Encoding, Content-Range, ETag";

/** How long a browser may cache a preflight's answer, in seconds (Chromium caps it at 7200). */
export const PREFLIGHT_MAX_AGE = 7200;

/**
 * The headers that let any origin read a response (the server is public: it
 * sends no credentials-bearing variant): `Access-Control-Allow-Origin: *`
 * and the headers it may read beyond the safelisted ones.
 */
export function sendCorsHeaders(h: Pick<CorsResponder, "sendHeader">): void {
  h.sendHeader("Access-Control-Allow-Origin", "*");
  h.sendHeader("Access-Control-Expose-Headers", EXPOSED);
}

/** The methods a handler answers: its `do_` methods, OPTIONS included. */
function allowedMethods(h: object): string {
  const methods: string[] = [];
  for (const m of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
    if (typeof (h as Record<string, unknown>)["do_" + m] === "function") methods.push(m);
  }
  return methods.join(", ");
}

/**
 * Answers OPTIONS (a CORS preflight, or a plain OPTIONS) with 204: `Allow`,
 * and the `Access-Control-Allow-Methods`, `-Headers` (the ones asked for, when
 * they are a valid token list) and `-Max-Age` a browser needs before it sends
 * a request with `Range`, `If-None-Match` or a method beyond GET.
 */
export async function answerPreflight(h: CorsResponder): Promise<void> {
  const methods = allowedMethods(h);
  const asked = h.headers.getAll("Access-Control-Request-Headers").join(",");
  const names = asked.split(",").map((s) => s.trim()).filter((s) => s !== "");
  h.sendResponse(204);
  h.sendHeader("Allow", methods);
  h.sendHeader("Access-Control-Allow-Methods", methods);
  if (names.length > 0 && names.every(isToken)) h.sendHeader("Access-Control-Allow-Headers", names.join(", "));
  h.sendHeader("Access-Control-Max-Age", String(PREFLIGHT_MAX_AGE));
  h.sendExtraResponseHeaders();
  await h.endHeaders();
}
