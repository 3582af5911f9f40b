/**
 * Captures what is written to process.stderr while `fn` runs (the handler's
 * `logMessage` and the server's `handleError` write there). Not safe across
 * concurrently running tests in one file; node:test runs a file's tests one
 * at a time by default.
 *
 *   const { text } = await captureStderr(async () => { ... });
 */
export async function captureStderr<T>(fn: () => Promise<T>, passThrough = false): Promise<{ result: T; text: string }> {
  const original = process.stderr.write;
  let text = "";
  process.stderr.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    text += typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
    if (passThrough) return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    const cb = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    if (cb) cb();
    return true;
  } as typeof process.stderr.write;
  try {
    const result = await fn();
    return { result, text };
  } finally {
    process.stderr.write = original;
  }
}
