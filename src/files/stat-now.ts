import { statSync, type Stats } from "node:fs";
import { fsEncode } from "./fs-encoding.js";

/**
 * A synchronous `stat` of a served path (undecodable name bytes kept, see
 * fs-encoding.ts), null when there is nothing usable there: missing, no
 * permission, NUL in the name, too long, a loop. On a local disk it costs
 * about a microsecond against tens for a round trip through libuv's thread
 * pool, which is what a file server spends its time on (nginx blocks on it too).
 */
export function statNow(path: string): Stats | null {
  try {
    return statSync(fsEncode(path), { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}
