/**
 * Fixtures for the CGI tests: a temporary site with scripts written at test
 * time (sh and python3), and a CGIHTTPRequestHandler serving it whose log
 * lines are collected instead of printed.
 *
 * The tests may run as root, where scripts run as `nobody`: every directory
 * is made world-searchable and every script world-readable, so nobody can
 * run them (mkdtemp makes 0700 directories).
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CGIHTTPRequestHandler } from "../../src/index.js";
import { pyFormat } from "../../src/python/py-format.js";
import type { PyFormatArg } from "../../src/python/py-format.js";
import { startServer, type ServerFixture, type ServerOptions } from "../helpers/server.js";
import { processState } from "../helpers/processes.js";

export { gone, processState } from "../helpers/processes.js";

/** A temporary directory tree; `rm()` deletes it. */
export interface Site {
  readonly root: string;
  /** Writes `text` at `rel` (directories made), mode 0755 unless given. */
  write(rel: string, text: string | Buffer, mode?: number): string;
  /** Makes a directory (and its parents), world-searchable. */
  mkdir(rel: string): string;
  rm(): void;
}

export function makeSite(prefix = "cgi-test-"): Site {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(root, 0o755);
  const mkdir = (rel: string): string => {
    const full = path.join(root, rel);
    mkdirSync(full, { recursive: true });
    // recursive mkdir honours the umask; make every level searchable by nobody
    for (let d = full; d.length > root.length; d = path.dirname(d)) chmodSync(d, 0o755);
    return full;
  };
  return {
    root,
    mkdir,
    write(rel, text, mode = 0o755) {
      const full = path.join(root, rel);
      mkdir(path.dirname(rel));
      writeFileSync(full, text);
      chmodSync(full, mode);
      return full;
    },
    rm() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A /bin/sh script printing a header block (CRLF) and `body` (printf format). */
export function shScript(body: string, headers = "Content-Type: text/plain"): string {
  return `#!/bin/sh\nprintf '${headers.replace(/\n/g, "\\r\\n")}\\r\\n\\r\\n'\n${body}\n`;
}

/** CPython's cgi_file1: a Python script printing `Hello World`. */
export const PY_HELLO = 'print("Content-type: text/html")\nprint()\nprint("Hello World")\n';

/** CPython's cgi_file4: prints one environment variable. */
export function pyPrintEnv(name: string): string {
  return `import os\n\nprint("Content-type: text/html")\nprint()\n\nprint(os.environ["${name}"])\n`;
}

/** CPython's cgi_file2: reads a urlencoded POST body. */
export const PY_POST = `import os
import sys
import urllib.parse

print("Content-type: text/html")
print()

content_length = int(os.environ["CONTENT_LENGTH"])
query_string = sys.stdin.buffer.read(content_length)
params = {key.decode("utf-8"): val.decode("utf-8")
            for key, val in urllib.parse.parse_qsl(query_string)}

print("%s, %s, %s" % (params["spam"], params["eggs"], params["bacon"]))
`;

/** CPython's cgi_file6: prints the environment (ASCII entries). */
export const PY_ENV = `import os

print("X-ambv: was here")
print("Content-type: text/html")
print()
print("<pre>")
for k, v in os.environ.items():
    try:
        k.encode('ascii')
        v.encode('ascii')
    except UnicodeEncodeError:
        continue  # see: BPO-44647
    print(f"{k}={v}")
print("</pre>")
`;

interface FixtureServer {
  fixtureLogs?: string[];
}

/** CGIHTTPRequestHandler logging into the fixture's `logs`. */
export class QuietCGIHandler extends CGIHTTPRequestHandler {
  override logMessage(format: string, ...args: PyFormatArg[]): void {
    const logs = (this.server as unknown as FixtureServer).fixtureLogs;
    if (logs) logs.push(args.length > 0 ? pyFormat(format, args) : format);
  }
}

/** Options of a CGI test server. */
export interface CgiServerOptions {
  readonly protocol?: string;
  readonly cgiTimeout?: number | null;
  readonly cgiDirectories?: string[];
  readonly cgiMax?: number | null;
  readonly cgiBodyTimeout?: number;
  readonly cgiMinUploadRate?: number;
  /** Use the real logMessage (stderr) instead of collecting. */
  readonly realLog?: boolean;
  readonly server?: ServerOptions;
}

/** A CGI handler class serving `root`, with the given attributes on its own prototype. */
export function cgiHandlerFor(root: string, opts: CgiServerOptions = {}): typeof CGIHTTPRequestHandler {
  const Base = opts.realLog ? CGIHTTPRequestHandler : QuietCGIHandler;
  const Handler = Base.withOptions({ directory: root });
  // The bound class is a subclass: attributes set here do not leak into other tests.
  Handler.prototype.protocolVersion = opts.protocol ?? "HTTP/1.0";
  if (opts.cgiTimeout !== undefined) Handler.prototype.cgiTimeout = opts.cgiTimeout;
  if (opts.cgiDirectories) Handler.prototype.cgiDirectories = opts.cgiDirectories;
  if (opts.cgiMax !== undefined) Handler.prototype.cgiMax = opts.cgiMax;
  if (opts.cgiBodyTimeout !== undefined) Handler.prototype.cgiBodyTimeout = opts.cgiBodyTimeout;
  if (opts.cgiMinUploadRate !== undefined) Handler.prototype.cgiMinUploadRate = opts.cgiMinUploadRate;
  return Handler;
}

/** Runs `fn` against a CGI server for `root`, always shutting it down. */
export async function withCgiServer<T>(root: string, fn: (f: ServerFixture) => Promise<T>, opts: CgiServerOptions = {}): Promise<T> {
  const f = await startServer(cgiHandlerFor(root, opts), opts.server ?? {});
  try {
    return await fn(f);
  } finally {
    await f.close();
  }
}

/** The descriptors this process has open, with what they point at. */
export function openFds(): Map<number, string> {
  const out = new Map<number, string>();
  for (const name of readdirSync("/proc/self/fd")) {
    try {
      out.set(Number(name), readlinkSync(`/proc/self/fd/${name}`));
    } catch {
      // the descriptor readdir itself used, closed by now
    }
  }
  return out;
}

/** Children of this process that are zombies (exited, not reaped). */
export function zombieChildren(): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const st = processState(Number(name));
    if (st && st.ppid === process.pid && st.state === "Z") out.push(Number(name));
  }
  return out;
}

/** Polls `cond` every 20 ms until it holds or `timeoutMs` passes; returns its last value. */
export async function eventually(cond: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (cond()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}
