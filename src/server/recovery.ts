import { HttpParseError } from "../wire/parse-error.js";
import { BodyTooLargeError, ConnectionClosedError, ConnectionTimeoutError } from "./errors.js";

/**
 * What the engine does after a handler's `do_<METHOD>()` threw or rejected.
 * The connection closes after the request in every case.
 */
export interface Recovery {
  /** Status of the error reply that replaces the response, or 0: the response (if any) is cut short. */
  readonly reply: number;
  /** The reply's message (the engine's own refusal), or undefined for the status's reason phrase. */
  readonly message: string | undefined;
  /** Report the error through `server.handleError()`: a fault of the handler, not of the client. */
  readonly report: boolean;
  /** Log CPython's `Request timed out: TimeoutError(...)`. */
  readonly timedOut: boolean;
}

const CUT: Recovery = Object.freeze({ reply: 0, message: undefined, report: false, timedOut: false });
const TIMED_OUT: Recovery = Object.freeze({ reply: 0, message: undefined, report: false, timedOut: true });

/**
 * The recovery policy, pure: the client leaving or a timeout closes quietly
 * (a timeout logged); the engine's own refusals of the request body (a bad
 * chunk: 400, over `readAll`'s limit: 413) are the client's fault and
 * answered if no byte of the response has gone out; anything else is the
 * handler's fault, reported, and answered 500 if nothing went out. Once the
 * response has begun it cannot be replaced: it is cut short instead, so the
 * client sees it incomplete.
 *
 * @param responseStarted some of the final response's head or body has gone to the client
 */
export function recoveryFor(error: unknown, responseStarted: boolean): Recovery {
  if (error instanceof ConnectionClosedError) return CUT;
  if (error instanceof ConnectionTimeoutError) return TIMED_OUT;
  const refused = error instanceof HttpParseError ? error.status : error instanceof BodyTooLargeError ? 413 : 0;
  if (refused > 0) return responseStarted ? CUT : { reply: refused, message: (error as Error).message, report: false, timedOut: false };
  return { reply: responseStarted ? 0 : 500, message: undefined, report: true, timedOut: false };
}
