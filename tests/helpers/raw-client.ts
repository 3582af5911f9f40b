/**
 * The raw TCP client of every black-box test: send exact bytes, get exact
 * bytes back, and learn whether the server closed the connection.
 *
 * - `buildRequest(method, target, headers, { body, version })`: the bytes of
 *   one request (HTTP/1.1 and `Host: 127.0.0.1` unless told otherwise).
 * - `rawRequest(port, bytes, opts)`: one-shot; connect, send, collect until the
 *   server closes (or `until` matches, or `timeoutMs` passes). Never throws on
 *   what the server does: the result says what happened.
 * - `exchange(port, bytes, opts)`: connect, send, read until the server closes
 *   (rejects if it resets or keeps the connection open), and parse what came
 *   back into responses.
 * - `request(port, method, target, headers)`: one request with
 *   `Connection: close`, its single response (rejects on anything else).
 * - `RawConnection`: an open connection for step-by-step tests (keep-alive,
 *   pipelining, trickling, back-pressure).
 *
 * Strings are sent as latin-1 (one byte per char), so `"\xff"` is byte 0xff.
 */
import net from "node:net";
import { parseResponses, type ParsedResponse } from "./http-response.js";

export type { ParsedResponse } from "./http-response.js";

/** Bytes to send: a Buffer, a latin-1 string, or a list of them written one after another. */
export type RawBytes = Buffer | string | ReadonlyArray<Buffer | string>;

export interface RawRequestOptions {
  /** Host to connect to (default `127.0.0.1`). */
  host?: string;
  /** Longest wait in total before giving up and returning what arrived (default 3000 ms). */
  timeoutMs?: number;
  /** Stop as soon as this returns true for the bytes received so far. */
  until?: (data: Buffer) => boolean;
  /** Shut down our sending side after writing (default false). */
  halfClose?: boolean;
  /** Pause between the pieces of a list (default 0: written back to back). */
  gapMs?: number;
}

export interface RawResult {
  /** Everything the server sent. */
  data: Buffer;
  /** The server ended or reset the connection. */
  closed: boolean;
  /** The connection ended with an error (ECONNRESET, EPIPE). */
  reset: boolean;
  /** The timeout passed before the server closed or `until` matched. */
  timedOut: boolean;
}

