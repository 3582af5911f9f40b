/**
 * Installable and runnable as users will: `npm pack` the package (dist is
 * already built by `npm test`'s pretest; --ignore-scripts keeps the pack from
 * rebuilding dist/ under the tests running beside this one), install the
 * tarball into an empty directory, run its `simplehttp` bin.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { removeDir } from "../helpers/file-server.js";
import { request } from "../helpers/raw-client.js";
import { ROOT, startCli } from "./helpers.js";

const exec = promisify(execFile);
const work = mkdtempSync(path.join(os.tmpdir(), "simplehttp-pack-"));
after(() => removeDir(work));

/** The environment without the variables `npm test` sets for its scripts (npm_config_local_prefix would redirect the install). */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== "INIT_CWD" && k !== "NODE_TEST_CONTEXT") env[k] = v;
  return env;
}

test("npm pack, npm install the tarball, run node_modules/.bin/simplehttp and GET a file", { timeout: 25_000 }, async () => {
  const packDir = path.join(work, "pack");
  const installDir = path.join(work, "install");
  const served = path.join(work, "served");
  for (const d of [packDir, installDir, served]) await exec("mkdir", ["-p", d]);
  writeFileSync(path.join(served, "hello.txt"), "installed and serving\n");

  const { stdout } = await exec("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", packDir], { cwd: ROOT, env: npmEnv() });
  const info = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const tarball = path.join(packDir, info[0]?.filename ?? "");
  assert.ok(existsSync(tarball), `tarball ${tarball}`);
  const files = (info[0]?.files ?? []).map((f) => f.path);
  assert.ok(files.includes("dist/cli.js"), "the bin is packed");
  assert.ok(files.includes("package.json"));
  assert.ok(!files.some((f) => f.startsWith("src/") || f.startsWith("tests/") || f.startsWith("build-test/")), files.join(", "));

  writeFileSync(path.join(installDir, "package.json"), JSON.stringify({ name: "pack-test", version: "1.0.0", private: true }));
  await exec("npm", ["install", tarball, "--no-audit", "--no-fund", "--prefer-offline", "--no-package-lock"], { cwd: installDir, env: npmEnv() });
  const bin = path.join(installDir, "node_modules", ".bin", "simplehttp");
  assert.ok(existsSync(bin), `installed bin: ${readdirSync(path.join(installDir, "node_modules", ".bin")).join(", ")}`);
  assert.ok(existsSync(path.join(installDir, "node_modules", "mime-db")), "the dependency is installed");
  const installed = JSON.parse(readFileSync(path.join(installDir, "node_modules", "simplehttp", "package.json"), "utf8")) as { version: string };
  assert.equal(installed.version, (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version);

  const cli = await startCli(["-b", "127.0.0.1", "-d", served, "0"], { command: [bin], cwd: installDir, env: npmEnv() });
  try {
    const r = await request(cli.port, "GET", "/hello.txt");
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), "installed and serving\n");
    assert.equal(r.header("Content-type"), "text/plain; charset=utf-8");
  } finally {
    assert.deepEqual(await cli.stop("SIGINT"), { code: 0, signal: null });
  }
});
