/**
 * Shared fixtures for the file-serving tests: a raw-socket HTTP client that
 * reads everything the server sends until it closes the connection and splits
 * it into responses, a server fixture running SimpleHTTPRequestHandler in this
 * process, and temporary directories.
 */
import net from "node:net";
import { mkdtempSync, rmSync, chmodSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ThreadingHTTPServer } from "../../src/server/http-server.js";
import { SimpleHTTPRequestHandler, type SimpleHandlerOptions } from "../../src/handlers/simple-handler.js";

/** One parsed response. */
export interface RawResponse {
  readonly statusLine: string;
  readonly version: string;
  readonly status: number;
  readonly reason: string;
  /** Header fields in the order sent, names as sent. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
  /** The first value of a header (case-insensitive). */
  header(name: string): string | undefined;
}

/** What came back on one connection. */
export interface Exchange {
  readonly responses: RawResponse[];
  /** The server closed the connection (we read until it did). */
  readonly closed: boolean;
  /** Bytes after the last complete response (must be empty). */
  readonly rest: Buffer;
}

function makeResponse(statusLine: string, headers: Array<[string, string]>, body: Buffer): RawResponse {
  const m = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!m) throw new Error(`bad status line ${JSON.stringify(statusLine)}`);
  return {
    statusLine,
    version: m[1] as string,
    status: Number(m[2]),
    reason: m[3] ?? "",
    headers,
    body,
    header(name: string): string | undefined {
      const lower = name.toLowerCase();
      return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
    },
  };
}

/**
 * Splits a byte stream into responses. `methods[i]` is the method of the
 * i-th request (HEAD responses have no body). Bodies are framed by
 * Content-Length or chunked coding; otherwise they run to the end.
 */
export function parseResponses(data: Buffer, methods: readonly string[]): { responses: RawResponse[]; rest: Buffer } {
  const responses: RawResponse[] = [];
  let pos = 0;
  while (pos < data.length) {
    const end = data.indexOf("\r\n\r\n", pos, "latin1");
    if (end < 0) break;
    const lines = data.toString("latin1", pos, end).split("\r\n");
    const statusLine = lines[0] as string;
    const headers: Array<[string, string]> = [];
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
    }
    const status = Number(statusLine.split(" ")[1]);
    let bodyStart = end + 4;
    const method = methods[responses.length] ?? "GET";
    const get = (n: string): string | undefined => headers.find(([k]) => k.toLowerCase() === n)?.[1];
    let body: Buffer;
    if (status < 200) {
      // 100 Continue: no body, not counted as the request's response.
      pos = bodyStart;
      continue;
    }
    if (method === "HEAD" || status === 204 || status === 304) {
      body = Buffer.alloc(0);
    } else if (get("transfer-encoding")?.toLowerCase() === "chunked") {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = data.indexOf("\r\n", bodyStart, "latin1");
        if (lineEnd < 0) throw new Error("truncated chunked body");
        const size = parseInt(data.toString("latin1", bodyStart, lineEnd), 16);
        bodyStart = lineEnd + 2;
        if (size === 0) {
          bodyStart = data.indexOf("\r\n\r\n", bodyStart - 2, "latin1") + 4;
          break;
        }
        parts.push(data.subarray(bodyStart, bodyStart + size));
        bodyStart += size + 2;
      }
      body = Buffer.concat(parts);
    } else if (get("content-length") !== undefined) {
      const n = Number(get("content-length"));
      body = data.subarray(bodyStart, bodyStart + n);
      bodyStart += n;
    } else {
      body = data.subarray(bodyStart);
      bodyStart = data.length;
    }
    responses.push(makeResponse(statusLine, headers, body));
    pos = bodyStart;
  }
  return { responses, rest: data.subarray(pos) };
}

/**
 * Sends `request` on a new connection and reads until the server closes it
 * (rejects if it has not within `timeoutMs`, so a server that keeps the
 * connection open when it should not fails the test).
 */
export function exchange(port: number, request: string | Buffer, methods: readonly string[] = [], timeoutMs = 10_000): Promise<Exchange> {
  if (methods.length === 0) {
    // The first word of each request line: the first line, and each line after a blank one.
    const lines = (typeof request === "string" ? request : request.toString("latin1")).split("\r\n");
    methods = lines.filter((_, i) => i === 0 || lines[i - 1] === "").map((l) => l.split(" ")[0] ?? "").filter(Boolean);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: "127.0.0.1", port });
    const timer = setTimeout(() => {
      socket.destroy();
      const got = parseResponses(Buffer.concat(chunks), methods);
      reject(new Error(`connection still open after ${timeoutMs} ms (${got.responses.length} responses: ${got.responses.map((r) => r.statusLine).join(", ")})`));
    }, timeoutMs);
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on("end", () => {
      clearTimeout(timer);
      socket.destroy();
      const { responses, rest } = parseResponses(Buffer.concat(chunks), methods);
      resolve({ responses, closed: true, rest });
    });
    socket.write(request);
  });
}

/** A request's bytes: `METHOD target VERSION`, the header lines, the blank line. */
export function rawRequest(method: string, target: string, headers: readonly string[] = [], version = "HTTP/1.1"): string {
  const lines = [`${method} ${target} ${version}`];
  if (version === "HTTP/1.1" && !headers.some((h) => /^host:/i.test(h))) lines.push("Host: 127.0.0.1");
  lines.push(...headers);
  return lines.join("\r\n") + "\r\n\r\n";
}

/**
 * One request on its own connection with `Connection: close`, the single
 * response returned; asserts the server sent nothing else and closed.
 */
export async function request(port: number, method: string, target: string, headers: readonly string[] = []): Promise<RawResponse> {
  const ex = await exchange(port, rawRequest(method, target, [...headers, "Connection: close"]), [method]);
  if (ex.responses.length !== 1) throw new Error(`expected one response to ${method} ${target}, got ${ex.responses.length}`);
  if (ex.rest.length !== 0) throw new Error(`extra bytes after the response to ${method} ${target}: ${JSON.stringify(ex.rest.toString("latin1").slice(0, 80))}`);
  return ex.responses[0] as RawResponse;
}

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
