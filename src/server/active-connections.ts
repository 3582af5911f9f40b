import type { Socket } from "node:net";
import type { ConnectionHandler } from "./request-server.js";

/**
 * The connections a server is serving, each with its handler once made, so
 * that it can close the idle ones and wait for the others to end.
 */
export class ActiveConnections {
  readonly #handlers = new Map<Socket, ConnectionHandler | null>();
  #whenEmpty: (() => void)[] = [];

  /** Connections being served. */
  get size(): number {
    return this.#handlers.size;
  }

  /** A connection starts being served (its handler is not made yet). */
  add(socket: Socket): void {
    this.#handlers.set(socket, null);
  }

  /** The handler serving `socket`. */
  attach(socket: Socket, handler: ConnectionHandler): void {
    this.#handlers.set(socket, handler);
  }

  /** The connection is done. */
  delete(socket: Socket): void {
    this.#handlers.delete(socket);
    if (this.#handlers.size === 0 && this.#whenEmpty.length > 0) {
      for (const resolve of this.#whenEmpty.splice(0)) resolve();
    }
  }

  /** Resolves once no connection is left. */
  whenEmpty(): Promise<void> {
    if (this.#handlers.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.#whenEmpty.push(resolve));
  }

  /** Closes the connections whose handler waits for a request of which no byte has arrived. */
  closeIdle(): void {
    for (const [socket, handler] of this.#handlers) if (handler?.idle === true) socket.destroy();
  }

  /** Closes every connection at once. */
  closeAll(): void {
    for (const socket of this.#handlers.keys()) socket.destroy();
  }
}
