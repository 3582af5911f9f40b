import type { Socket } from "node:net";
import type { CgiProcess } from "./cgi-process.js";
import { IdleTimer } from "./idle-timer.js";
import type { AbortReason } from "./script-outcome.js";

/** The limits a running script is held to. */
export interface ScriptWatchOptions {
  /** `cgiTimeout` in ms: no output and no input taken for this long kills the group (null: never). */
  readonly idleMs: number | null;
  /** After the script exits, how long a process it left behind may hold its stdout open. */
  readonly exitGraceMs: number;
}

/**
 * Everything that can end a script early, in one place: no progress for
 * `idleMs`, the client leaving (its connection closed, or its sending side
 * shut: as nginx, a client that half-closes during a script is taken as
 * gone), a request body too slow (`stop("slow-body")` from the body's pace),
 * and a process the script started that keeps stdout open after the script
 * itself has exited: after `exitGraceMs` the group is killed and the
 * response ends normally (`outputHeld`), rather than waiting for `idleMs`
 * and cutting it short (the grace counts from the script's last output, so
 * nothing it wrote before exiting is lost). Each stop kills the script's whole process group.
 */
export class ScriptWatch {
  readonly #idle: IdleTimer;
  /** After the script's exit: the same clock, with `exitGraceMs`. */
  #grace: IdleTimer | null = null;
  #paused = 0;
  readonly #proc: CgiProcess;
  readonly #client: Socket;
  readonly #gone = (): void => this.stop("disconnect");
  #abort: AbortReason | null = null;
  #finished = false;
  #outputHeld = false;

  constructor(proc: CgiProcess, client: Socket, options: ScriptWatchOptions) {
    this.#proc = proc;
    this.#client = client;
    this.#idle = new IdleTimer(options.idleMs, () => this.stop("timeout"));
    client.once("close", this.#gone);
    client.once("end", this.#gone);
    if (client.destroyed || client.readableEnded) this.stop("disconnect");
    void proc.exited.then(() => {
      if (this.#finished || proc.killed) return;
      // Counted like the idle clock (from the last output, not while the client
      // reads slowly), so output the script wrote before exiting is never lost.
      this.#grace = new IdleTimer(options.exitGraceMs, () => {
        if (this.#finished || proc.stdout.readableEnded) return;
        this.#outputHeld = true;
        proc.killGroup();
      });
      for (let i = 0; i < this.#paused; i++) this.#grace.pause();
    });
  }

  /** Progress (output read, input taken): the clocks start again. */
  touch(): void {
    this.#idle.touch();
    this.#grace?.touch();
  }

  /** Stops the clocks while the client, not the script, is slow (calls nest). */
  pause(): void {
    this.#paused++;
    this.#idle.pause();
    this.#grace?.pause();
  }

  /** Counts again, from the full time. */
  resume(): void {
    if (this.#paused > 0) this.#paused--;
    this.#idle.resume();
    this.#grace?.resume();
  }

  /** Why the script was stopped early, or null. */
  get abort(): AbortReason | null {
    return this.#abort;
  }

  /** True when the script had exited and the group was killed because something it left held stdout open. */
  get outputHeld(): boolean {
    return this.#outputHeld;
  }

  /** Stops the script for `why` (the first reason given is kept); a no-op once `finish()` was called. */
  stop(why: AbortReason): void {
    // Once the script and its pipes are gone its pid may be reused: a late
    // stop (an abandoned body read failing) must not signal a stranger's group.
    if (this.#finished) return;
    this.#abort ??= why;
    this.#proc.killGroup();
  }

  /** The script and its pipes are closed: timers off, listeners removed, `stop()` inert from now on. */
  finish(): void {
    this.#finished = true;
    this.#idle.stop();
    this.#grace?.stop();
    this.#client.off("close", this.#gone);
    this.#client.off("end", this.#gone);
  }
}
