import { readFileSync } from "node:fs";
import type { Socket } from "node:net";
import { currentHttpDate } from "../wire/http-date.js";
import { closeGracefully } from "./linger.js";

/**
 * The process's limit on open file descriptors (the soft RLIMIT_NOFILE,
 * which Node raises to the hard limit at start-up), from
 * `/proc/self/limits`; null where that cannot be read (not Linux) or there
 * is no limit.
 */
export function descriptorLimit(read: () => string = () => readFileSync("/proc/self/limits", "latin1")): number | null {
  let text: string;
  try {
    text = read();
  } catch {
    return null;
  }
  const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(text);
  return m && m[1] !== "unlimited" ? Number(m[1]) : null;
}

/**
 * Connections a server takes at once by default: half the descriptor limit
 * (each connection may hold a file open as well as its socket; nginx advises
 * `worker_rlimit_nofile` of twice `worker_connections`), less 16 for the
 * process's own (listeners, logs, the event loop), at least 16. Null (no
 * cap) when the limit is unknown.
 */
export function defaultMaxConnections(limit: number | null = descriptorLimit()): number | null {
  if (limit === null) return null;
  return Math.max(16, Math.floor(limit / 2) - 16);
}

const BUSY_BODY = "Too many connections: try again in a moment.\n";

/** The whole reply to a connection refused for lack of room (RFC 9110 15.6.4: 503 with Retry-After). */
export function busyResponse(date: string = currentHttpDate()): string {
  return (
    "HTTP/1.1 503 Service Unavailable\r\n" +
    `Date: ${date}\r\n` +
    "Retry-After: 1\r\n" +
    "Content-Type: text/plain; charset=utf-8\r\n" +
    `Content-Length: ${BUSY_BODY.length}\r\n` +
    "Connection: close\r\n\r\n" +
    BUSY_BODY
  );
}

/**
 * Counts a server's open connections and refuses those past its cap with a
 * 503 and Retry-After, instead of letting the process run out of file
 * descriptors. Node gives no way to stop accepting (libuv accepts, and on
 * EMFILE closes every waiting connection without a byte: its "EMFILE
 * trick"), so the closest to nginx's back-off is never to reach EMFILE on
 * accept, and to say "busy, retry" to whom cannot be served. For a second
 * after a handler ran out of descriptors (`noteShortage()`), every new
 * connection is refused the same way.
 */
export class ConnectionGate {
  readonly #onRefuse: (open: number) => void;
  #open = 0;
  #shortUntil = 0;
  #reportedAt = 0;
  readonly #release = (): void => {
    this.#open--;
  };

  /** `onRefuse(open)` is called when connections are refused, once a second at most (for the log). */
  constructor(onRefuse: (open: number) => void) {
    this.#onRefuse = onRefuse;
  }

  /** Connections counted and not yet closed. */
  get open(): number {
    return this.#open;
  }

  /** A handler could not open a file for lack of descriptors: refuse new connections for a second. */
  noteShortage(): void {
    this.#shortUntil = Date.now() + 1000;
  }

  /**
   * Counts `socket` (until it closes) and returns true when it may be
   * served; otherwise answers it 503 and closes it gracefully, and returns
   * false. `max` null: no cap.
   */
  admit(socket: Socket, max: number | null): boolean {
    this.#open++;
    socket.on("close", this.#release); // emitted once: no once-wrapper per connection
    const short = this.#shortUntil !== 0 && Date.now() < this.#shortUntil;
    if ((max === null || this.#open <= max) && !short) return true;
    socket.write(busyResponse());
    closeGracefully(socket);
    const now = Date.now();
    if (now - this.#reportedAt >= 1000) {
      this.#reportedAt = now;
      this.#onRefuse(this.#open - 1);
    }
    return false;
  }
}
