/**
 * Runs a Python 3 script (`python3 -c`) as a second, independent HTTP client.
 *
 *   const { stdout } = await runPython(`import sys; print(sys.argv[1])`, ["x"]);
 */
import { execFile } from "node:child_process";

export interface PythonResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs `python3 -c script args...`; rejects if it cannot start or exceeds `timeoutMs` (default 15 s). */
export function runPython(script: string, args: readonly string[] = [], timeoutMs = 15000): Promise<PythonResult> {
  return new Promise((resolve, reject) => {
    execFile("python3", ["-c", script, ...args], { timeout: timeoutMs, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err && typeof (err as { code?: unknown }).code !== "number") {
        reject(Object.assign(err, { stdout, stderr }));
        return;
      }
      resolve({ stdout, stderr, code: err ? Number((err as { code?: unknown }).code) : 0 });
    });
  });
}
