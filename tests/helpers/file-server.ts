/**
 * Shared fixtures for the file-serving tests: a server fixture running
 * SimpleHTTPRequestHandler in this process, and temporary directories. The
 * raw-socket client (`request`, `exchange`, `buildRequest`) is the shared one
 * in ../helpers/raw-client.ts.
 */
import { mkdtempSync, rmSync, chmodSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ThreadingHTTPServer } from "../../src/server/http-server.js";
import { SimpleHTTPRequestHandler, type SimpleHandlerOptions } from "../../src/handlers/simple-handler.js";

/** A handler that logs nothing (CPython's NoLogRequestHandler). */
export class QuietHandler extends SimpleHTTPRequestHandler {
  override logMessage(): void {}
}

/** A running in-process server. */
export interface TestServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves `directory` on 127.0.0.1 with `Handler` (QuietHandler by default)
 * speaking `protocol` (CPython's tests use HTTP/1.0, the handler default).
 */
export async function startServer(
  directory: string,
  options: { protocol?: string; extraResponseHeaders?: ReadonlyArray<readonly [string, string]>; Handler?: typeof SimpleHTTPRequestHandler } = {},
): Promise<TestServer> {
  const opts: SimpleHandlerOptions = options.extraResponseHeaders ? { directory, extraResponseHeaders: options.extraResponseHeaders } : { directory };
  const Bound = (options.Handler ?? QuietHandler).withOptions(opts);
  if (options.protocol) Bound.prototype.protocolVersion = options.protocol;
  const server = new ThreadingHTTPServer(["127.0.0.1", 0], Bound);
  await server.ready;
  const serving = server.serveForever(0.05);
  return {
    port: server.serverPort,
    async close() {
      await server.shutdown();
      await serving;
      server.closeAllConnections();
      await server.serverClose();
    },
  };
}

/** A fresh temporary directory (mode 0755, so a server running as `nobody` can enter it). */
export function tempDir(prefix = "simplehttp-test-"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** Removes a temporary directory, restoring permissions a test may have taken away. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The HTTP date of a modification time (whole seconds, IMF-fixdate), computed independently of src/. */
export function httpDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toUTCString();
}