/** Converts RawBytes to a list of Buffers (latin-1 for strings). */
export function toBuffers(bytes: RawBytes): Buffer[] {
  const list = typeof bytes === "string" || Buffer.isBuffer(bytes) ? [bytes] : bytes;
  return list.map((b) => (typeof b === "string" ? Buffer.from(b, "latin1") : b));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The parts of a request after its header lines (see `buildRequest`). */
export interface RequestParts {
  /** Bytes after the blank line (strings as latin-1; default none). */
  body?: string | Buffer;
  /** The request line's version (default `HTTP/1.1`). */
  version?: string;
}

/**
 * The bytes of one request as a latin-1 string: `METHOD target VERSION`, the
 * header lines in order, the blank line, then `body`. For HTTP/1.1 a
 * `Host: 127.0.0.1` line comes first unless `headers` has a Host line.
 * Strings concatenate into a pipeline: `buildRequest(...) + buildRequest(...)`.
 */
export function buildRequest(method: string, target: string, headers: readonly string[] = [], parts: RequestParts = {}): string {
  const version = parts.version ?? "HTTP/1.1";
  const lines = [`${method} ${target} ${version}`];
  if (version === "HTTP/1.1" && !headers.some((h) => /^host:/i.test(h))) lines.push("Host: 127.0.0.1");
  lines.push(...headers, "", "");
  const body = parts.body ?? "";
  return lines.join("\r\n") + (typeof body === "string" ? body : body.toString("latin1"));
}

/** Connects, sends `bytes`, and collects the reply until the server closes, `until` matches or `timeoutMs` passes. */
export async function rawRequest(port: number, bytes: RawBytes, opts: RawRequestOptions = {}): Promise<RawResult> {
  const conn = await RawConnection.connect(port, opts.host);
  try {
    const pieces = toBuffers(bytes);
    for (let i = 0; i < pieces.length; i++) {
      if (i > 0 && opts.gapMs) await sleep(opts.gapMs);
      conn.write(pieces[i] as Buffer);
    }
    if (opts.halfClose) conn.end();
    const timeoutMs = opts.timeoutMs ?? 3000;
    const until = opts.until;
    const matched = await conn.wait((c) => c.closed || (until !== undefined && until(c.received)), timeoutMs);
    return { data: conn.received, closed: conn.closed, reset: conn.reset, timedOut: !matched };
  } finally {
    conn.destroy();
  }
}

/** Options of `exchange`. */
export interface ExchangeOptions {
  /** Host to connect to (default `127.0.0.1`). */
  host?: string;
  /** How long the server may take to close the connection before the exchange rejects (default 10000 ms). */
  timeoutMs?: number;
  /**
   * The method of each request in order (HEAD responses have no body).
   * Default: read from the bytes sent, the first word of the first line and
   * of every line after a blank one.
   */
  methods?: readonly string[];
}

/** What came back on one connection that the server closed. */
export interface Exchange {
  /** The final responses in order (interim 1xx ones left out). */
  readonly responses: ParsedResponse[];
  /** Bytes after the last complete response (empty when every byte belonged to one). */
  readonly rest: Buffer;
  /** Everything the server sent. */
  readonly data: Buffer;
  /** The server closed the connection (always: the exchange rejects otherwise). */
  readonly closed: true;
}

/** The first word of the first line and of each line after a blank one. */
function methodsOf(text: string): string[] {
  const lines = text.split("\r\n");
  return lines.filter((_, i) => i === 0 || lines[i - 1] === "").map((l) => l.split(" ")[0] ?? "").filter(Boolean);
}

/**
 * Sends `bytes` (in one write) on a new connection, reads until the server
 * closes it and splits what arrived into responses. Rejects if the connection
 * is reset, or still open after `timeoutMs` (so a server that keeps a
 * connection open when it should not fails the test).
 */
export async function exchange(port: number, bytes: RawBytes, opts: ExchangeOptions = {}): Promise<Exchange> {
  const request = Buffer.concat(toBuffers(bytes));
  const methods = opts.methods ?? methodsOf(request.toString("latin1"));
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const conn = await RawConnection.connect(port, opts.host);
  try {
    conn.write(request);
    await conn.wait((c) => c.ended || c.error !== null, timeoutMs);
    if (!conn.ended) {
      if (conn.error !== null) throw conn.error;
      const got = parseResponses(conn.received, { methods }).responses.filter((r) => !r.interim);
      throw new Error(`connection still open after ${timeoutMs} ms (${got.length} responses: ${got.map((r) => r.statusLine).join(", ")})`);
    }
    const data = conn.received;
    const { responses, rest } = parseResponses(data, { closed: true, methods });
    return { responses: responses.filter((r) => !r.interim), rest, data, closed: true };
  } finally {
    conn.destroy();
  }
}

/**
 * One request on its own connection with `Connection: close` added to
 * `headers`; returns the single response, and rejects if the server sent
 * anything else or did not close.
 */
export async function request(port: number, method: string, target: string, headers: readonly string[] = []): Promise<ParsedResponse> {
  const ex = await exchange(port, buildRequest(method, target, [...headers, "Connection: close"]), { methods: [method] });
  if (ex.responses.length !== 1) throw new Error(`expected one response to ${method} ${target}, got ${ex.responses.length}`);
  if (ex.rest.length !== 0) throw new Error(`extra bytes after the response to ${method} ${target}: ${JSON.stringify(ex.rest.toString("latin1").slice(0, 80))}`);
  return ex.responses[0] as ParsedResponse;
}

/** An open client connection that records everything it receives. */
export class RawConnection {
  readonly socket: net.Socket;
  #chunks: Buffer[] = [];
  #received: Buffer = Buffer.alloc(0);
  #closed = false;
  #ended = false;
  #error: Error | null = null;
  #waiters = new Set<() => void>();

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on("data", (d: Buffer) => {
      this.#chunks.push(d);
      this.#notify();
    });
    socket.on("error", (err: Error) => {
      this.#error ??= err;
      this.#notify();
    });
    socket.on("end", () => {
      this.#closed = true;
      this.#ended = true;
      this.#notify();
    });
    socket.on("close", () => {
      this.#closed = true;
      this.#notify();
    });
  }

  /** Opens a connection to `host:port` (default host 127.0.0.1). */
  static connect(port: number, host = "127.0.0.1"): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host });
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new RawConnection(socket));
      });
      socket.once("error", reject);
    });
  }

  #notify(): void {
    for (const w of [...this.#waiters]) w();
  }

  /** Everything received so far. */
  get received(): Buffer {
    if (this.#chunks.length > 0) {
      this.#received = Buffer.concat([this.#received, ...this.#chunks]);
      this.#chunks = [];
    }
    return this.#received;
  }

  /** Everything received so far, as a latin-1 string. */
  get text(): string {
    return this.received.toString("latin1");
  }

  /** The server ended (FIN) or reset the connection. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The server ended the connection in order (FIN), not by a reset. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The connection saw an error (ECONNRESET, EPIPE). */
  get reset(): boolean {
    return this.#error !== null;
  }

  /** The first error the connection saw, or null. */
  get error(): Error | null {
    return this.#error;
  }

  /** Sends bytes (strings as latin-1). Errors are recorded, not thrown. */
  write(bytes: RawBytes): void {
    for (const b of toBuffers(bytes)) if (!this.socket.destroyed) this.socket.write(b);
  }

  /** Forgets what was received so far (to read the next response from a clean slate). */
  clear(): void {
    this.#chunks = [];
    this.#received = Buffer.alloc(0);
  }

  /** Waits until `cond(this)` holds (checked on every event); false if `timeoutMs` passes first. */
  wait(cond: (c: RawConnection) => boolean, timeoutMs = 3000): Promise<boolean> {
    if (cond(this)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = (): void => {
        if (cond(this)) {
          clearTimeout(timer);
          this.#waiters.delete(check);
          resolve(true);
        }
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        resolve(cond(this));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  /** Waits until the received bytes satisfy `pred`; rejects with what arrived if `timeoutMs` passes. */
  async readUntil(pred: (data: Buffer) => boolean, timeoutMs = 3000): Promise<Buffer> {
    const ok = await this.wait((c) => pred(c.received) || c.closed, timeoutMs);
    if (!ok || !pred(this.received)) {
      throw new Error(`readUntil: condition not met (closed=${this.closed}); received ${JSON.stringify(this.text.slice(0, 500))}`);
    }
    return this.received;
  }

  /** Waits for the server to close; true if it did within `timeoutMs`. */
  waitClose(timeoutMs = 3000): Promise<boolean> {
    return this.wait((c) => c.closed, timeoutMs);
  }

  /** Shuts down our sending side (half-close). */
  end(): void {
    this.socket.end();
  }

  /** Closes the connection at once. */
  destroy(): void {
    this.socket.destroy();
  }
}
