import type { Socket } from "node:net";
import type { PyFormatArg } from "../python/py-format.js";
import type { RequestBody } from "../server/request-body.js";
import type { ResponseWriter } from "../server/response-writer.js";
import { ConnectionClosedError, ConnectionTimeoutError } from "../server/errors.js";
import { exitStatusCode, type CgiProcess } from "../cgi/cgi-process.js";
import { CgiResponseParser, type CgiResponseHead } from "../cgi/cgi-response-parser.js";
import { pumpStdin } from "../cgi/pump-stdin.js";
import type { SpooledBody } from "../cgi/spool-body.js";
import { BodyPace, pacedBody, type BodyPaceLimits, type PaceViolation } from "../cgi/body-pace.js";
import { ScriptWatch } from "../cgi/script-watch.js";
import { bodyPaceText, scriptOutcome } from "../cgi/script-outcome.js";

/** What relaying a script needs of its handler (CGIHTTPRequestHandler's own members). */
export interface ScriptRelayHost {
  readonly request: Socket;
  readonly rfile: RequestBody;
  readonly wfile: ResponseWriter;
  closeConnection: boolean;
  readonly cgiTimeout: number | null;
  readonly responses: Readonly<Record<number, readonly [string, string]>>;
  logError(format: string, ...args: PyFormatArg[]): void;
  logRequest(code: number): void;
  sendResponseOnly(code: number, message?: string): void;
  sendHeader(keyword: string, value: string): void;
  endHeaders(): Promise<void>;
  versionString(): string;
  dateTimeString(): string;
  sendError(code: number, message?: string): Promise<void>;
}

/** How a script is held while it runs. */
export interface ScriptRelayOptions {
  /** The pace the request body must keep on its way to stdin. */
  readonly pace: BodyPaceLimits;
  /** After the script exits, how long a process it left may keep its output open (ms, from its last output). */
  readonly exitGraceMs: number;
}

/** The texts of the error replies a script's end can call for. */
const ERROR_TEXT: Readonly<Record<number, string>> = { 408: "Request body too slow", 504: "CGI script timed out" };

/** Sends the status line and headers the script asked for. */
async function sendScriptHead(h: ScriptRelayHost, head: CgiResponseHead, scriptName: string): Promise<void> {
  if (head.dropped.length > 0) {
    h.logError("CGI script %r: dropped %s (the server frames the response itself)", scriptName, head.dropped.join(", "));
  }
  // Without a Status field, CPython's reason phrase for its (always) 200.
  const reason = head.reason ?? (!head.statusGiven && head.status === 200 ? "Script output follows" : (h.responses[head.status]?.[0] ?? ""));
  h.logRequest(head.status);
  h.sendResponseOnly(head.status, reason);
  // The script's own Server or Date replaces ours: the fields may appear once (RFC 9110 section 5.3).
  const gave = (name: string): boolean => head.headers.some(([k]) => k.toLowerCase() === name);
  if (!gave("server")) h.sendHeader("Server", h.versionString());
  if (!gave("date")) h.sendHeader("Date", h.dateTimeString());
  for (const [name, value] of head.headers) h.sendHeader(name, value);
  await h.endHeaders();
  await h.wfile.flush();
}

/**
 * Relays a running script's output as the response, then reaps it and
 * decides the end (`scriptOutcome`). The request body goes to the script's
 * stdin at `options.pace` (unless it was spooled); the script is watched by
 * a `ScriptWatch` (cgiTimeout, the client leaving, output held after exit).
 */
export async function relayScript(h: ScriptRelayHost, proc: CgiProcess, scriptName: string, spool: SpooledBody | null, options: ScriptRelayOptions): Promise<void> {
  let failure: unknown = null;
  let badOutput = "";
  const timeout = h.cgiTimeout;
  const watch = new ScriptWatch(proc, h.request, { idleMs: timeout === null ? null : timeout * 1000, exitGraceMs: options.exitGraceMs });
  let slow: PaceViolation | null = null;
  const pace = new BodyPace(options.pace, (why) => {
    slow = why;
    watch.stop("slow-body");
  });
  const body = spool ? spool.chunks() : pacedBody(h.rfile, pace);
  if (spool) pace.stop();
  let pumpDone = false;
  void pumpStdin(body, proc, watch).then((err) => {
    pumpDone = true;
    if (err === null) return;
    failure ??= err;
    watch.stop(err instanceof ConnectionClosedError ? "disconnect" : "client-error");
  });

  const parser = new CgiResponseParser();
  let headSent = false;
  try {
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
      watch.touch();
      if (watch.abort !== null) break;
      let data = chunk;
      if (!headSent) {
        const r = parser.push(chunk);
        if (r.state === "partial") continue;
        if (r.state === "error") {
          badOutput = r.reason;
          watch.stop("bad-output");
          break;
        }
        watch.pause();
        try {
          await sendScriptHead(h, r.head, scriptName);
        } finally {
          watch.resume();
        }
        headSent = true;
        data = r.body;
      }
      if (data.length === 0) continue;
      // stdout is not read again until the client has taken this chunk.
      watch.pause();
      try {
        await h.wfile.write(data);
        await h.wfile.flush();
      } finally {
        watch.resume();
      }
    }
  } catch (err) {
    if (err instanceof ConnectionClosedError || err instanceof ConnectionTimeoutError) {
      failure ??= err;
      watch.stop("disconnect");
    } else if (watch.abort === null && !watch.outputHeld) {
      // Not the script's output, not the client: a fault of ours, for the engine to report.
      failure = err;
      watch.stop("internal");
    }
    // Otherwise stdout was destroyed by the kill that stopped the script.
  }
  if (!headSent && watch.abort === null) {
    const r = parser.end();
    if (r.state === "error") badOutput = r.reason;
  }

  const exit = await proc.exited;
  await proc.closed;
  watch.finish();
  pace.stop();
  if (watch.outputHeld) {
    h.logError("CGI script %r exited but left a process holding its output: killed after %s s", scriptName, String(options.exitGraceMs / 1000));
  }
  // A body the script never finished reading while the client still sends it: the connection cannot carry another request.
  if (!pumpDone) h.closeConnection = true;
  const outcome = scriptOutcome({
    scriptName,
    abort: watch.abort,
    headSent,
    exitCode: exitStatusCode(exit),
    outputBytes: parser.bytesReceived,
    badOutput,
    timeout,
    clientTimeout: failure instanceof ConnectionTimeoutError ? failure.message : null,
    bodyPace: slow === null ? "" : bodyPaceText(slow, options.pace),
  });
  for (const [format, ...args] of outcome.log) h.logError(format, ...args);
  switch (outcome.action) {
    case "done":
      return;
    case "close":
      h.closeConnection = true;
      return;
    case "cut-short":
      return cutShort(h);
    case "rethrow":
      throw failure;
    default:
      if (outcome.action === 408) h.closeConnection = true;
      return h.sendError(outcome.action, ERROR_TEXT[outcome.action]);
  }
}

/**
 * Ends a response whose script failed halfway: our side of the connection
 * is shut without the body's proper end (no last chunk; a Content-Length
 * left short), so the client sees the response as incomplete.
 */
async function cutShort(h: ScriptRelayHost): Promise<void> {
  h.closeConnection = true;
  await h.wfile.flush();
  h.request.end();
}
