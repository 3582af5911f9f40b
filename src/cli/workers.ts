import cluster, { type Worker } from "node:cluster";
import net from "node:net";
import os from "node:os";

/** Environment variable that marks a worker process and carries the port the primary chose. */
export const WORKER_PORT_ENV = "SIMPLEHTTP_WORKER_PORT";

/** True in a worker started by `runPrimary`. */
export function isWorker(): boolean {
  return cluster.isWorker && process.env[WORKER_PORT_ENV] !== undefined;
}

/** How long a stopping worker lets responses in progress finish (the server's drainTimeout). */
const WORKER_DRAIN_MS = 10_000;

/** The number of workers `--workers auto` means: one per core. */
export function autoWorkers(): number {
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

/**
 * Binds `host:port` once and lets it go: finds a free port for port 0 (so
 * every worker listens on the same one), and reports a port in use once,
 * before any worker starts, instead of once per worker.
 */
function probePort(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen({ host, port, ipv6Only: false }, () => {
      const addr = probe.address();
      const port = addr && typeof addr === "object" ? addr.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** What the primary needs to tell the user once all workers listen. */
export interface PrimaryHooks {
  /** Prints the banner for the address the workers listen on. */
  banner(host: string, port: number): void;
  /** Prints a one-line error and returns the exit status. */
  fail(message: string, code: number): number;
}

/**
 * Runs `count` copies of this command as node:cluster workers sharing one
 * listening socket. The kernel spreads connections over them
 * (SCHED_NONE: no round trip through the primary per connection). A worker
 * that dies is replaced; SIGHUP replaces them all, one at a time, each new
 * one listening before the old one drains; Ctrl-C or SIGTERM stops them all
 * gracefully.
 */
export async function runPrimary(count: number, host: string, port: number, hooks: PrimaryHooks): Promise<number> {
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const chosen = await probePort(host, port);
  let stopping = false;
  const workers = new Set<Worker>();
  const fork = (): Worker => {
    const w = cluster.fork({ [WORKER_PORT_ENV]: String(chosen) });
    workers.add(w);
    w.once("exit", () => workers.delete(w));
    return w;
  };

  const started = await new Promise<string | null>((resolve) => {
    let listening = 0;
    for (let i = 0; i < count; i++) {
      const w = fork();
      w.once("listening", () => {
        if (++listening === count) resolve(null);
      });
      w.once("exit", (code) => {
        if (listening < count) resolve(`a worker exited with status ${code ?? "?"} before listening`);
      });
    }
  });
  if (started !== null) {
    for (const w of workers) w.kill("SIGKILL");
    return 1; // the worker has printed the reason (port in use, ...)
  }
  hooks.banner(host, chosen);

  const retiring = new Set<Worker>();
  cluster.on("exit", (w, code, signal) => {
    if (!stopping && !retiring.delete(w)) {
      process.stderr.write(`simplehttp: a worker stopped (${signal ?? `status ${code}`}); starting another\n`);
      fork();
    }
  });

  // SIGHUP: a rolling replacement (new code, new certificates) without closing the listening
  // socket: each worker in turn is replaced by a new one that listens first, then drains and exits.
  let rolling = false;
  process.on("SIGHUP", () => {
    if (rolling || stopping) return;
    rolling = true;
    void (async () => {
      process.stderr.write(`simplehttp: SIGHUP: replacing ${workers.size} workers one at a time\n`);
      for (const old of [...workers]) {
        if (stopping) break;
        const fresh = fork();
        const up = await new Promise<boolean>((resolve) => {
          fresh.once("listening", () => resolve(true));
          fresh.once("exit", () => resolve(false));
        });
        if (!up) {
          process.stderr.write("simplehttp: a new worker did not start; the others are kept\n");
          break;
        }
        retiring.add(old);
        const gone = new Promise<void>((resolve) => (old.isDead() ? resolve() : old.once("exit", () => resolve())));
        old.process.kill("SIGTERM");
        await gone;
      }
      rolling = false;
    })();
  });

  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) process.exit(0);
      stopping = true;
      if (signal === "SIGINT") process.stdout.write("\nKeyboard interrupt received, exiting.\n");
      for (const w of workers) w.process.kill("SIGTERM");
      // Each worker drains for up to its own deadline (10 s) and exits: killed only well after it.
      const force = setTimeout(() => {
        for (const w of workers) w.process.kill("SIGKILL");
      }, WORKER_DRAIN_MS + 5000);
      force.unref();
      const check = (): void => {
        if (workers.size === 0) {
          clearTimeout(force);
          resolve(0);
        } else setTimeout(check, 50).unref();
      };
      check();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
