import os from "node:os";

/**
 * The default cap on scripts running at once in one process: four per core,
 * at least eight. CGI scripts are whole processes (a Python script costs
 * tens of MB and a core for its start-up); past a few per core they only
 * queue for the CPU while holding memory and descriptors.
 */
export function defaultCgiMax(cores: number = os.availableParallelism()): number {
  return Math.max(8, 4 * cores);
}

/**
 * Counts the CGI scripts running in this process, so that a flood of
 * requests cannot start scripts without bound: past the cap the handler
 * answers 503 with Retry-After instead of starting one more.
 */
export class ScriptSlots {
  #inUse = 0;

  /** Scripts running now. */
  get inUse(): number {
    return this.#inUse;
  }

  /** Takes a slot when fewer than `max` are taken (null: no cap); false when none is free. */
  tryTake(max: number | null): boolean {
    if (max !== null && this.#inUse >= max) return false;
    this.#inUse++;
    return true;
  }

  /** Gives back a slot taken by `tryTake`. */
  give(): void {
    if (this.#inUse > 0) this.#inUse--;
  }
}

/** The process's slots: every CGI handler class shares them (the cap is per process, like the descriptors it protects). */
export const cgiScriptSlots = new ScriptSlots();
