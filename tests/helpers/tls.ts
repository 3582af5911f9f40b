/**
 * TLS test fixtures: certificates made at test time with the `openssl`
 * command in a temporary directory (no private key is ever committed), a
 * served folder, and small clients (Node's https, curl, Python, raw TCP).
 */
import { createPrivateKey } from "node:crypto";
import { execFile, execFileSync, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { fileURLToPath } from "node:url";

/** The repository root (this file runs as build-test/tests/helpers/tls.js). */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The built command. */
export const CLI = path.join(ROOT, "dist/cli.js");

/** The password of the encrypted keys (non-ASCII on purpose: the password file is UTF-8). */
export const PASSWORD = "pässwörd ✓";

/** Files made for one test file; `rm()` deletes them. */
export interface Fixture {
  readonly dir: string;
  /** Self-signed certificate for localhost, 127.0.0.1 and ::1. */
  readonly cert: string;
  /** Its private key, unencrypted. */
  readonly key: string;
  /** Certificate and key in one PEM file (key first, to check the order does not matter). */
  readonly combined: string;
  /** The same key encrypted with PASSWORD (PKCS#8, AES-256). */
  readonly encKey: string;
  /** The same key, encrypted in OpenSSL's traditional format (`Proc-Type: 4,ENCRYPTED`). */
  readonly encKeyTraditional: string;
  /** PASSWORD with surrounding whitespace and a CRLF, as an editor may save it. */
  readonly passwordFile: string;
  /** A key of another certificate. */
  readonly otherKey: string;
  /** That other (self-signed) certificate: a CA that does not vouch for `cert`. */
  readonly otherCert: string;
  /** A text file that is no PEM. */
  readonly notPem: string;
  /** A folder to serve: hello.txt, sub/, "a b.html". */
  readonly www: string;
  rm(): void;
}

/**
 * A wrong password for `keyPath` whose decryption fails the way asked: "bad decrypt" (the CBC
 * padding is invalid, the usual case) or "garbled" (the padding happens to look valid, about
 * 1 time in 256, and OpenSSL then fails to decode the result). The keys are made at test time,
 * so a fixed wrong password would hit the rare case in some runs; searching keeps tests exact.
 */
export function wrongPassword(keyPath: string, outcome: "bad decrypt" | "garbled"): string {
  const key = readFileSync(keyPath);
  for (let i = 0; i < 100_000; i++) {
    const candidate = `wrong-${i}`;
    try {
      createPrivateKey({ key, passphrase: candidate });
    } catch (err) {
      const badDecrypt = (err as NodeJS.ErrnoException).code === "ERR_OSSL_BAD_DECRYPT";
      if (badDecrypt === (outcome === "bad decrypt")) return candidate;
    }
  }
  throw new Error(`no wrong password with outcome ${outcome} for ${keyPath}`);
}

function openssl(args: readonly string[], env: NodeJS.ProcessEnv = {}): void {
  execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } });
}

