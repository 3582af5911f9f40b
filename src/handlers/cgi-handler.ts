import { SimpleHTTPRequestHandler } from "./simple-handler.js";
import type { BodySource } from "../files/body-source.js";
import { fsEncode } from "../files/fs-encoding.js";
import { quote } from "../python/url-quote.js";
import { ConnectionClosedError, ConnectionTimeoutError } from "../server/errors.js";
import { pyRepr } from "../python/py-format.js";
import { buildCgiEnvironment } from "../cgi/cgi-environment.js";
import { isPythonScriptName, queryArguments } from "../cgi/cgi-command-line.js";
import { CgiProcess, exitStatusCode } from "../cgi/cgi-process.js";
import { CgiResponseParser, type CgiResponseHead } from "../cgi/cgi-response-parser.js";
import { IdleTimer } from "../cgi/idle-timer.js";
import { pumpStdin } from "../cgi/pump-stdin.js";
import { spoolBody, SpoolTooLargeError, type SpooledBody } from "../cgi/spool-body.js";
import { scriptOutcome, type AbortReason } from "../cgi/script-outcome.js";
import { locateCgiScript } from "../cgi/locate-script.js";
import { canExecute, cgiRunAs, findExecutable } from "../cgi/run-as.js";
import { urlCollapsePath } from "../cgi/url-collapse-path.js";
import { statNow } from "../files/stat-now.js";

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * CPython's `CGIHTTPRequestHandler`: SimpleHTTPRequestHandler plus CGI
 * scripts under `cgiDirectories`, for GET, HEAD and POST (POST only to
 * scripts: 501 `Can only POST to CGI scripts` elsewhere).
 *
 * As CPython: the CGI check runs on the percent-decoded, collapsed path;
 * nested directories, PATH_INFO and QUERY_STRING are split off; a missing
 * script is 404 `No such CGI script ('...')`, a directory 403 `CGI script is
 * not a plain file ('...')`, a file without the x bit 403 `CGI script is not
 * executable ('...')`; as root, scripts run as `nobody`. `.py`/`.pyw` scripts
 * run with `python3 -u` from PATH (the role of CPython's `sys.executable`).
 *
 * Beyond CPython (which sends `200 Script output follows` before the script
 * runs): the script's header block is read first (RFC 3875 section 6), so
 * `Status:` and `Location:` work (a `Location:` without `Status:` is a 302,
 * a local `/path` included: section 6.2.2's server-side redirect is left to
 * the client, which lands on the same resource) and a script with no valid
 * header block gets 502, one that fails before writing anything 500; the body is framed
 * (the script's Content-Length, else chunked on a persistent HTTP/1.1
 * connection), so keep-alive and pipelining work; the request body streams
 * to stdin and stdout to the client, both with back-pressure; the client
 * leaving, or `cgiTimeout` seconds without progress, kills the script's
 * process group; stderr goes to the log line by line.
 */
export class CGIHTTPRequestHandler extends SimpleHTTPRequestHandler {
  /**
   * URL directories whose files are scripts (CPython's `cgi_directories`).
   * Shared by the class, as in CPython: `CGIHTTPRequestHandler.prototype.cgiDirectories.push("/sub/cgi-bin")`.
   */
  declare cgiDirectories: string[];
  /**
   * Seconds a script may go without progress (no output, no request body
   * taken) before its process group is killed: 504 if it had not answered
   * yet, else the response is cut short and the connection closed. Time
   * spent waiting for a slow client to read does not count. Like Apache's
   * `Timeout` (default 60), it bounds a hung script without cutting a long
   * download that keeps flowing. Null or 0: no limit.
   */
  declare cgiTimeout: number | null;
  /** Most bytes of a chunked request body, read whole before the script starts (413 beyond; default 1 GiB, Apache's LimitRequestBody). */
  declare cgiMaxBody: number;
  /** `[dir, rest]` of the request's CGI path, set by `isCgi()` (CPython's `cgi_info`; `rest` keeps `?query`). */
  cgiInfo: [dir: string, rest: string] = ["", ""];
  /** The query `isCgi()` split off, so a `%3F` decoded into the path is not taken for the start of the query. */
  #split: { readonly info: readonly [string, string]; readonly query: string } | null = null;

  /** Serves a POST: runs the script, or 501 when the path is not under a CGI directory. */
  async do_POST(): Promise<void> {
    const cgi = await this.#checkCgi();
    if (cgi === null) return;
    if (cgi) await this.runCgi();
    else await this.sendError(501, "Can only POST to CGI scripts");
  }

  /** Runs the script for a CGI path (returning null: the response is complete); serves a file otherwise. */
  override async sendHead(): Promise<BodySource | null> {
    const cgi = await this.#checkCgi();
    if (cgi === null) return null;
    if (!cgi) return super.sendHead();
    await this.runCgi();
    return null;
  }

  /**
   * `isCgi()`, with CPython's contract that an exception means the path is
   * rejected: CPython then drops the connection; we answer 404 (nothing
   * outside the served tree is reached, script or file).
   */
  async #checkCgi(): Promise<boolean | null> {
    try {
      return this.isCgi();
    } catch (err) {
      this.logError("rejected path %r: %s", this.path, messageOf(err));
      await this.sendError(404, "File not found");
      return null;
    }
  }

  /**
   * True when the path, percent-decoded and collapsed (CPython's
   * `_url_collapse_path`), starts with one of `cgiDirectories` followed by
   * `/`; sets `cgiInfo` to `[dir, rest]`. Throws RangeError when the path
   * climbs above the root.
   */
  isCgi(): boolean {
    const raw = this.path;
    const q = raw.indexOf("?");
    const query = q >= 0 ? raw.slice(q + 1) : "";
    const collapsed = urlCollapsePath(q >= 0 ? raw.slice(0, q) : raw);
    if (collapsed === null) throw new RangeError("the path climbs above the root");
    let sep = collapsed.indexOf("/", 1);
    while (sep > 0 && !this.cgiDirectories.includes(collapsed.slice(0, sep))) sep = collapsed.indexOf("/", sep + 1);
    if (sep <= 0) return false;
    const info: [string, string] = [collapsed.slice(0, sep), collapsed.slice(sep + 1) + (query ? "?" + query : "")];
    this.cgiInfo = info;
    this.#split = { info, query };
    return true;
  }

  /**
   * True when the script can be executed (CPython: `os.access(path, X_OK)`);
   * when the server is root, by `nobody`, who will run it.
   */
  isExecutable(path: string): boolean {
    return canExecute(fsEncode(path), cgiRunAs());
  }

  /** True for `.py` and `.pyw` (any case): those run with `python3 -u`, and need no x bit. */
  isPython(path: string): boolean {
    return isPythonScriptName(path);
  }

  /** A URL path (already decoded) to a file name, through `translatePath` without decoding twice. */
  #fileFor(urlPath: string): string {
    return this.translatePath(quote(urlPath));
  }

  /** `cgiInfo` split into the path after the CGI directory and the query. */
  #restAndQuery(): { rest: string; query: string } {
    const rest = this.cgiInfo[1];
    const split = this.#split;
    if (split && split.info === this.cgiInfo) {
      const suffix = split.query ? "?" + split.query : "";
      if (rest.endsWith(suffix)) return { rest: rest.slice(0, rest.length - suffix.length), query: split.query };
    }
    // cgiInfo set by an overriding isCgi(): CPython's rest.partition('?').
    const q = rest.indexOf("?");
    return q >= 0 ? { rest: rest.slice(0, q), query: rest.slice(q + 1) } : { rest, query: "" };
  }

  /** Runs the script `cgiInfo` names and sends its response (CPython's `run_cgi`). */
  async runCgi(): Promise<void> {
    const { rest, query } = this.#restAndQuery();
    const loc = locateCgiScript(this.cgiInfo[0], rest, (p) => statNow(this.#fileFor(p))?.isDirectory() ?? false);
    const scriptName = loc.scriptName;
    const scriptFile = this.#fileFor(scriptName);
    const st = statNow(scriptFile);
    if (st === null) {
      await this.sendError(404, `No such CGI script (${pyRepr(scriptName)})`);
      return;
    }
    if (!st.isFile()) {
      await this.sendError(403, `CGI script is not a plain file (${pyRepr(scriptName)})`);
      return;
    }
    const python = this.isPython(scriptName);
    if (!python && !this.isExecutable(scriptFile)) {
      await this.sendError(403, `CGI script is not executable (${pyRepr(scriptName)})`);
      return;
    }
    if (loc.pathInfo.includes("\0")) {
      // No environment can carry a NUL (CPython's child dies in execve).
      await this.sendError(400, "Bad request path (NUL in PATH_INFO)");
      return;
    }
    if (this.request.destroyed) {
      this.closeConnection = true; // the client has gone: nothing to run for
      return;
    }

    const runAs = cgiRunAs();
    const args = queryArguments(query);
    let command = scriptFile;
    let argv0: string | undefined = loc.script;
    if (python) {
      const interpreter = findExecutable("python3", process.env["PATH"] ?? "", runAs);
      if (interpreter === null) {
        this.logError("CGI script %r: no python3 on PATH%s", scriptName, runAs ? " that nobody can run" : "");
        await this.sendError(500);
        return;
      }
      command = interpreter;
      argv0 = undefined;
      args.unshift("-u", scriptFile);
    }
    // A chunked body is read whole first: a script learns its length from CONTENT_LENGTH (RFC 3875 4.1.2).
    let spool: SpooledBody | null = null;
    if (this.rfile.remaining === null && !this.rfile.done) {
      try {
        spool = await spoolBody(this.rfile, { memoryBytes: SPOOL_MEMORY_BYTES, maxBytes: this.cgiMaxBody });
      } catch (err) {
        if (!(err instanceof SpoolTooLargeError)) throw err;
        await this.sendError(413, `Request body larger than ${this.cgiMaxBody} bytes`);
        return;
      }
    }
    const env = buildCgiEnvironment(process.env, {
      serverSoftware: this.versionString(),
      serverName: this.server.serverName,
      serverProtocol: this.protocolVersion,
      serverPort: this.server.serverPort,
      requestMethod: this.command ?? "",
      pathInfo: loc.pathInfo,
      pathTranslated: this.#fileFor(loc.pathInfo),
      scriptName,
      queryString: query,
      remoteAddr: this.clientAddress[0],
      headers: this.headers,
      ...(spool ? { contentLength: String(spool.size) } : {}),
    });

    let proc: CgiProcess;
    try {
      proc = await CgiProcess.start({
        command,
        args,
        ...(argv0 !== undefined ? { argv0 } : {}),
        env,
        runAs,
        onStderrLine: (line) => this.logError("%s", line),
      });
    } catch (err) {
      spool?.remove();
      this.logError("CGI script %r could not be started: %s", scriptName, messageOf(err));
      await this.sendError(500);
      return;
    }
    try {
      await this.#serveScript(proc, scriptName, spool ? spool.chunks() : this.rfile);
    } finally {
      spool?.remove();
    }
  }

  /** Sends the status line and headers the script asked for. */
  async #sendScriptHead(head: CgiResponseHead, scriptName: string): Promise<void> {
    if (head.dropped.length > 0) {
      this.logError("CGI script %r: dropped %s (the server frames the response itself)", scriptName, head.dropped.join(", "));
    }
    // Without a Status field, CPython's reason phrase for its (always) 200.
    const reason = head.reason ?? (!head.statusGiven && head.status === 200 ? "Script output follows" : (this.responses[head.status]?.[0] ?? ""));
    this.logRequest(head.status);
    this.sendResponseOnly(head.status, reason);
    // The script's own Server or Date replaces ours: the fields may appear once (RFC 9110 section 5.3).
    const gave = (name: string): boolean => head.headers.some(([k]) => k.toLowerCase() === name);
    if (!gave("server")) this.sendHeader("Server", this.versionString());
    if (!gave("date")) this.sendHeader("Date", this.dateTimeString());
    for (const [name, value] of head.headers) this.sendHeader(name, value);
    await this.endHeaders();
    await this.wfile.flush();
  }

  /** Relays a running script's output as the response, then reaps it. */
  async #serveScript(proc: CgiProcess, scriptName: string, body: AsyncIterable<Buffer>): Promise<void> {
    let abort: AbortReason | null = null;
    let failure: unknown = null;
    let badOutput = "";
    let finished = false;
    const stop = (why: AbortReason): void => {
      // Once the script and its pipes are gone its pid may be reused: a late
      // stop (an abandoned body read failing) must not signal a stranger's group.
      if (finished) return;
      abort ??= why;
      proc.killGroup();
    };
    const timeout = this.cgiTimeout;
    const idle = new IdleTimer(timeout === null ? null : timeout * 1000, () => stop("timeout"));
    const onClientGone = (): void => stop("disconnect");
    this.request.once("close", onClientGone);
    let pumpDone = false;
    void pumpStdin(body, proc, idle).then((err) => {
      pumpDone = true;
      if (err === null) return;
      failure ??= err;
      stop(err instanceof ConnectionClosedError ? "disconnect" : "client-error");
    });

    const parser = new CgiResponseParser();
    let headSent = false;
    try {
      for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
        idle.touch();
        if (abort !== null) break;
        let data = chunk;
        if (!headSent) {
          const r = parser.push(chunk);
          if (r.state === "partial") continue;
          if (r.state === "error") {
            badOutput = r.reason;
            stop("bad-output");
            break;
          }
          idle.pause();
          try {
            await this.#sendScriptHead(r.head, scriptName);
          } finally {
            idle.resume();
          }
          headSent = true;
          data = r.body;
        }
        if (data.length === 0) continue;
        // stdout is not read again until the client has taken this chunk.
        idle.pause();
        try {
          await this.wfile.write(data);
          await this.wfile.flush();
        } finally {
          idle.resume();
        }
      }
    } catch (err) {
      if (err instanceof ConnectionClosedError || err instanceof ConnectionTimeoutError) {
        failure ??= err;
        stop("disconnect");
      } else if (abort === null) {
        // Not the script's output, not the client: a fault of ours, for the engine to report.
        failure = err;
        stop("internal");
      }
      // Otherwise stdout was destroyed by the kill that set `abort`.
    }
    if (!headSent && abort === null) {
      const r = parser.end();
      if (r.state === "error") badOutput = r.reason;
    }

    const exit = await proc.exited;
    await proc.closed;
    finished = true;
    idle.stop();
    this.request.off("close", onClientGone);
    // A body the script never finished reading while the client still sends it: the connection cannot carry another request.
    if (!pumpDone) this.closeConnection = true;
    const outcome = scriptOutcome({
      scriptName,
      abort,
      headSent,
      exitCode: exitStatusCode(exit),
      outputBytes: parser.bytesReceived,
      badOutput,
      timeout,
      clientTimeout: failure instanceof ConnectionTimeoutError ? failure.message : null,
    });
    for (const [format, ...args] of outcome.log) this.logError(format, ...args);
    switch (outcome.action) {
      case "done":
        return;
      case "close":
        this.closeConnection = true;
        return;
      case "cut-short":
        return this.#cutShort();
      case "rethrow":
        throw failure;
      default:
        return this.sendError(outcome.action, outcome.action === 504 ? "CGI script timed out" : undefined);
    }
  }

  /**
   * Ends a response whose script failed halfway: our side of the connection
   * is shut without the body's proper end (no last chunk; a Content-Length
   * left short), so the client sees the response as incomplete.
   */
  async #cutShort(): Promise<void> {
    this.closeConnection = true;
    await this.wfile.flush();
    this.request.end();
  }
}

const proto = CGIHTTPRequestHandler.prototype;
proto.cgiDirectories = ["/cgi-bin", "/htbin"];
proto.cgiTimeout = 60;
proto.cgiMaxBody = 1024 * 1024 * 1024;

/** Bytes of a chunked request body kept in memory before it goes to a temporary file. */
const SPOOL_MEMORY_BYTES = 1024 * 1024;
