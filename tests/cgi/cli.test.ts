// `--cgi` on the command line selects CGIHTTPRequestHandler, as
// `python -m http.server --cgi` does.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { defaultCgiMax } from "../../src/cgi/script-slots.js";
import { CGIHTTPRequestHandler, SimpleHTTPRequestHandler } from "../../src/index.js";
import { createHandlerClass } from "../../src/cli/handler-class.js";
import { parseCommandLine } from "../../src/cli/options.js";
import { makeSite, shScript, type Site } from "./helpers.js";

// The built command as users run it (`npm test` builds dist first).
const CLI = fileURLToPath(new URL("../../../dist/cli.js", import.meta.url));
const SCRIPT = shScript("printf 'Hello from CGI %s\\n' \"$REQUEST_METHOD\"");

interface Running {
  child: ChildProcess;
  port: number;
  stderr: () => string;
}

async function startCli(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner; stderr: ${err}`)), 10000);
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /port (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  return { child, port, stderr: () => err };
}

async function stop(r: Running): Promise<void> {
  if (r.child.exitCode !== null) return;
  const exited = new Promise((resolve) => r.child.once("exit", resolve));
  r.child.kill("SIGINT");
  await exited;
}

function curl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => execFile("curl", ["-sS", ...args], (e, stdout, stderr) => (e ? reject(new Error(stderr)) : resolve(stdout))));
}

describe("simplehttp --cgi", () => {
  let site: Site;
  before(() => {
    site = makeSite();
    site.write("cgi-bin/hello.sh", SCRIPT);
  });
  after(() => site.rm());

  it("runs scripts under /cgi-bin (GET and POST), HTTP/1.1 keep-alive by default", async () => {
    const r = await startCli(["--cgi", "-b", "127.0.0.1", "-d", site.root, "0"]);
    try {
      const url = `http://127.0.0.1:${r.port}/cgi-bin/hello.sh`;
      assert.equal(await curl([url]), "Hello from CGI GET\n");
      assert.equal(await curl(["-d", "x=1", url]), "Hello from CGI POST\n");
      const head = await curl(["-i", url]);
      assert.match(head, /^HTTP\/1\.1 200 Script output follows\r\n/);
      assert.match(head, /\r\nTransfer-Encoding: chunked\r\n/);
    } finally {
      await stop(r);
    }
    assert.match(r.stderr(), /"GET \/cgi-bin\/hello\.sh HTTP\/1\.1" 200 -/);
  });

  it("without --cgi the script is a file like any other", async () => {
    const r = await startCli(["-b", "127.0.0.1", "-d", site.root, "0"]);
    try {
      assert.equal(await curl([`http://127.0.0.1:${r.port}/cgi-bin/hello.sh`]), SCRIPT);
      assert.match(await curl(["-i", "-d", "x", `http://127.0.0.1:${r.port}/cgi-bin/hello.sh`]), /^HTTP\/1\.1 501 /);
    } finally {
      await stop(r);
    }
  });

  it("createHandlerClass: --cgi gives a CGIHTTPRequestHandler bound to the directory and protocol", () => {
    const parsed = parseCommandLine(["--cgi", "-p", "HTTP/1.0", "-d", site.root, "8000"]);
    assert.equal(parsed.kind, "run");
    if (parsed.kind !== "run") return;
    const Handler = createHandlerClass(parsed.options, site.root);
    assert.equal(typeof Handler, "function");
    if (typeof Handler === "string") return;
    assert.ok(Handler.prototype instanceof CGIHTTPRequestHandler);
    assert.equal((Handler.prototype as CGIHTTPRequestHandler).protocolVersion, "HTTP/1.0");
    assert.deepEqual((Handler.prototype as CGIHTTPRequestHandler).cgiDirectories, ["/cgi-bin", "/htbin"]);
    assert.equal((Handler.prototype as CGIHTTPRequestHandler).cgiTimeout, 60);
    assert.equal(CGIHTTPRequestHandler.prototype.protocolVersion, "HTTP/1.0", "the class itself is untouched");
    assert.equal((Handler.prototype as CGIHTTPRequestHandler).cgiMax, defaultCgiMax());

    const capped = parseCommandLine(["--cgi", "--cgi-max", "3", "-d", site.root]);
    if (capped.kind !== "run") throw new Error("parse");
    const Capped = createHandlerClass(capped.options, site.root) as unknown as { prototype: CGIHTTPRequestHandler };
    assert.equal(Capped.prototype.cgiMax, 3);
    assert.equal(CGIHTTPRequestHandler.prototype.cgiMax, defaultCgiMax(), "the class itself is untouched");

    const plain = parseCommandLine(["-d", site.root]);
    if (plain.kind !== "run") throw new Error("parse");
    const Simple = createHandlerClass(plain.options, site.root);
    if (typeof Simple === "string") throw new Error(Simple);
    assert.ok(Simple.prototype instanceof SimpleHTTPRequestHandler);
    assert.ok(!(Simple.prototype instanceof CGIHTTPRequestHandler));
  });
});
