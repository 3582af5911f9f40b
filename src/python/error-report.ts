import { format } from "node:util";

/**
 * What CPython's `socketserver.BaseServer.handle_error` prints for an
 * exception raised while serving a client: a rule, the client's address as a
 * Python tuple, the traceback (here the stack), a rule.
 */
export function errorReport(clientAddress: readonly [string, number], error: unknown): string {
  const detail = error instanceof Error ? (error.stack ?? String(error)) : format("%o", error);
  const rule = "-".repeat(40);
  return `${rule}\nException occurred during processing of request from ('${clientAddress[0]}', ${clientAddress[1]})\n${detail}\n${rule}\n`;
}
