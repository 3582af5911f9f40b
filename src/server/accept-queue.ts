import type { Socket } from "node:net";
import type { ClientAddress } from "./request-server.js";

/** An accepted connection waiting to be served, with its client's address. */
export type Accepted = readonly [socket: Socket, clientAddress: ClientAddress];

/**
 * Connections accepted but not yet handed to a handler: the listen backlog of
 * a server that is not serving yet, or that serves one connection at a time
 * (CPython's `HTTPServer`). A connection whose client gives up leaves it.
 */
export class AcceptQueue {
  readonly #items: Accepted[] = [];
  #waiter: (() => void) | null = null;

  /** Connections waiting. */
  get length(): number {
    return this.#items.length;
  }

  /** Adds a connection; `watchClose`: drop it from the queue if its client closes while it waits. */
  push(item: Accepted, watchClose: boolean): void {
    this.#items.push(item);
    if (watchClose) {
      const [socket] = item;
      socket.once("close", () => {
        const i = this.#items.indexOf(item);
        if (i >= 0) this.#items.splice(i, 1);
      });
    }
    this.wake();
  }

  /** The oldest waiting connection. */
  shift(): Accepted | undefined {
    return this.#items.shift();
  }

  /** Calls `fn` once, at the next arrival (or `wake()`); replaces an earlier one. */
  onWake(fn: () => void): void {
    this.#waiter = fn;
  }

  /** Runs the waiting `onWake` callback now (a connection arrived, or the server is stopping). */
  wake(): void {
    const w = this.#waiter;
    if (w) {
      this.#waiter = null;
      w();
    }
  }

  /**
   * The next connection: null once `stopped()` says so (checked at each
   * wake) or after `timeoutMs` (null: no limit).
   */
  next(timeoutMs: number | null, stopped: () => boolean): Promise<Accepted | null> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const check = (): void => {
        const item = this.#items.shift();
        if (item !== undefined || stopped()) {
          if (timer) clearTimeout(timer);
          resolve(item ?? null);
        } else this.onWake(check);
      };
      if (timeoutMs !== null) {
        timer = setTimeout(() => {
          this.#waiter = null;
          resolve(null);
        }, timeoutMs);
      }
      check();
    });
  }

  /** Closes every waiting connection. */
  destroyAll(): void {
    for (const [socket] of this.#items.splice(0)) socket.destroy();
  }

  /** Calls `start` now and at each wake-up (connections arrived), until `stop()` holds at one. */
  runUntil(start: () => void, stop: () => boolean): Promise<void> {
    start();
    return new Promise((resolve) => {
      const wait = (): void => {
        if (stop()) resolve();
        else
          this.onWake(() => {
            start();
            wait();
          });
      };
      wait();
    });
  }
}
