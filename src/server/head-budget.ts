/**
 * The memory all request heads still arriving may hold, together, in this
 * process. Each head is bounded (a 64 KiB request line, 64 KiB of fields),
 * but ten thousand slow clients each holding one just under those limits
 * would still hold gigabytes until their headers timeout: past the budget, a
 * head that grows is refused (503) and its connection closed, while heads
 * that complete in one read (nearly all) never touch it.
 */
export class HeadBudget {
  /** Bytes all heads in progress may hold. */
  limit: number;
  #used = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Bytes held now. */
  get used(): number {
    return this.#used;
  }

  /** Moves one head's holding from `before` to `after` bytes; false (nothing taken) when that would pass the limit. */
  update(before: number, after: number): boolean {
    const next = this.#used - before + after;
    if (after > before && next > this.limit) return false;
    this.#used = next;
    return true;
  }
}

/** The process's budget: 64 MiB (a thousand heads at their limits). */
export const headBudget = new HeadBudget(64 * 1024 * 1024);
