/**
 * Running the built command (`node dist/cli.js`) as a child process: start it
 * on port 0 and read the port from its banner, run it to completion for the
 * error cases, stop it with a signal.
 */
import { spawn, type ChildProcessWithoutNullStreams, type SpawnOptions } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root (tests run from build-test/tests/<dir>/). */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The built command. */
export const CLI = ROOT + "dist/cli.js";

/** How a child ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running command. */
export interface RunningCli {
  readonly child: ChildProcessWithoutNullStreams;
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  /** All of stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<Exit>;
  /** Sends `signal` and waits for the exit (SIGKILL after `ms`). */
  stop(signal?: NodeJS.Signals, ms?: number): Promise<Exit>;
}

export interface CliSpawnOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly uid?: number;
  readonly gid?: number;
  /** The executable and leading arguments (default: node dist/cli.js). */
  readonly command?: readonly [string, ...string[]];
}

/** This process's environment without PORT (the command reads it) or the test runner's variables. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env["PORT"];
  delete env["NODE_TEST_CONTEXT"];
  return { ...env, ...extra };
}

function spawnCli(args: readonly string[], options: CliSpawnOptions): ChildProcessWithoutNullStreams {
  const [cmd, ...lead] = options.command ?? [process.execPath, CLI];
  const spawnOptions: SpawnOptions = {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? cleanEnv(),
    stdio: ["pipe", "pipe", "pipe"],
  };
  if (options.uid !== undefined) spawnOptions.uid = options.uid;
  if (options.gid !== undefined) spawnOptions.gid = options.gid;
  return spawn(cmd, [...lead, ...args], spawnOptions) as ChildProcessWithoutNullStreams;
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<Exit> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once("exit", (code, signal) => resolve({ code, signal }));
  });
}

/** Starts the command and resolves once its banner named the port (rejects if it exits first or takes over 10 s). */
export function startCli(args: readonly string[], options: CliSpawnOptions = {}): Promise<RunningCli> {
  const child = spawnCli(args, options);
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (err += c.toString("utf8")));
  const exited = exitOf(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no banner within 10 s; stdout: ${out}\nstderr: ${err}`));
    }, 10_000);
    const onData = (): void => {
      const m = /^Serving HTTP on (\S+) port (\d+) \(/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout.off("data", onData);
      resolve({
        child,
        host: m[1] as string,
        port: Number(m[2]),
        pid: child.pid as number,
        stdout: () => out,
        stderr: () => err,
        exited,
        async stop(signal: NodeJS.Signals = "SIGINT", ms = 10_000): Promise<Exit> {
          child.kill(signal);
          const killer = setTimeout(() => child.kill("SIGKILL"), ms);
          const result = await exited;
          clearTimeout(killer);
          return result;
        },
      });
    };
    child.stdout.on("data", onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code ?? signal}) before serving; stdout: ${out}\nstderr: ${err}`));
    });
  });
}

/** Runs the command to its end (killed after `timeoutMs`). */
export async function runCli(args: readonly string[], options: CliSpawnOptions & { timeoutMs?: number } = {}): Promise<Exit & { stdout: string; stderr: string }> {
  const child = spawnCli(args, options);
  child.stdin.end();
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 10_000);
  const exit = await exitOf(child);
  // let the pipes drain
  await new Promise<void>((r) => (child.stdout.readableEnded ? r() : child.stdout.once("end", () => r())));
  await new Promise<void>((r) => (child.stderr.readableEnded ? r() : child.stderr.once("end", () => r())));
  clearTimeout(timer);
  return { ...exit, stdout, stderr };
}

/** Runs a program (curl, python3) and collects its output. */
export function runProgram(cmd: string, args: readonly string[], timeoutMs = 15_000): Promise<Exit & { stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr });
    });
  });
}

/** Polls `check` every 20 ms until it returns true (false after `ms`). */
export async function waitFor(check: () => boolean, ms = 5000): Promise<boolean> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}
