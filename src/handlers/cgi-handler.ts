import { SimpleHTTPRequestHandler } from "./simple-handler.js";
import type { BodySource } from "../files/body-source.js";
import { fsEncode } from "../files/fs-encoding.js";
import { quote } from "../python/url-quote.js";
import { pyRepr } from "../python/py-format.js";
import { buildCgiEnvironment } from "../cgi/cgi-environment.js";
import { isPythonScriptName, queryArguments } from "../cgi/cgi-command-line.js";
import { CgiProcess } from "../cgi/cgi-process.js";
import { spoolBody, SpoolTooLargeError, type SpooledBody } from "../cgi/spool-body.js";
import { BodyPace, pacedBody, type BodyPaceLimits, type PaceViolation } from "../cgi/body-pace.js";
import { cgiScriptSlots, defaultCgiMax } from "../cgi/script-slots.js";
import { bodyPaceText } from "../cgi/script-outcome.js";
import { relayScript } from "./cgi-relay.js";
import { locateCgiScript } from "../cgi/locate-script.js";
import { canExecute, cgiRunAs, findExecutable } from "../cgi/run-as.js";
import { splitCgiPath, type CgiPath } from "../cgi/split-cgi-path.js";
import { isDotPath } from "../files/file-plan.js";
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
 * leaving (or shutting its sending side, as nginx takes it), `cgiTimeout`
 * seconds without progress, or a request body slower than its pace
 * (`cgiBodyTimeout`, `cgiMinUploadRate`: 408) kills the script's process
 * group; a process the script leaves holding its output is killed 2 s after
 * the script's last output and the response ends normally; past `cgiMax`
 * scripts at once, 503 with Retry-After; stderr goes to the log line by line.
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
  /** Most scripts running at once in the process (503 with Retry-After beyond; default four per core, at least 8; null: no cap). */
  declare cgiMax: number | null;
  /** Seconds a request body may pause, and the grace before `cgiMinUploadRate` counts (default 20, Apache's mod_reqtimeout). */
  declare cgiBodyTimeout: number;
  /** Bytes a second a request body must average after `cgiBodyTimeout` (408 and the script killed below it; default 500; 0: none). */
  declare cgiMinUploadRate: number;
  /** `[dir, rest]` of the request's CGI path, set by `isCgi()` (CPython's `cgi_info`; `rest` keeps `?query`). */
  cgiInfo: [dir: string, rest: string] = ["", ""];
  /** The query `isCgi()` split off, so a `%3F` decoded into the path is not taken for the start of the query. */
  #split: CgiPath | null = null;

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
    let cgi: boolean;
    try {
      cgi = this.isCgi();
    } catch (err) {
      this.logError("rejected path %r: %s", this.path, messageOf(err));
      await this.sendError(404, "File not found");
      return null;
    }
    // Hidden names are hidden for scripts too (`.git/hooks` under cgi-bin is not a program to run).
    if (cgi && this.dotfiles === "deny" && isDotPath(this.cgiInfo.join("/").split("?")[0] ?? "")) {
      await this.sendError(404, "File not found");
      return null;
    }
    return cgi;
  }

  /**
   * True when the path, percent-decoded and collapsed (CPython's
   * `_url_collapse_path`), starts with one of `cgiDirectories` followed by
   * `/`; sets `cgiInfo` to `[dir, rest]`. Throws RangeError when the path
   * climbs above the root.
   */
  isCgi(): boolean {
    const split = splitCgiPath(this.path, this.cgiDirectories);
    if (split === null) return false;
    this.cgiInfo = split.info;
    this.#split = split;
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
      spool = await this.#spool();
      if (spool === null) return;
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
      scheme: this.scheme,
      headers: this.headers,
      ...(spool ? { contentLength: String(spool.size) } : {}),
    });

    if (!cgiScriptSlots.tryTake(this.cgiMax)) {
      spool?.remove();
      this.#logBusy();
      await this.sendError(503, "Too many CGI scripts running");
      return;
    }
    try {
      let proc: CgiProcess;
      try {
        proc = await CgiProcess.start({ command, args, ...(argv0 !== undefined ? { argv0 } : {}), env, runAs, onStderrLine: (line) => this.logError("%s", line) });
      } catch (err) {
        this.logError("CGI script %r could not be started: %s", scriptName, messageOf(err));
        await this.sendError(500);
        return;
      }
      await relayScript(this, proc, scriptName, spool, { pace: this.#paceLimits(), exitGraceMs: CGI_EXIT_GRACE_MS });
    } finally {
      cgiScriptSlots.give();
      spool?.remove();
    }
  }

  /** Logs, once a second at most, that scripts are refused for the cap. */
  #logBusy(): void {
    const now = Date.now();
    if (now - lastBusyWarning < 1000) return;
    lastBusyWarning = now;
    this.logError("%d CGI scripts running (cgiMax): answering 503", cgiScriptSlots.inUse);
  }

  /** The pace a request body must keep: `cgiBodyTimeout`, `cgiMinUploadRate`. */
  #paceLimits(): BodyPaceLimits {
    const ms = this.cgiBodyTimeout * 1000;
    return { idleMs: ms, graceMs: ms, minRate: this.cgiMinUploadRate };
  }

  /** A chunked body, spooled at the pace of `#pace`: null once answered 408 (too slow) or 413 (too large). */
  async #spool(): Promise<SpooledBody | null> {
    let tooSlow = (_why: PaceViolation): void => {};
    const slow = new Promise<PaceViolation>((resolve) => (tooSlow = resolve));
    const pace = new BodyPace(this.#paceLimits(), tooSlow);
    const spooling = spoolBody(pacedBody(this.rfile, pace), { memoryBytes: SPOOL_MEMORY_BYTES, maxBytes: this.cgiMaxBody });
    const r = await Promise.race([spooling.then((body) => ({ body }), (err: unknown) => ({ err })), slow.then((why) => ({ why }))]);
    pace.stop();
    if ("why" in r) {
      // The spool finishes (or fails) once the connection closes; what it kept is removed then.
      spooling.then((body) => body.remove(), () => {});
      return this.#tooSlow(r.why);
    }
    if ("body" in r) return r.body;
    if (!(r.err instanceof SpoolTooLargeError)) throw r.err;
    await this.sendError(413, `Request body larger than ${this.cgiMaxBody} bytes`);
    return null;
  }

  /** 408 for a request body that did not keep its pace; the connection closes (the body's rest is not read). */
  async #tooSlow(why: PaceViolation): Promise<null> {
    this.logError("request body too slow (%s): giving up", bodyPaceText(why, this.#paceLimits()));
    this.closeConnection = true;
    await this.sendError(408, "Request body too slow");
    return null;
  }

}

const proto = CGIHTTPRequestHandler.prototype;
proto.cgiDirectories = ["/cgi-bin", "/htbin"];
proto.cgiTimeout = 60;
proto.cgiMaxBody = 1024 * 1024 * 1024;
proto.cgiMax = defaultCgiMax();
proto.cgiBodyTimeout = 20;
proto.cgiMinUploadRate = 500;

/** After a script exits, how long a process it left behind may keep its output open (from its last output). */
const CGI_EXIT_GRACE_MS = 2000;
let lastBusyWarning = 0;

/** Bytes of a chunked request body kept in memory before it goes to a temporary file. */
const SPOOL_MEMORY_BYTES = 1024 * 1024;
