import type { BodyPaceLimits, PaceViolation } from "./body-pace.js";
import { pyExceptionRepr, type PyFormatArg } from "../python/py-format.js";

/** Why a script was stopped before its end. */
export type AbortReason = "timeout" | "disconnect" | "client-error" | "slow-body" | "bad-output" | "internal";

/** How a script's run ended, as the CGI handler saw it. */
export interface ScriptRun {
  /** The script's name in the URL (for the log). */
  readonly scriptName: string;
  /** Why it was stopped, or null when it ran to its end. */
  readonly abort: AbortReason | null;
  /** Its header block was valid and the response head has gone out. */
  readonly headSent: boolean;
  /** Its exit status (128 + signal when killed). */
  readonly exitCode: number;
  /** Bytes it wrote to stdout. */
  readonly outputBytes: number;
  /** Why its header block was refused ('' when it was not). */
  readonly badOutput: string;
  /** `cgiTimeout` (for the log). */
  readonly timeout: number | null;
  /** The message of the client's read or write timeout, when the disconnect was one; else null. */
  readonly clientTimeout: string | null;
  /** How the request body fell short of its pace (`bodyPaceText`), for `slow-body`; else ''. */
  readonly bodyPace: string;
}

/** What the handler does at the end of a script's run. */
export interface ScriptOutcome {
  /** Log lines (`logError` arguments: a format and its values). */
  readonly log: readonly (readonly [string, ...PyFormatArg[]])[];
  /**
   * - `done`: the response is complete;
   * - `close`: the client is gone, close the connection;
   * - `cut-short`: the response began and cannot be finished: close without its proper end;
   * - `rethrow`: the failure is for the engine to answer (an error of ours, or of the request body);
   * - a number: the status of the error reply to send (408 and close, 500, 502, 504).
   */
  readonly action: "done" | "close" | "cut-short" | "rethrow" | 408 | 500 | 502 | 504;
}

/**
 * Decides the end of a CGI request from how the script's run ended (RFC
 * 3875 section 6 and CPython's texts): a script that wrote nothing and
 * failed is a 500; output without a valid header block a 502; no progress
 * for `cgiTimeout` a 504, or a response cut short once it began; the client
 * leaving closes; a failure of the request body or of ours goes back to the
 * engine (400, 408, 500) unless the response had begun.
 */
export function scriptOutcome(run: ScriptRun): ScriptOutcome {
  const name = run.scriptName;
  switch (run.abort) {
    case "disconnect": {
      const log: [string, ...PyFormatArg[]][] = [["CGI script %r killed: the client went away", name]];
      if (run.clientTimeout !== null) log.push(["Request timed out: %s", pyExceptionRepr("TimeoutError", run.clientTimeout)]);
      return { log, action: "close" };
    }
    case "internal":
      return { log: [], action: "rethrow" };
    case "client-error":
      return { log: [], action: run.headSent ? "cut-short" : "rethrow" };
    case "slow-body":
      return { log: [["CGI script %r killed: request body too slow (%s)", name, run.bodyPace]], action: run.headSent ? "cut-short" : 408 };
    case "timeout":
      return { log: [["CGI script %r killed: no progress for %s seconds", name, String(run.timeout)]], action: run.headSent ? "cut-short" : 504 };
    case "bad-output":
      return { log: [["CGI script %r: bad header block: %s", name, run.badOutput]], action: 502 };
    case null:
      break;
  }
  if (!run.headSent) {
    if (run.exitCode !== 0 && run.outputBytes === 0) return { log: [["CGI script exit code %d", run.exitCode]], action: 500 };
    return { log: [["CGI script %r: bad header block: %s%s", name, run.badOutput, run.exitCode !== 0 ? ` (exit code ${run.exitCode})` : ""]], action: 502 };
  }
  return { log: run.exitCode !== 0 ? [["CGI script exit code %d", run.exitCode]] : [], action: "done" };
}

/** Says how a request body fell short of its pace: `no byte for 20 s`, `under 500 bytes/s`. */
export function bodyPaceText(why: PaceViolation, limits: BodyPaceLimits): string {
  return why === "idle" ? `no byte for ${limits.idleMs / 1000} s` : `under ${limits.minRate} bytes/s`;
}
