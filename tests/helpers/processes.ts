/**
 * Processes seen through /proc (no procps needed): a process's state and
 * parent, the children of a process, and whether one is gone. Node
 * built-ins only, so tests compiled outside the repository can use it.
 */
import { readdirSync, readFileSync } from "node:fs";

/** State letter of a process (`R`, `S`, `Z`, ...) and its parent, or null when it does not exist. */
export function processState(pid: number): { state: string; ppid: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return null;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0] ?? "?", ppid: Number(fields[1]) };
}

/** The processes whose parent is `pid` (the workers of a primary, the scripts of a server), sorted. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (/^\d+$/.test(name) && processState(Number(name))?.ppid === pid) out.push(Number(name));
  }
  return out.sort((a, b) => a - b);
}

/** True when the process is gone (or a zombie that is not this process's to reap). */
export function gone(pid: number): boolean {
  const st = processState(pid);
  return st === null || (st.state === "Z" && st.ppid !== process.pid);
}
