/**
 * The pace a request body must keep while a CGI script waits for it: no gap
 * longer than `idleMs` between bytes, and after a first `graceMs`, at least
 * `minRate` bytes a second on average. This is Apache's mod_reqtimeout rule
 * (`RequestReadTimeout body=20,MinRate=500`, its defaults): `graceMs` to
 * begin with, one more second for every `minRate` bytes received. Without
 * it, a client trickling one byte a second keeps a script (a process, three
 * descriptors) alive for as long as it likes, since every byte is progress.
 */
export interface BodyPaceLimits {
  /** Longest gap between two reads of the body, in ms. */
  readonly idleMs: number;
  /** Time allowed before the rate counts, in ms. */
  readonly graceMs: number;
  /** Bytes a second the body must average after the grace; 0: no rate. */
  readonly minRate: number;
}

/** How far a body has come: times in ms on one clock, time not counted already taken out. */
export interface BodyProgress {
  readonly startedAt: number;
  readonly lastAt: number;
  readonly bytes: number;
}

/** Why a body was given up on. */
export type PaceViolation = "idle" | "slow";

/**
 * When the body's time runs out (ms on the progress clock), and why it
 * would: the earlier of the idle deadline and the rate deadline.
 */
export function bodyDeadline(p: BodyProgress, limits: BodyPaceLimits): { readonly at: number; readonly why: PaceViolation } {
  const idleAt = p.lastAt + limits.idleMs;
  if (limits.minRate <= 0) return { at: idleAt, why: "idle" };
  const rateAt = p.startedAt + limits.graceMs + (p.bytes * 1000) / limits.minRate;
  return rateAt < idleAt ? { at: rateAt, why: "slow" } : { at: idleAt, why: "idle" };
}

/**
 * Watches a body against `limits` with one timer, calling `onViolation` once
 * when its time runs out. Time in `pause()` (the script not reading, the
 * spool writing) is not the client's and is not counted.
 */
export class BodyPace {
  readonly #limits: BodyPaceLimits;
  readonly #onViolation: (why: PaceViolation) => void;
  #startedAt: number;
  #lastAt: number;
  #bytes = 0;
  #pausedAt: number | null = null;
  #timer: NodeJS.Timeout | null = null;
  #done = false;

  constructor(limits: BodyPaceLimits, onViolation: (why: PaceViolation) => void) {
    this.#limits = limits;
    this.#onViolation = onViolation;
    this.#startedAt = this.#lastAt = Date.now();
    this.#arm();
  }

  /** `n` more bytes have arrived. */
  received(n: number): void {
    this.#bytes += n;
    this.#lastAt = Date.now();
    this.#arm();
  }

  /** Stops the clock (calls do not nest). */
  pause(): void {
    if (this.#pausedAt !== null || this.#done) return;
    this.#pausedAt = Date.now();
    this.#clear();
  }

  /** Starts the clock again; the paused time is not counted. */
  resume(): void {
    if (this.#pausedAt === null) return;
    const paused = Date.now() - this.#pausedAt;
    this.#pausedAt = null;
    this.#startedAt += paused;
    this.#lastAt += paused;
    this.#arm();
  }

  /** The body has ended (or is no longer wanted): never fires. */
  stop(): void {
    this.#done = true;
    this.#clear();
  }

  #clear(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(): void {
    this.#clear();
    if (this.#done || this.#pausedAt !== null) return;
    const d = bodyDeadline({ startedAt: this.#startedAt, lastAt: this.#lastAt, bytes: this.#bytes }, this.#limits);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#done = true;
      this.#onViolation(d.why);
    }, Math.max(0, d.at - Date.now()));
  }
}

/**
 * The body's chunks, reported to `pace`; the clock stops while the consumer
 * holds a chunk (the script not reading, a spool writing) and stops for good
 * at the end.
 */
export async function* pacedBody(body: AsyncIterable<Buffer>, pace: BodyPace): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of body) {
      pace.received(chunk.length);
      pace.pause();
      yield chunk;
      pace.resume();
    }
  } finally {
    pace.stop();
  }
}
