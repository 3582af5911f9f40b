/**
 * Server fixtures for black-box tests.
 *
 *   await withServer(MyHandler, async ({ port, logs, errors }) => { ... });
 *
 * The server listens on port 0 of 127.0.0.1 (or `host`) and runs
 * `serveForever()`; afterwards every connection is closed and the server is
 * shut down, whatever the test did. Errors reported through
 * `server.handleError()` are collected in `errors` instead of going to stderr
 * (pass `quietErrors: false` to keep CPython's stderr report). Handlers that
 * extend `QuietHandler` put their log lines in `logs` instead of stderr.
 */
import type { Socket } from "node:net";
import { BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer } from "../../src/index.js";
import { pyFormat } from "../../src/python/py-format.js";
import type { ClientAddress, RequestHandlerClass } from "../../src/index.js";
import type { PyFormatArg } from "../../src/python/py-format.js";

/** What a test gets from `withServer` / `startServer`. */
export interface ServerFixture<S extends HTTPServer = HTTPServer> {
  server: S;
  /** The real port the server listens on. */
  port: number;
  /** The host it is bound to (as given). */
  host: string;
  /** Errors passed to `server.handleError()` (when `quietErrors`, the default). */
  errors: unknown[];
  /** Log messages of `QuietHandler` subclasses (formatted, not escaped, without the address/date prefix). */
  logs: string[];
  /** Stops serving and closes every connection; idempotent. */
  close(): Promise<void>;
}

export interface ServerOptions<S extends HTTPServer = HTTPServer> {
  /** ThreadingHTTPServer (true, default) or the one-connection-at-a-time HTTPServer. */
  threading?: boolean;
  /** Use this server class instead (overrides `threading`). */
  ServerClass?: new (address: readonly [string, number], handler: RequestHandlerClass) => S;
  /** Bind address (default `127.0.0.1`). */
  host?: string;
  /** `serveForever()` poll interval in seconds (default 0.05). */
  pollInterval?: number;
  /** Collect handleError() reports in `errors` instead of stderr (default true). */
  quietErrors?: boolean;
  /** Do not call serveForever() (for handleRequest() tests). */
  noServe?: boolean;
}

/** The server properties the fixture adds; a QuietHandler finds `logs` through `this.server`. */
interface FixtureServer {
  fixtureLogs?: string[];
  fixtureErrors?: unknown[];
}

/**
 * A BaseHTTPRequestHandler that logs into the fixture's `logs` array
 * (`pyFormat(format, args)`) rather than on stderr.
 */
export class QuietHandler extends BaseHTTPRequestHandler {
  override logMessage(format: string, ...args: PyFormatArg[]): void {
    const logs = (this.server as unknown as FixtureServer).fixtureLogs;
    const message = args.length > 0 ? pyFormat(format, args) : format;
    if (logs) logs.push(message);
  }
}

/** An HTTP/1.1 QuietHandler whose GET answers `ok` with its Content-Length. */
export class OkHandler extends QuietHandler {
  override protocolVersion = "HTTP/1.1";
  async do_GET(): Promise<void> {
    this.sendResponse(200);
    this.sendHeader("Content-Length", "2");
    await this.endHeaders();
    await this.wfile.write("ok");
  }
}

/** Starts a server; call `close()` when done (prefer `withServer`). */
export async function startServer<S extends HTTPServer = HTTPServer>(
  Handler: RequestHandlerClass,
  opts: ServerOptions<S> = {},
): Promise<ServerFixture<S>> {
  const host = opts.host ?? "127.0.0.1";
  const errors: unknown[] = [];
  const logs: string[] = [];
  const Base = (opts.ServerClass ?? (opts.threading === false ? HTTPServer : ThreadingHTTPServer)) as unknown as typeof HTTPServer;
  const quiet = opts.quietErrors ?? true;
  class FixtureServerClass extends Base {
    fixtureLogs = logs;
    fixtureErrors = errors;
    override handleError(request: Socket, clientAddress: ClientAddress, error: unknown): void {
      if (quiet) errors.push(error);
      else super.handleError(request, clientAddress, error);
    }
  }
  const server = new FixtureServerClass([host, 0], Handler) as unknown as S;
  await server.ready;
  const serving = opts.noServe ? Promise.resolve() : server.serveForever(opts.pollInterval ?? 0.05);
  let closed: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      const stopped = opts.noServe ? Promise.resolve() : server.shutdown();
      server.closeAllConnections();
      await stopped;
      await serving;
      await server.serverClose();
    })();
    return closed;
  };
  return { server, port: server.serverPort, host, errors, logs, close };
}

/** Runs `fn` against a fresh server and always tears it down. */
export async function withServer<T, S extends HTTPServer = HTTPServer>(
  Handler: RequestHandlerClass,
  fn: (f: ServerFixture<S>) => Promise<T>,
  opts: ServerOptions<S> = {},
): Promise<T> {
  const f = await startServer<S>(Handler, opts);
  try {
    return await fn(f);
  } finally {
    await f.close();
  }
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
