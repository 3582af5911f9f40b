/**
 * The CGI timeout: fires when a script has made no progress (no output, no
 * input consumed) for `ms` milliseconds, as Apache's `Timeout` and nginx's
 * `*_read_timeout` do, so a long download that keeps flowing is never cut
 * while a script that hangs is. Time spent waiting for a slow client to read
 * does not count (`pause()`/`resume()`): the script is not the one stuck.
 */
export class IdleTimer {
  readonly #ms: number | null;
  readonly #onTimeout: () => void;
  #timer: NodeJS.Timeout | null = null;
  #paused = 0;
  #fired = false;
  #stopped = false;

  /** `ms` null or not positive: never fires. */
  constructor(ms: number | null, onTimeout: () => void) {
    this.#ms = ms !== null && ms > 0 && Number.isFinite(ms) ? ms : null;
    this.#onTimeout = onTimeout;
    this.#arm();
  }

  /** True once the timeout has passed. */
  get fired(): boolean {
    return this.#fired;
  }

  #arm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#ms === null || this.#stopped || this.#fired || this.#paused > 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#fired = true;
      this.#onTimeout();
    }, this.#ms);
  }

  /** Progress: the countdown starts again. */
  touch(): void {
    this.#arm();
  }

  /** Stops counting until the matching `resume()` (calls nest). */
  pause(): void {
    this.#paused++;
    this.#arm();
  }

  /** Counts again, from the full timeout. */
  resume(): void {
    if (this.#paused > 0) this.#paused--;
    this.#arm();
  }

  /** Never fires again. */
  stop(): void {
    this.#stopped = true;
    this.#arm();
  }
}
