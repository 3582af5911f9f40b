import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import type { Readable, Writable } from "node:stream";
import { LineSplitter } from "./line-splitter.js";
import type { RunAs } from "./run-as.js";

/** How to start a script. */
export interface CgiSpawnOptions {
  /** The file to execute (the script, or the Python interpreter). */
  readonly command: string;
  readonly args: readonly string[];
  /** argv[0] the program sees (CPython gives the script's name). */
  readonly argv0?: string;
  readonly env: Readonly<Record<string, string>>;
  /** Run as this user and group (the server is root); null keeps the server's. */
  readonly runAs: RunAs | null;
  /** Called with each line the script writes to stderr. */
  readonly onStderrLine: (line: string) => void;
}

/** How a script ended. */
export interface CgiExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Python's `os.waitstatus_to_exitcode()`: the exit code, or minus the signal number. */
export function exitStatusCode(exit: CgiExit): number {
  if (exit.signal !== null) return -(constants.signals[exit.signal] ?? 0);
  return exit.code ?? 0;
}

/**
 * A running CGI script: its stdin, its stdout, its stderr turned into log
 * lines, and its end. The script leads a process group of its own
 * (`detached`, i.e. setsid()), so `killGroup()` takes down whatever it
 * started too. Node opens every descriptor close-on-exec, so the script
 * inherits only the three pipes: not the listening socket, not another
 * client's connection.
 */
export class CgiProcess {
  readonly #child: ChildProcess;
  /** The script's process id (also its process group id). */
  readonly pid: number;
  /** The script's standard input; errors (EPIPE once it exits) are absorbed. */
  readonly stdin: Writable;
  /** The script's standard output. */
  readonly stdout: Readable;
  /** Settles when the script has exited. */
  readonly exited: Promise<CgiExit>;
  /** Settles when the script has exited and its pipes are closed (stderr fully logged). */
  readonly closed: Promise<void>;
  readonly #stderr: Readable;
  #stdinOpen = true;
  #killed = false;

  private constructor(child: ChildProcess, pid: number, onStderrLine: (line: string) => void) {
    this.#child = child;
    this.pid = pid;
    this.stdin = child.stdin as Writable;
    this.stdout = child.stdout as Readable;
    const stderr = child.stderr as Readable;
    this.stdin.on("error", () => {}); // EPIPE when the script does not read its input: not an error of ours
    this.stdin.once("close", () => (this.#stdinOpen = false));
    this.stdout.on("error", () => {});
    stderr.on("error", () => {});
    const lines = new LineSplitter();
    stderr.on("data", (chunk: Buffer) => {
      for (const line of lines.push(chunk)) onStderrLine(line);
    });
    stderr.once("close", () => {
      const last = lines.end();
      if (last !== null) onStderrLine(last);
    });
    this.#stderr = stderr;
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        if (this.#killed) this.#releaseStderr();
        resolve({ code, signal });
      });
    });
    this.closed = new Promise((resolve) => child.once("close", () => resolve()));
  }

  /**
   * Starts a script; resolves once it runs, rejects when it cannot be started
   * (ENOENT, EACCES, a NUL in an argument) with nothing left open.
   */
  static start(options: CgiSpawnOptions): Promise<CgiProcess> {
    let child: ChildProcess;
    try {
      child = spawn(options.command, [...options.args], {
        env: options.env,
        stdio: ["pipe", "pipe", "pipe"],
        detached: true,
        windowsHide: true,
        ...(options.argv0 !== undefined ? { argv0: options.argv0 } : {}),
        ...(options.runAs ? { uid: options.runAs.uid, gid: options.runAs.gid } : {}),
      });
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        child.stdin?.destroy();
        child.stdout?.destroy();
        child.stderr?.destroy();
        reject(err);
      };
      child.once("error", onError);
      child.once("spawn", () => {
        child.off("error", onError);
        child.on("error", () => {}); // a failed kill() of an exited script
        resolve(new CgiProcess(child, child.pid as number, options.onStderrLine));
      });
    });
  }

  /** True until the script's stdin is closed (by us, or because the script exited). */
  get stdinOpen(): boolean {
    return this.#stdinOpen && !this.stdin.destroyed;
  }

  /** True once `killGroup()` was called. */
  get killed(): boolean {
    return this.#killed;
  }

  /** True once the script has exited. */
  get hasExited(): boolean {
    return this.#child.exitCode !== null || this.#child.signalCode !== null;
  }

  /**
   * SIGKILL to the script's whole process group, and our ends of stdin and
   * stdout closed, so nothing it or its children do reaches the client.
   */
  killGroup(): void {
    if (this.#killed) return;
    this.#killed = true;
    try {
      process.kill(-this.pid, "SIGKILL");
    } catch {
      // ESRCH: the group is already gone
    }
    this.stdin.destroy();
    this.stdout.destroy();
    if (this.hasExited) this.#releaseStderr();
  }

  /**
   * A killed group's stderr closes as its last member dies; a process that
   * escaped into a session of its own must not keep the request waiting, so
   * our end is closed shortly after (its last words may be lost).
   */
  #releaseStderr(): void {
    setTimeout(() => this.#stderr.destroy(), 200).unref();
  }
}
