import { constants as osConstants } from "node:os";
import { pyRepr } from "./py-format.js";

/** The C library's texts for the errors a file name can meet (what Python's `strerror` shows). */
const STRERROR: Readonly<Record<string, string>> = {
  ENOENT: "No such file or directory",
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
  EISDIR: "Is a directory",
  ENOTDIR: "Not a directory",
  ELOOP: "Too many levels of symbolic links",
  ENAMETOOLONG: "File name too long",
  EMFILE: "Too many open files",
  ENFILE: "Too many open files in system",
  EIO: "Input/output error",
  ENXIO: "No such device or address",
  EINVAL: "Invalid argument",
};

/**
 * Python's text for an OSError about `path`: `[Errno 2] No such file or
 * directory: 'cert.pem'`, so the command line reads like CPython's.
 */
export function osErrorText(err: unknown, path: string): string {
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === "string" ? e.code : "";
  const errno = (osConstants.errno as Readonly<Record<string, number | undefined>>)[code];
  if (errno === undefined) return `${err instanceof Error ? err.message : String(err)}: ${pyRepr(path)}`;
  // libuv's own wording ("illegal operation on a directory") differs from the C library's, which Python shows.
  const uv = /^[A-Z0-9]+: ([^,]*)/.exec(e.message)?.[1] ?? code;
  const text = STRERROR[code] ?? uv.charAt(0).toUpperCase() + uv.slice(1);
  return `[Errno ${errno}] ${text}: ${pyRepr(path)}`;
}
