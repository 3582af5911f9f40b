/**
 * Headless Chromium for the browser tests. In CI (CI=true) a missing
 * chromium is a failure; on a developer machine without it the tests are
 * skipped (`chromiumSkip`). Debian package: chromium. Node built-ins and the
 * command's helpers only, so tests compiled outside the repository can use it.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runProgram } from "../cli/helpers.js";

export const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
const inCI = (process.env["CI"] ?? "") !== "" && process.env["CI"] !== "false" && process.env["CI"] !== "0";
/** The `skip` option of a test that needs Chromium: false when it is there, or when CI requires it. */
export const chromiumSkip: string | false = CHROMIUM === undefined && !inCI ? "chromium is not installed (apt-get install chromium); required when CI=true" : false;

/**
 * Runs headless Chromium with a fresh profile (removed afterwards), quiet
 * defaults and `args` (`--dump-dom URL`, `--screenshot=FILE URL`, ...);
 * asserts it exited 0 and returns its stdout.
 */
export async function runChromium(args: readonly string[], timeoutMs = 30_000): Promise<string> {
  assert.ok(CHROMIUM, "chromium must be installed when CI is set (Debian package: chromium)");
  const profile = mkdtempSync(path.join(os.tmpdir(), "simplehttp-chromium-"));
  try {
    const r = await runProgram(
      CHROMIUM,
      ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", `--user-data-dir=${profile}`, ...args],
      timeoutMs,
    );
    assert.equal(r.code, 0, `chromium exited ${r.code ?? r.signal}: ${r.stderr.slice(-2000)}`);
    return r.stdout.toString("utf8");
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
