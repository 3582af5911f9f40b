/**
 * Shared pieces of the RFC 9110 file-feature tests (ranges, conditionals,
 * compression, CORS) that drive the server with real clients:
 *
 * - `curl(...)`, `curlHeaders(dump)`: curl with a time limit, and its `-D` dump
 *   read back into responses;
 * - `toolSkip(name)`: a test's `skip` option: false when the program runs; when
 *   it is missing, a reason on a developer machine, but false in CI (CI=true),
 *   so the test runs and fails there;
 * - `handlerWith({...})`: a QuietHandler subclass with `compress`, `cors` or
 *   `fileCache` set, for `startServer(dir, { Handler })`;
 * - `cliCommand()`: what `startCli(args, { command })` runs: `node dist/cli.js`,
 *   or the script in SIMPLEHTTP_CLI (a build in another directory);
 * - `onConnection(port, requests)`: requests sent one after another on one
 *   kept-alive connection, each response read completely before the next;
 * - `seededBytes(n, seed)`, `prng(seed)`: reproducible file contents and choices;
 * - `parseByteRanges(body, contentType)`: a multipart/byteranges body read
 *   strictly, every byte accounted for.
 */
import { spawnSync } from "node:child_process";
import assert from "node:assert/strict";
import type { FileCache } from "../../src/files/file-cache.js";
import { QuietHandler } from "./file-server.js";
import { parseResponses, type ParsedResponse } from "./http-response.js";
import { RawConnection } from "./raw-client.js";
import { CLI, runProgram } from "../cli/helpers.js";

/** CI=true (or any value but "", "false", "0"): a missing client is a failure, not a skip. */
export const inCI = (process.env["CI"] ?? "") !== "" && process.env["CI"] !== "false" && process.env["CI"] !== "0";

/** Whether `program --version` runs at all. */
function runs(program: string): boolean {
  const r = spawnSync(program, ["--version"], { stdio: "ignore" });
  return r.error === undefined;
}

/** A test's `skip` option for a test that needs `program` (see the module comment). */
export function toolSkip(program: string): string | false {
  return runs(program) || inCI ? false : `${program} is not installed (required when CI=true)`;
}

/** Runs curl quietly (errors on stderr) with a time limit; resolves with its exit, stdout and stderr. */
export function curl(...args: string[]): ReturnType<typeof runProgram> {
  return runProgram("curl", ["--silent", "--show-error", "--max-time", "30", ...args], 40_000);
}

/** One response head from a curl `-D` dump. */
export interface DumpedHead {
  readonly statusLine: string;
  readonly status: number;
  readonly headers: Array<[string, string]>;
  header(name: string): string | undefined;
  headerAll(name: string): string[];
}

/** The response heads in a curl `-D file` dump, in order (one per response curl read). */
export function curlHeaders(dump: string): DumpedHead[] {
  return dump
    .split("\r\n\r\n")
    .filter((block) => block.startsWith("HTTP/"))
    .map((block) => {
      const [statusLine = "", ...lines] = block.split("\r\n");
      const headers = lines.map((l): [string, string] => {
        const c = l.indexOf(":");
        return [l.slice(0, c), l.slice(c + 1).trim()];
      });
      return {
        statusLine,
        status: Number(statusLine.split(" ")[1]),
        headers,
        header: (name: string) => headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1],
        headerAll: (name: string) => headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v),
      };
    });
}

/** The command `startCli` runs: `node <SIMPLEHTTP_CLI or dist/cli.js>`. */
export function cliCommand(): [string, string] {
  return [process.execPath, process.env["SIMPLEHTTP_CLI"] ?? CLI];
}

/** Handler attributes a test server may change. */
export interface HandlerSettings {
  compress?: boolean;
  cors?: boolean;
  fileCache?: FileCache | null;
}

/** A QuietHandler subclass with `settings` on its prototype. */
export function handlerWith(settings: HandlerSettings): typeof QuietHandler {
  const Handler = class extends QuietHandler {};
  if (settings.compress !== undefined) Handler.prototype.compress = settings.compress;
  if (settings.cors !== undefined) Handler.prototype.cors = settings.cors;
  if (settings.fileCache !== undefined) Handler.prototype.fileCache = settings.fileCache;
  return Handler;
}

/** The header fields of a response other than Date (which may differ between two responses). */
export function withoutDate(r: { headers: Array<[string, string]> }): Array<[string, string]> {
  return r.headers.filter(([n]) => n.toLowerCase() !== "date");
}

/**
 * Sends each request on one connection after the previous response has fully
 * arrived, and returns the responses. Rejects if the server closes the
 * connection before the last response, or sends more than one response to
 * a request; `open` says whether the connection was still open at the end.
 */