/** Makes the certificates and the served folder in a new temporary directory. */
export function makeFixture(): Fixture {
  const dir = mkdtempSync(path.join(os.tmpdir(), "simplehttp-tls-"));
  const p = (name: string): string => path.join(dir, name);
  // EC P-256: generated at once, accepted by every client.
  openssl([
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", p("key.pem"), "-out", p("cert.pem"), "-days", "2", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
  ]);
  execFileSync("sh", ["-c", 'cat "$1" "$2" > "$3"', "sh", p("key.pem"), p("cert.pem"), p("combined.pem")]);
  // The password travels in the environment, not argv, so its UTF-8 bytes arrive intact.
  openssl(["pkey", "-in", p("key.pem"), "-aes256", "-passout", "env:TLS_TEST_PW", "-out", p("enc.pem")], { TLS_TEST_PW: PASSWORD });
  openssl(["ec", "-in", p("key.pem"), "-aes128", "-passout", "env:TLS_TEST_PW", "-out", p("enc-trad.pem")], { TLS_TEST_PW: PASSWORD });
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", p("other-key.pem")]);
  openssl(["req", "-x509", "-key", p("other-key.pem"), "-out", p("other-cert.pem"), "-days", "2", "-subj", "/CN=localhost"]);
  writeFileSync(p("password.txt"), `  ${PASSWORD} \r\n`, "utf8");
  writeFileSync(p("not-pem.txt"), "this is not a certificate\n");
  const www = p("www");
  mkdirSync(path.join(www, "sub"), { recursive: true });
  writeFileSync(path.join(www, "hello.txt"), "hello over TLS\n");
  writeFileSync(path.join(www, "a b.html"), "<p>spaced</p>\n");
  return {
    dir,
    cert: p("cert.pem"),
    key: p("key.pem"),
    combined: p("combined.pem"),
    encKey: p("enc.pem"),
    encKeyTraditional: p("enc-trad.pem"),
    passwordFile: p("password.txt"),
    otherKey: p("other-key.pem"),
    otherCert: p("other-cert.pem"),
    notPem: p("not-pem.txt"),
    www,
    rm: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A response as a client saw it. */
export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  /** True when the request went over a connection used before (keep-alive). */
  readonly reused: boolean;
  /** The client's local port (one per connection). */
  readonly localPort: number;
  readonly alpn: string | false | null;
}

/** GET (or another method) over Node's https, trusting `ca`. */
export function httpsRequest(
  port: number,
  urlPath: string,
  ca: Buffer,
  options: { agent?: https.Agent; method?: string; body?: Buffer; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const requestOptions: https.RequestOptions & Pick<tls.ConnectionOptions, "ALPNProtocols"> = {
    host: "127.0.0.1",
    port,
    path: urlPath,
    method: options.method ?? "GET",
    ca,
    agent: options.agent ?? false,
    // As browsers and curl do; Node's client offers no ALPN unless asked.
    ALPNProtocols: ["http/1.1"],
    headers: options.headers ?? {},
    timeout: 10000,
  };
  return new Promise((resolve, reject) => {
    const req = https.request(
      requestOptions,
      (res) => {
        // A keep-alive agent takes the socket back at the end of the response: look at it now.
        const socket = res.socket as tls.TLSSocket;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            reused: req.reusedSocket,
            localPort: socket.localPort ?? 0,
            alpn: socket.alpnProtocol,
          });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end(options.body);
  });
}

/** What a finished command printed and its exit status. */
export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (killed after `timeoutMs`). */
export function run(cmd: string, args: readonly string[], timeoutMs = 15000, env: NodeJS.ProcessEnv = process.env, uid?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const options = { timeout: timeoutMs, encoding: "utf8" as const, env, cwd: ROOT, ...(uid === undefined ? {} : { uid, gid: uid }) };
    execFile(cmd, [...args], options, (err, stdout, stderr) => {
      if (err && typeof (err as { code?: unknown }).code !== "number") {
        if ((err as { killed?: boolean }).killed) resolve({ code: null, stdout, stderr });
        else reject(err);
        return;
      }
      resolve({ code: err ? Number((err as { code?: unknown }).code) : 0, stdout, stderr });
    });
  });
}

/** This environment without PORT (the command reads it) or the test runner's variables. */
export function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env["PORT"];
  delete env["NODE_TEST_CONTEXT"];
  return env;
}

/** A running `node dist/cli.js ...`. */
export interface RunningCli {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  readonly banner: string;
  stderr(): string;
  stop(): Promise<number | null>;
}

/** Starts the command and resolves once its banner named the port. */
export function startCli(args: readonly string[]): Promise<RunningCli> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: cliEnv(), stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr.on("data", (c: Buffer) => (err += c.toString("utf8")));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no banner within 10 s; stdout=${out} stderr=${err}`));
    }, 10000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before its banner; stdout=${out} stderr=${err}`));
    });
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString("utf8");
      const m = /port (\d+) \(/.exec(out);
      if (m && out.includes("\n")) {
        clearTimeout(timer);
        resolve({
          child,
          port: Number(m[1]),
          banner: out,
          stderr: () => err,
          stop: async () => {
            if (child.exitCode === null) child.kill("SIGTERM");
            const t = setTimeout(() => child.kill("SIGKILL"), 8000);
            const code = await exited;
            clearTimeout(t);
            return code;
          },
        });
      }
    });
  });
}

/** Opens a plain TCP connection and resolves once connected. */
export function rawConnect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
}

/** Resolves with how a socket ended: what it received, whether it was reset, and after how long. */
export function closeOf(socket: net.Socket): Promise<{ readonly data: Buffer; readonly error: string | null; readonly ms: number }> {
  const t0 = Date.now();
  const chunks: Buffer[] = [];
  let error: string | null = null;
  socket.on("data", (c: Buffer) => chunks.push(c));
  socket.on("error", (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
  return new Promise((resolve) => socket.once("close", () => resolve({ data: Buffer.concat(chunks), error, ms: Date.now() - t0 })));
}
