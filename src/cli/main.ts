import { accessSync, constants, statSync } from "node:fs";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import os from "node:os";
import path from "node:path";
import { createHandlerClass } from "./handler-class.js";
import { createServer } from "./server-class.js";
import { autoWorkers, isWorker, runPrimary, WORKER_PORT_ENV } from "./workers.js";
import { bannerText, shareUrl } from "./banner.js";
import { hiddenNames, openBrowser, qrCode } from "./share.js";
import { HELP, USAGE, parseCommandLine, type CliOptions } from "./options.js";
import { PACKAGE_VERSION } from "./version.js";


function fail(message: string, code: number): number {
  process.stderr.write(`simplehttp: error: ${message}\n`);
  return code;
}

function hasIPv6(): boolean {
  return Object.values(os.networkInterfaces()).some((list) => (list ?? []).some((i) => i.family === "IPv6"));
}

/** Python resolves `-b NAME` with getaddrinfo and binds the first address (IPv4 first here). */
async function resolveBind(bind: string | undefined): Promise<string> {
  if (bind === undefined) return hasIPv6() ? "::" : "0.0.0.0";
  if (isIP(bind)) return bind;
  const { address } = await lookup(bind, { verbatim: false });
  return address;
}

function checkDirectory(dir: string): string | null {
  let st;
  try {
    st = statSync(dir);
  } catch {
    return `directory not found: ${dir}`;
  }
  if (!st.isDirectory()) return `not a directory: ${dir}`;
  try {
    accessSync(dir, constants.R_OK | constants.X_OK);
  } catch {
    return `directory not readable: ${dir}`;
  }
  return null;
}

function bindError(err: unknown, host: string, port: number): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") return `port ${port} is already in use${host === "::" || host === "0.0.0.0" ? "" : ` on ${host}`}`;
  if (code === "EACCES") return `permission denied binding port ${port} (ports below 1024 need privileges)`;
  if (code === "EADDRNOTAVAIL") return `cannot bind to ${host}: no such address on this machine`;
  return `cannot listen on ${host} port ${port}: ${(err as Error).message}`;
}

async function serve(options: CliOptions): Promise<number> {
  const directory = path.resolve(options.directory);
  const dirError = checkDirectory(directory);
  if (dirError) return fail(dirError, 2);
  const Handler = createHandlerClass(options, directory);

  let host: string;
  try {
    host = await resolveBind(options.bind);
  } catch {
    return fail(`cannot resolve bind address ${options.bind ?? ""}`, 2);
  }
  const workers = options.workers === 0 ? autoWorkers() : options.workers;
  const tls = options.tlsCert !== undefined;
  const printBanner = (h: string, p: number): void => {
    const facts = {
      host: h,
      port: p,
      tls,
      interfaces: os.networkInterfaces(),
      hidden: options.dotfiles === "deny" ? hiddenNames(directory) : [],
      color: process.stdout.isTTY === true && !("NO_COLOR" in process.env),
    };
    let text = bannerText(facts);
    if (options.qr) text += qrCode(shareUrl(facts, "network"));
    process.stdout.write(text);
    if (options.open) openBrowser(shareUrl(facts, "local"));
  };
  const worker = isWorker();
  if (workers > 1 && !worker) {
    // Check the TLS material here, once, before any worker starts: every
    // worker would otherwise report the same error and the primary wait on them.
    const check = createServer(options, host, Handler, false);
    if ("error" in check) {
      if (check.usage === true) process.stderr.write(USAGE + "\n");
      return fail(check.error, check.exitCode);
    }
    await check.server.serverClose();
    try {
      return await runPrimary(workers, host, options.port, { banner: printBanner, fail });
    } catch (err) {
      return fail(bindError(err, host, options.port), 1);
    }
  }
  const port = worker ? Number(process.env[WORKER_PORT_ENV]) : options.port;
  const made = createServer({ ...options, port }, host, Handler);
  if ("error" in made) {
    // argparse's parser.error() (e.g. an unreadable --tls-password-file) prints the usage first.
    if (made.usage === true) process.stderr.write(USAGE + "\n");
    return fail(made.error, made.exitCode);
  }
  const server = made.server;
  try {
    await server.ready;
  } catch (err) {
    return fail(bindError(err, host, options.port), 1);
  }
  if (!worker) printBanner(server.serverAddress[0], server.serverAddress[1]);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second Ctrl-C forces the exit. Not in a worker: it gets the terminal's (or the
      // service manager's) signal to the process group and the primary's SIGTERM too, and
      // the second must not cut the responses the first one lets finish.
      if (!worker) process.exit(0);
      return;
    }
    stopping = true;
    if (signal === "SIGINT" && !worker) process.stdout.write("\nKeyboard interrupt received, exiting.\n");
    // Responses in progress finish, for up to the server's drainTimeout (10 s).
    void server.serverClose();
    void server.shutdown();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  // A worker leaves SIGHUP to the primary (a rolling replacement), even when a terminal sends it to the group.
  if (worker) process.on("SIGHUP", () => {});

  await server.serveForever();
  await server.serverClose();
  return 0;
}

/** Runs the command line; resolves to the exit status. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // A reader that went away (`simplehttp | head -1`, a closed log pipe) must not
  // crash the server with an unhandled EPIPE and its stack trace: output is dropped.
  process.stdout.on("error", () => {});
  process.stderr.on("error", () => {});
  const parsed = parseCommandLine(argv, env, process.cwd());
  switch (parsed.kind) {
    case "help":
      process.stdout.write(HELP + "\n");
      return 0;
    case "version":
      process.stdout.write(`simplehttp ${PACKAGE_VERSION}\n`);
      return 0;
    case "error":
      process.stderr.write(`${USAGE}\nsimplehttp: error: ${parsed.message}\n`);
      return 2;
    case "run":
      return serve(parsed.options);
  }
}