export async function onConnection(port: number, requests: readonly string[]): Promise<{ responses: ParsedResponse[]; open: boolean }> {
  const conn = await RawConnection.connect(port);
  try {
    const responses: ParsedResponse[] = [];
    for (const req of requests) {
      const method = req.slice(0, req.indexOf(" "));
      conn.clear();
      conn.write(req);
      const data = await conn.readUntil((d) => parseResponses(d, { methods: [method] }).responses.some((r) => !r.interim), 10_000);
      const parsed = parseResponses(data, { methods: [method] });
      const finals = parsed.responses.filter((r) => !r.interim);
      assert.equal(finals.length, 1, `one response to ${JSON.stringify(req.split("\r\n")[0])}`);
      assert.equal(parsed.rest.length, 0, `no bytes after the response to ${JSON.stringify(req.split("\r\n")[0])}`);
      responses.push(finals[0] as ParsedResponse);
      if (conn.closed && responses.length < requests.length) throw new Error(`the server closed the connection after ${JSON.stringify(req.split("\r\n")[0])}`);
    }
    // A closing server would have sent its FIN with the last response; give it a moment to arrive.
    await conn.wait((c) => c.closed, 50);
    return { responses, open: !conn.closed };
  } finally {
    conn.destroy();
  }
}

export { prng } from "./prng.js";

/** `n` pseudo-random bytes from `seed` (the same bytes for the same seed). */
export function seededBytes(n: number, seed: number): Buffer {
  const buf = Buffer.allocUnsafe(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    // xorshift32
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    buf[i] = x & 0xff;
  }
  return buf;
}

/** One part of a multipart/byteranges body. */
export interface BytePart {
  /** The part's Content-Type, if it had one. */
  readonly type: string | undefined;
  readonly start: number;
  readonly end: number;
  /** The complete length after the slash of the part's Content-Range. */
  readonly size: number;
  readonly data: Buffer;
}

/**
 * Reads a multipart/byteranges body strictly (RFC 9110 14.6, RFC 2046 5.1.1):
 * the boundary from `contentType`, then each part (`--boundary`, its fields,
 * a blank line, exactly the bytes its Content-Range names), then the close
 * delimiter `--boundary--` and nothing but an optional CRLF after it. Throws
 * on any byte out of place.
 */
export function parseByteRanges(body: Buffer, contentType: string): BytePart[] {
  const m = /^multipart\/byteranges;\s*boundary=(?:"([^"]+)"|([^;\s]+))$/i.exec(contentType);
  if (!m) throw new Error(`not a multipart/byteranges type: ${JSON.stringify(contentType)}`);
  const boundary = m[1] ?? (m[2] as string);
  const dash = Buffer.from(`--${boundary}`, "latin1");
  const parts: BytePart[] = [];
  let pos = 0;
  const expect = (bytes: string | Buffer, what: string): void => {
    const b = typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes;
    if (!body.subarray(pos, pos + b.length).equals(b)) {
      throw new Error(`expected ${what} at byte ${pos}, got ${JSON.stringify(body.subarray(pos, pos + b.length + 10).toString("latin1"))}`);
    }
    pos += b.length;
  };
  expect(dash, "the first boundary");
  for (;;) {
    if (body.subarray(pos, pos + 2).toString("latin1") === "--") {
      pos += 2;
      break;
    }
    expect("\r\n", "CRLF after the boundary");
    const headEnd = body.indexOf("\r\n\r\n", pos, "latin1");
    if (headEnd < 0) throw new Error(`part head without end at byte ${pos}`);
    const fields = body.toString("latin1", pos, headEnd).split("\r\n");
    pos = headEnd + 4;
    let type: string | undefined;
    let range: RegExpExecArray | null = null;
    for (const f of fields) {
      const c = f.indexOf(":");
      const name = f.slice(0, c).toLowerCase();
      const value = f.slice(c + 1).trim();
      if (name === "content-type") type = value;
      else if (name === "content-range") range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(value);
      else throw new Error(`unexpected part field ${JSON.stringify(f)}`);
    }
    if (!range) throw new Error(`part without a Content-Range: ${JSON.stringify(fields)}`);
    const start = Number(range[1]);
    const end = Number(range[2]);
    const size = Number(range[3]);
    if (pos + end - start + 1 > body.length) throw new Error(`part ${start}-${end} runs past the body`);
    parts.push({ type, start, end, size, data: body.subarray(pos, pos + end - start + 1) });
    pos += end - start + 1;
    expect("\r\n", "CRLF before the next boundary");
    expect(dash, "the next boundary");
  }
  const rest = body.subarray(pos).toString("latin1");
  if (rest !== "\r\n" && rest !== "") throw new Error(`bytes after the close delimiter: ${JSON.stringify(rest.slice(0, 40))}`);
  return parts;
}

/** A multipart response's fields with its random boundary replaced by `BOUNDARY` (to compare HEAD with GET). */
export function normaliseBoundary(headers: Array<[string, string]>): Array<[string, string]> {
  return headers.map(([n, v]) => [n, v.replace(/boundary=("?)[^";\s]+\1/i, "boundary=BOUNDARY")]);
}
