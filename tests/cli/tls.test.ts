/**
 * `simplehttp --tls-cert ...` (node dist/cli.js): serving a folder over
 * HTTPS, the banner, and each TLS error with its exact message and exit status.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CLI, PASSWORD, cliEnv, makeFixture, run, startCli, type Fixture, wrongPassword } from "../helpers/tls.js";

let fx: Fixture;
before(() => {
  fx = makeFixture();
});
after(() => fx.rm());

function cli(args: readonly string[]): ReturnType<typeof run> {
  return run(process.execPath, [CLI, ...args], 15000, cliEnv());
}

/** Starts the command on a free port of 127.0.0.1, serves `fx.www`, runs `fn`, stops it. */
async function serving(tlsArgs: readonly string[], fn: (port: number, banner: string) => Promise<void>): Promise<string> {
  const server = await startCli([...tlsArgs, "-b", "127.0.0.1", "-d", fx.www, "0"]);
  try {
    await fn(server.port, server.banner);
  } finally {
    const code = await server.stop();
    assert.equal(code, 0, server.stderr());
  }
  return server.stderr();
}

async function curl(port: number, urlPath: string): Promise<string> {
  const r = await run("curl", ["-sS", "--cacert", fx.cert, `https://127.0.0.1:${port}${urlPath}`]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

describe("simplehttp --tls-cert: serving", () => {
  it("serves a file and a listing over HTTPS, with the HTTPS banner", async () => {
    const log = await serving(["--tls-cert", fx.cert, "--tls-key", fx.key], async (port, banner) => {
      assert.equal(banner, `Serving HTTPS on 127.0.0.1 port ${port} (https://127.0.0.1:${port}/) ...\n  Local:   https://localhost:${port}/\n`);
      assert.equal(await curl(port, "/hello.txt"), "hello over TLS\n");
      assert.match(await curl(port, "/"), /<a href="hello\.txt">hello\.txt<\/a>/);
    });
    assert.match(log, /"GET \/hello\.txt HTTP\/1\.1" 200 -/);
  });

  it("takes the key from a combined PEM when --tls-key is not given", async () => {
    await serving(["--tls-cert", fx.combined], async (port) => {
      assert.equal(await curl(port, "/hello.txt"), "hello over TLS\n");
    });
  });

  it("decrypts the key with --tls-password-file (UTF-8, whitespace and CRLF stripped)", async () => {
    await serving(["--tls-cert", fx.cert, "--tls-key", fx.encKey, "--tls-password-file", fx.passwordFile], async (port) => {
      assert.equal(await curl(port, "/hello.txt"), "hello over TLS\n");
    });
  });

  it("closes plain HTTP cleanly and keeps serving HTTPS", async () => {
    await serving(["--tls-cert", fx.combined], async (port) => {
      const plain = await run("curl", ["-sS", `http://127.0.0.1:${port}/hello.txt`]);
      assert.equal(plain.code, 52, plain.stderr); // CURLE_GOT_NOTHING: closed, no reply, no reset
      assert.equal(await curl(port, "/hello.txt"), "hello over TLS\n");
    });
  });
});

const USAGE_THEN = (message: string): RegExp =>
  new RegExp(`^usage: simplehttp [\\s\\S]*\\[--tls-cert PATH\\][\\s\\S]*\\nsimplehttp: error: ${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n$`);

describe("simplehttp --tls-*: errors", () => {
  it("--tls-key without --tls-cert: usage, CPython's message, status 2", async () => {
    const r = await cli(["--tls-key", fx.key, "0"]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, USAGE_THEN("--tls-key requires --tls-cert to be set"));
  });

  it("--tls-password-file without --tls-cert: usage, CPython's message, status 2", async () => {
    const r = await cli(["--tls-password-file", fx.passwordFile, "0"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, USAGE_THEN("--tls-password-file requires --tls-cert to be set"));
  });

  const passwordFileErrors: ReadonlyArray<readonly [string, () => string, () => string]> = [
    ["a missing password file", () => path.join(fx.dir, "no-such-password"), () => `[Errno 2] No such file or directory: '${path.join(fx.dir, "no-such-password")}'`],
    ["a directory as password file", () => fx.dir, () => `[Errno 21] Is a directory: '${fx.dir}'`],
    [
      "a password file that is not UTF-8",
      () => {
        const p = path.join(fx.dir, "latin1-password");
        writeFileSync(p, Buffer.from("caf\xe9\n", "latin1"));
        return p;
      },
      () => "'utf-8' codec can't decode byte 0xe9 in position 3: invalid continuation byte",
    ],
    [
      "a password file cut inside a character",
      () => {
        const p = path.join(fx.dir, "cut-password");
        writeFileSync(p, Buffer.from([0x61, 0xe2, 0x82]));
        return p;
      },
      () => "'utf-8' codec can't decode bytes in position 1-2: unexpected end of data",
    ],
  ];
  for (const [label, file, detail] of passwordFileErrors) {
    it(`${label}: usage, "Failed to read TLS password file: ...", status 2`, async () => {
      const r = await cli(["--tls-cert", fx.cert, "--tls-key", fx.encKey, "--tls-password-file", file(), "-b", "127.0.0.1", "0"]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, USAGE_THEN(`Failed to read TLS password file: ${detail()}`));
    });
  }

  it("an unreadable password file: [Errno 13] Permission denied", async () => {
    const p = path.join(fx.dir, "secret-password");
    writeFileSync(p, PASSWORD);
    chmodSync(p, 0o000);
    // Root reads any file: then the command runs as nobody (the password file is read before anything else).
    const uid = process.getuid?.() === 0 ? 65534 : undefined;
    const r = await run(process.execPath, [CLI, "--tls-cert", fx.cert, "--tls-key", fx.encKey, "--tls-password-file", p, "-b", "127.0.0.1", "0"], 15000, cliEnv(), uid);
    assert.equal(r.code, 2);
    assert.match(r.stderr, USAGE_THEN(`Failed to read TLS password file: [Errno 13] Permission denied: '${p}'`));
  });

  const configErrors: ReadonlyArray<readonly [string, () => string[], () => string]> = [
    ["a missing certificate", () => ["--tls-cert", path.join(fx.dir, "nope.pem")], () => `cannot read TLS certificate file: [Errno 2] No such file or directory: '${path.join(fx.dir, "nope.pem")}'`],
    ["a file that is no certificate", () => ["--tls-cert", fx.notPem, "--tls-key", fx.key], () => `TLS certificate file ${fx.notPem} holds no PEM certificate ("-----BEGIN CERTIFICATE-----")`],
    ["a certificate without a key", () => ["--tls-cert", fx.cert], () => `TLS certificate file ${fx.cert} holds no private key, and no key file was given (give it with --tls-key)`],
    ["a missing key file", () => ["--tls-cert", fx.cert, "--tls-key", path.join(fx.dir, "nokey.pem")], () => `cannot read TLS key file: [Errno 2] No such file or directory: '${path.join(fx.dir, "nokey.pem")}'`],
    ["a key of another certificate", () => ["--tls-cert", fx.cert, "--tls-key", fx.otherKey], () => `TLS key file ${fx.otherKey} does not match the certificate in ${fx.cert}`],
    ["an encrypted key without a password", () => ["--tls-cert", fx.cert, "--tls-key", fx.encKey], () => `TLS key file ${fx.encKey}: the private key is encrypted and no password was given (give it with --tls-password-file)`],
    [
      "a wrong password",
      () => {
        const p = path.join(fx.dir, "wrong-password");
        writeFileSync(p, `${wrongPassword(fx.encKey, "bad decrypt")}\n`);
        return ["--tls-cert", fx.cert, "--tls-key", fx.encKey, "--tls-password-file", p];
      },
      () => `TLS key file ${fx.encKey}: wrong password for the private key (bad decrypt)`,
    ],
  ];
  for (const [label, args, message] of configErrors) {
    it(`${label}: one error line naming the file, status 2, nothing served`, async () => {
      const r = await cli([...args(), "-b", "127.0.0.1", "0"]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "");
      assert.equal(r.stderr, `simplehttp: error: ${message()}\n`);
    });
  }
});

/**
 * Runs the command on a pseudo-terminal (Python's pty module), types `typed`
 * and Enter at the password prompt, and returns what the terminal showed.
 */
const PTY_SCRIPT = `
import os, pty, sys, time, select, signal
node, cli, cert, key, typed = sys.argv[1:6]
pid, fd = pty.fork()
if pid == 0:
    os.execv(node, [node, cli, "--tls-cert", cert, "--tls-key", key, "-b", "127.0.0.1", "0"])
out = b""
def read_until(tokens, timeout=10):
    global out
    end = time.time() + timeout
    while not any(t in out for t in tokens) and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
read_until([b"Enter PEM pass phrase:"])
os.write(fd, typed.encode() + b"\\r")
read_until([b"Serving HTTPS", b"error:"])
try:
    os.kill(pid, signal.SIGTERM)
except ProcessLookupError:
    pass
os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
`;

describe("simplehttp --tls-key on a terminal", () => {
  let fx: Fixture;
  before(() => (fx = makeFixture()));
  after(() => fx.rm());

  it("asks for the password of an encrypted key without echoing it, as OpenSSL does for CPython", async () => {
    const r = await run("python3", ["-c", PTY_SCRIPT, process.execPath, CLI, fx.cert, fx.encKey, PASSWORD], 20000, cliEnv());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Enter PEM pass phrase:/);
    assert.match(r.stdout, /Serving HTTPS on 127\.0\.0\.1 port \d+/);
    assert.ok(!r.stdout.includes(PASSWORD), `the password is not echoed: ${JSON.stringify(r.stdout)}`);
  });

  it("a wrong password typed is the same one-line error as a wrong password file", async () => {
    const r = await run("python3", ["-c", PTY_SCRIPT, process.execPath, CLI, fx.cert, fx.encKey, wrongPassword(fx.encKey, "bad decrypt")], 20000, cliEnv());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /simplehttp: error: TLS key file .*enc\.pem: wrong password for the private key \(bad decrypt\)/);
  });
});
