import type { Writable } from "node:stream";

/** Resolves once `stream` can take more, or is gone. */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off("drain", done);
      stream.off("close", done);
      stream.off("error", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
    stream.on("error", done);
  });
}

/** The script's side of the pump: its stdin, and whether it still reads it. */
export interface ScriptInput {
  readonly stdin: Writable;
  readonly stdinOpen: boolean;
}

/**
 * Moves a request body to a script's stdin, waiting whenever the script
 * reads slower than the client sends; every chunk moved is progress for
 * `idle`. Stops early, quietly, when the script closes its input or exits
 * (what is left of the body is the engine's to discard). Resolves to the
 * error that ended the body (the client left, a bad chunk), or null.
 */
export async function pumpStdin(body: AsyncIterable<Buffer>, script: ScriptInput, idle: { touch(): void }): Promise<unknown> {
  try {
    for await (const chunk of body) {
      idle.touch();
      if (!script.stdinOpen) return null;
      if (!script.stdin.write(chunk)) await drained(script.stdin);
      idle.touch();
    }
    script.stdin.end();
    return null;
  } catch (err) {
    return err;
  }
}
