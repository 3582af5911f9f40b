/**
 * Raw TCP clients for black-box tests: send exact bytes, get exact bytes back,
 * and learn whether the server closed the connection.
 *
 * - `rawRequest(port, bytes, opts)`: one-shot; connect, send, collect until the
 *   server closes (or `until` matches, or `timeoutMs` passes).
 * - `RawConnection`: an open connection for step-by-step tests (keep-alive,
 *   pipelining, trickling, back-pressure).
 *
 * Strings are sent as latin-1 (one byte per char), so `"\xff"` is byte 0xff.
 */
import net from "node:net";

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

/** An open client connection that records everything it receives. */
export class RawConnection {
  readonly socket: net.Socket;
  #chunks: Buffer[] = [];
  #received: Buffer = Buffer.alloc(0);
  #closed = false;
  #reset = false;
  #waiters = new Set<() => void>();

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on("data", (d: Buffer) => {
      this.#chunks.push(d);
      this.#notify();
    });
    socket.on("error", () => {
      this.#reset = true;
    });
    socket.on("end", () => {
      this.#closed = true;
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

  /** The connection saw an error (ECONNRESET, EPIPE). */
  get reset(): boolean {
    return this.#reset;
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
