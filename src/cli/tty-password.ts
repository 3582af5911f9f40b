import { readSync } from "node:fs";
import type { ReadStream } from "node:tty";

/**
 * Asks for a key's password on the terminal without echoing it, as
 * OpenSSL's PEM callback does for CPython (`Enter PEM pass phrase:`):
 * synchronous, since the key is read while the server is constructed.
 * Enter ends it, Backspace deletes, Ctrl-C or Ctrl-D at the start gives up
 * (an empty password, which then fails as a wrong one). Only for a
 * terminal on stdin (the caller checks `isTTY`).
 */
export function promptPasswordSync(prompt = "Enter PEM pass phrase:"): string {
  const stdin = process.stdin as ReadStream;
  // Echo off before the prompt shows: what is typed as soon as it shows is echoed on arrival otherwise.
  stdin.setRawMode(true);
  process.stderr.write(prompt);
  const bytes: number[] = [];
  const one = Buffer.alloc(1);
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(0, one, 0, 1, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EAGAIN") {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
          continue;
        }
        throw err;
      }
      const c = one[0];
      if (n === 0 || c === undefined || c === 0x0d || c === 0x0a) break;
      if (c === 0x03 || (c === 0x04 && bytes.length === 0)) {
        bytes.length = 0;
        break;
      }
      if (c === 0x7f || c === 0x08) bytes.pop();
      else bytes.push(c);
    }
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write("\n");
  }
  return Buffer.from(bytes).toString("utf8");
}
